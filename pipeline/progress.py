"""A local run's progress on stderr: for a batch run inputs done, the rate and an estimate of the time left;
for a stream inputs read and done so far, and the messages acknowledged (once their window's files are final;
heartbeats included).

The DirectRunner reports a job's metrics only once the job has finished, but it runs the pipeline's DoFns
in threads of this process, so a thread here reads their counters as they count them
(`transforms/stage.py` `local_counts`). Not in its multi_processing mode, whose workers are processes of their own.
"""
from __future__ import annotations

import threading
import time
from typing import TextIO

from wirestream.transforms.stage import local_counts

INTERVAL = 5.0  # seconds between lines
# An input is done once it leaves the NLP stage, is dropped as a duplicate or becomes a dead letter.
DONE = ("stories_annotated", "stories_skipped_language", "duplicates_dropped")
DEAD_LETTERS = "dead_letters_"


class Progress(threading.Thread):
    """`with Progress(sys.stderr): pipeline.run()` prints a line every INTERVAL seconds and one at the end;
    on a terminal each line overwrites the last."""

    def __init__(self, stream: TextIO, interval: float = INTERVAL, streaming: bool = False):  # tests: shorter
        super().__init__(name="wirestream-progress", daemon=True)
        self.stream = stream
        self.streaming = streaming
        self.interval = interval
        self.terminal = stream.isatty()
        self.baseline = local_counts()  # counts of earlier runs in this process
        self.started = time.monotonic()
        self.first: tuple[float, int] | None = None  # when the first input was done, and how many were
        self.finished = threading.Event()

    def __enter__(self) -> Progress:
        self.start()
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        self.finished.set()
        self.join()
        if exc_type is None and not self.streaming:  # a stream ends with its summary
            self.report(final=True)
        elif self.terminal:  # the error starts on a line of its own
            self.stream.write("\n")

    def run(self) -> None:
        while not self.finished.wait(self.interval):
            self.report()

    def counts(self) -> tuple[int, int]:
        """(inputs done, inputs read) in this run so far."""
        counts = local_counts() - self.baseline
        done = sum(counts[name] for name in DONE) + sum(n for name, n in counts.items() if name.startswith(DEAD_LETTERS))
        return min(done, counts["inputs_read"]), counts["inputs_read"]

    def report(self, final: bool = False) -> None:
        now = time.monotonic()
        done, total = self.counts()
        if done and self.first is None:
            self.first = (now, done)
        line = f"wirestream: {done:,} of {total:,} inputs done"
        if self.streaming:
            acknowledged = (local_counts() - self.baseline)["messages_acknowledged"]
            line = f"wirestream: {total:,} inputs read, {done:,} done, {acknowledged:,} messages acknowledged"
        elif final:
            line += f" in {duration(now - self.started)}"
        elif self.first and now > self.first[0] and done > self.first[1]:
            rate = (done - self.first[1]) / (now - self.first[0])
            line += f" ({done / total:.0%}), {rate:.1f} inputs/s, about {duration((total - done) / rate)} left"
        end = "\n" if final or not self.terminal else ""
        self.stream.write(f"\r{line}\x1b[K{end}" if self.terminal else f"{line}{end}")
        self.stream.flush()


def duration(seconds: float) -> str:
    """`42 s`, `3 min 05 s`, `1 h 02 min`."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
