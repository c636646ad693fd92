"""Streaming latency benchmark: Pub/Sub publish -> story record visible in the windowed Avro output.

    .venv/bin/python bench/streaming_latency.py --messages 50 --window 10 [--rate 2] [--heartbeat 1]

What it does, in order:

1. starts the real Pub/Sub emulator (`PubsubEmulator`, own process group) and creates a topic and a
   subscription;
2. starts `python -m wirestream run --subscription ... --output TMP --window W` as a subprocess in its own
   process group, and waits for its `streaming into` line (the spaCy model loads before that);
3. publishes one warm-up story and waits until its record is in the output (so the first window and the
   lazy set-up of every step are paid before measuring); the warm-up is excluded from the stats;
4. publishes N distinct stories at `--rate` messages per second, built from the files in `seeds/`
   (`.txt` as wire copy; `.json`/`.jsonl` as ninjs with `uri` replaced by the bench story id and
   `versioncreated` removed, so that `published_at` in the record is the Pub/Sub publish time), each with
   a distinct `story_id` attribute, recording the wall-clock time just before each `publish()` call;
5. polls `TMP/stories/*.avro` every `--poll` seconds (default 0.2), reads new files with fastavro and
   records, per story_id, the **poll time** of the first poll that saw it (the latency a consumer polling
   the directory observes; it includes up to one poll interval) and the file's mtime (the time the
   writer finished the temporary file, before it was renamed into place; the rename keeps the mtime);
6. prints a table and the last line
   `STREAMLAT messages=N window=W p50_s=... p95_s=... max_s=... missing=...` (poll-time latencies);
7. sends SIGINT to the pipeline's process group (a user's Ctrl-C), which drains it (the open windows are
   written and their messages acknowledged), waits for it to exit, and stops the emulator.

Heartbeats (`--heartbeat SECONDS`, default 0: none): an empty message with the attribute
`wirestream_heartbeat` every SECONDS. The pipeline counts and drops them. Beam's own Pub/Sub read on the
DirectRunner needed them (its watermark moved only when a 30 s pull returned); wirestream's local read
(transforms/pubsub.py) moves the watermark at least every second without them, so they change nothing
but the count of messages acknowledged.

Percentiles use linear interpolation between the closest ranks (numpy's default). Latency of a story =
poll time at which its record was first seen - wall-clock time of its publish() call.
"""
from __future__ import annotations

import argparse
import datetime
import glob
import json
import math
import os
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import fastavro

REPO = pathlib.Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from google.cloud import pubsub_v1  # noqa: E402

from wirestream.pipeline.publish import Heartbeat  # noqa: E402
from wirestream.pipeline.pubsub_emulator import EMULATOR_HOST_VARIABLE, PubsubEmulator  # noqa: E402

PROJECT = "wirestream-bench"
READY_LINE = "streaming into"


# ---------------------------------------------------------------- stories


def seed_payloads(seeds: pathlib.Path) -> list[tuple[str, bytes | dict]]:
    """(content_type, payload) per seed story: text as bytes, ninjs as a dict to stamp with an id."""
    payloads: list[tuple[str, bytes | dict]] = []
    for path in sorted(seeds.iterdir()):
        if path.suffix == ".txt":
            payloads.append(("text", path.read_bytes()))
        elif path.suffix == ".json":
            payloads.append(("ninjs", json.loads(path.read_text())))
        elif path.suffix == ".jsonl":
            for line in path.read_text().splitlines():
                if line.strip():
                    payloads.append(("ninjs", json.loads(line)))
    if not payloads:
        raise SystemExit(f"streaming_latency: no seed stories in {seeds}")
    return payloads


def story_message(payloads, index: int, story_id: str) -> tuple[bytes, dict[str, str]]:
    content_type, payload = payloads[index % len(payloads)]
    if content_type == "ninjs":
        document = {k: v for k, v in payload.items() if k != "versioncreated"}
        document["uri"] = story_id  # the ninjs uri wins over the attribute: make it distinct too
        data = json.dumps(document).encode()
    else:
        data = payload
    return data, {"story_id": story_id, "content_type": content_type, "source": f"bench:{story_id}"}


# ---------------------------------------------------------------- pipeline process


class PipelineProcess:
    """`python -m wirestream run ...` in its own process group, its output collected by a thread."""

    def __init__(self, subscription: str, output: str, window: int, extra: list[str], log_path: str):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.log = open(log_path, "w")
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wirestream", "run", "--subscription", subscription, "--output", output,
             "--window", str(window), *extra],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            self.log.write(line)
            self.log.flush()
            if READY_LINE in line:
                self.ready.set()

    def tail(self, count: int = 30) -> str:
        return "".join(self.lines[-count:])

    def interrupt(self, timeout: float) -> tuple[float, bool]:
        """SIGINT to the group, as Ctrl-C would; SIGKILL after `timeout`. Returns (seconds, clean)."""
        started = time.monotonic()
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                self.reader.join(timeout=5)
                self.log.close()
                return time.monotonic() - started, False
        self.reader.join(timeout=5)
        self.log.close()
        return time.monotonic() - started, True


# ---------------------------------------------------------------- output polling


class OutputWatcher:
    """Polls OUTPUT/stories/*.avro; records when each story_id is first seen (poll time and file mtime)."""

    def __init__(self, output: str):
        self.pattern = os.path.join(output, "stories", "*.avro")
        self.read_files: set[str] = set()
        self.seen: dict[str, dict] = {}
        self.duplicates = 0
        self.polls = 0
        self.lock = threading.Lock()

    def poll(self) -> None:
        now = time.time()
        self.polls += 1
        for path in sorted(glob.glob(self.pattern)):
            if path in self.read_files:
                continue
            try:
                mtime = os.stat(path).st_mtime
                with open(path, "rb") as handle:
                    records = list(fastavro.reader(handle))
            except (OSError, ValueError, EOFError, StopIteration):
                continue  # not complete yet (should not happen: files are renamed into place); retry
            self.read_files.add(path)
            with self.lock:
                for record in records:
                    story_id = record["story_id"]
                    if story_id in self.seen:
                        self.duplicates += 1
                        continue
                    self.seen[story_id] = {
                        "seen": now, "mtime": mtime, "file": os.path.basename(path),
                        "published_at": record.get("published_at"),
                    }


class Poller(threading.Thread):
    def __init__(self, watcher: OutputWatcher, interval: float):
        super().__init__(daemon=True)
        self.watcher, self.interval = watcher, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.watcher.poll()
            self.stopped.wait(self.interval)


# ---------------------------------------------------------------- statistics


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default method)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_row(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:<34} {'-':>5}"
    return (f"{name:<34} {len(values):>5} {min(values):>7.2f} {percentile(values, .5):>7.2f} "
            f"{statistics.fmean(values):>7.2f} {percentile(values, .95):>7.2f} {max(values):>7.2f}")


def timestamp_seconds(value) -> float | None:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    return None


def report(args, published: dict[str, float], watcher: OutputWatcher) -> tuple[list[float], int]:
    window = args.window
    latencies, mtime_latencies, window_waits, firing_lags, clock_skews = [], [], [], [], []
    per_window: dict[float, list[tuple[str, float, float]]] = {}
    with watcher.lock:
        seen = dict(watcher.seen)
    for story_id, sent in published.items():
        hit = seen.get(story_id)
        if not hit:
            continue
        latency = hit["seen"] - sent
        latencies.append(latency)
        mtime_latencies.append(hit["mtime"] - sent)
        # The element timestamp (and so the window) is the Pub/Sub publish time, which the record keeps.
        event_time = timestamp_seconds(hit["published_at"]) or sent
        clock_skews.append(event_time - sent)
        window_end = (math.floor(event_time / window) + 1) * window
        window_waits.append(window_end - sent)
        firing_lags.append(hit["seen"] - window_end)
        per_window.setdefault(window_end, []).append((story_id, latency, hit["seen"] - window_end))
    missing = len(published) - len(latencies)

    heading = f"{'':<34} {'n':>5} {'min':>7} {'p50':>7} {'mean':>7} {'p95':>7} {'max':>7}"
    print()
    print(f"messages={len(published)} window={window}s rate={args.rate}/s "
          f"heartbeat={'off' if not args.heartbeat else f'{args.heartbeat}s'} poll={args.poll}s")
    print(heading)
    print(summary_row("latency, poll time (s)", latencies))
    print(summary_row("temp file written (mtime) - publish", mtime_latencies))
    print(summary_row("  window wait: window end - publish", window_waits))
    print(summary_row("  after window end: seen - end", firing_lags))
    print(summary_row("publish time (server) - publish()", clock_skews))
    print()
    print(f"{'window end (UTC)':<20} {'n':>4} {'lat min':>8} {'lat max':>8} {'seen - window end':>18}")
    for window_end in sorted(per_window):
        rows = per_window[window_end]
        end = datetime.datetime.fromtimestamp(window_end, datetime.timezone.utc).strftime("%H:%M:%S")
        print(f"{end:<20} {len(rows):>4} {min(r[1] for r in rows):>8.2f} {max(r[1] for r in rows):>8.2f} "
              f"{statistics.fmean(r[2] for r in rows):>18.2f}")
    print(f"missing={missing} duplicates={watcher.duplicates} output files={len(watcher.read_files)}")
    return latencies, missing


# ---------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, required=True, help="stories to publish and time")
    parser.add_argument("--window", type=int, required=True, help="the pipeline's --window, seconds")
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second (default 2)")
    parser.add_argument("--heartbeat", type=float, default=0.0,
                        help="seconds between heartbeat messages; 0 = no heartbeats (the default)")
    parser.add_argument("--poll", type=float, default=0.2, help="output directory poll interval (default 0.2 s)")
    parser.add_argument("--timeout", type=float,
                        help="seconds to wait for the records after the last publish (default window + 60)")
    parser.add_argument("--startup-timeout", type=float, default=240,
                        help="seconds to wait for the pipeline to start and the warm-up record (default 240)")
    parser.add_argument("--seeds", default=str(REPO / "seeds"), help="directory of seed stories")
    parser.add_argument("--keep", action="store_true", help="keep the output directory and pipeline log")
    parser.add_argument("--pipeline-arg", action="append", default=[], dest="pipeline_args",
                        help="extra argument for `wirestream run` (repeatable), e.g. --pipeline-arg=--batch_size=8")
    args = parser.parse_args(argv)
    if args.messages < 1 or args.window < 1 or args.rate <= 0:
        parser.error("--messages and --window must be >= 1 and --rate > 0")
    if args.timeout is None:
        args.timeout = args.window + 60
    return args


def wait_until(condition, timeout: float, pipeline: PipelineProcess, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if pipeline.process.poll() is not None:
            raise RuntimeError(f"the pipeline exited ({pipeline.process.returncode}) while waiting for {what}:\n"
                               f"{pipeline.tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}:\n{pipeline.tail()}")
        time.sleep(0.05)


def main(argv=None) -> int:
    args = parse_args(argv)
    payloads = seed_payloads(pathlib.Path(args.seeds))
    work = tempfile.mkdtemp(prefix="wirestream-streamlat-")
    output = os.path.join(work, "out")
    run = uuid.uuid4().hex[:8]
    pipeline = heartbeat = poller = None
    status = 1
    with PubsubEmulator(PROJECT) as emulator:
        os.environ[EMULATOR_HOST_VARIABLE] = emulator.host
        try:
            topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
            publisher = pubsub_v1.PublisherClient()
            started = time.monotonic()
            pipeline = PipelineProcess(subscription, output, args.window, args.pipeline_args,
                                       os.path.join(work, "pipeline.log"))
            wait_until(pipeline.ready.is_set, args.startup_timeout, pipeline, "the `streaming into` line")
            print(f"pipeline ready after {time.monotonic() - started:.1f} s", flush=True)

            watcher = OutputWatcher(output)
            poller = Poller(watcher, args.poll)
            poller.start()
            if args.heartbeat > 0:
                heartbeat = Heartbeat(topic, args.heartbeat, publisher)
                heartbeat.start()

            warm_id = f"bench-{run}-warmup"
            sent = time.time()
            data, attributes = story_message(payloads, 0, warm_id)
            publisher.publish(topic, data, **attributes).result(timeout=60)
            wait_until(lambda: warm_id in watcher.seen, args.startup_timeout, pipeline, "the warm-up record")
            print(f"warm-up record after {watcher.seen[warm_id]['seen'] - sent:.1f} s (excluded)", flush=True)

            published: dict[str, float] = {}
            futures = []
            begin = time.monotonic()
            for index in range(args.messages):
                delay = begin + index / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                story_id = f"bench-{run}-{index:05d}"
                data, attributes = story_message(payloads, index, story_id)
                published[story_id] = time.time()
                futures.append(publisher.publish(topic, data, **attributes))
            for future in futures:
                future.result(timeout=60)
            print(f"published {args.messages} stories in {time.monotonic() - begin:.1f} s; waiting for records",
                  flush=True)

            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline and not all(s in watcher.seen for s in published):
                if pipeline.process.poll() is not None:
                    print(f"the pipeline exited early:\n{pipeline.tail()}", file=sys.stderr)
                    break
                time.sleep(0.1)
            poller.stopped.set()
            poller.join()
            watcher.poll()  # one last look, after the poller has stopped

            latencies, missing = report(args, published, watcher)
            p50, p95 = percentile(latencies, .5), percentile(latencies, .95)
            top = max(latencies) if latencies else math.nan
            print(f"STREAMLAT messages={args.messages} window={args.window} p50_s={p50:.2f} p95_s={p95:.2f} "
                  f"max_s={top:.2f} missing={missing}", flush=True)
            status = 0 if missing == 0 else 2
        except Exception as error:  # report and clean up; the exit status says it failed
            print(f"streaming_latency: {error}", file=sys.stderr)
        finally:
            if poller:
                poller.stopped.set()
            if pipeline:
                seconds, clean = pipeline.interrupt(timeout=90)
                print(f"pipeline drained by SIGINT in {seconds:.1f} s"
                      f"{'' if clean else ' (did not exit: killed)'}; heartbeats sent: "
                      f"{heartbeat.sent if heartbeat else 0}", file=sys.stderr)
            if heartbeat:
                heartbeat.stop()
    if args.keep:
        print(f"output and pipeline log kept in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
