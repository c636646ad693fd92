"""`wirestream` command line: thin entry points for running, feeding and emulating the pipeline."""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import itertools
import json
import logging
import os
import re
import stat
import sys
import time
from typing import NoReturn

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, StandardOptions, TestOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.runners.runner import PipelineResult
from google.api_core.exceptions import GoogleAPICallError
from google.auth.exceptions import GoogleAuthError

from wirestream import DamagedFile, bigquery, read_dead_letters, read_stories
from wirestream.pipeline.graph import (
    DEAD_LETTER_DIR,
    TEMP_DIR,
    build_pipeline,
    configure_streaming,
    reads_unacknowledged,
)
from wirestream.pipeline.options import UsageError, WirestreamOptions, check_arguments
from wirestream.pipeline.output import OutputError, OutputLock, check_output
from wirestream.pipeline.progress import Progress
from wirestream.pipeline.publish import Heartbeat, publish_files
from wirestream.pipeline.pubsub_emulator import EMULATOR_HOST_VARIABLE, PubsubEmulator
from wirestream.pipeline.stream import (
    SUMMARY_COUNTERS,
    StoppedAtOnce,
    stop_on_signals,
    stream_until_stopped,
    summary_line,
)
from wirestream.reader import field_paths, select_fields, story_matches, to_json_dict
from wirestream.report import build_report
from wirestream.schemas import DEAD_LETTER, WIRE_STORY
from wirestream.stats import collect, render
from wirestream.transforms.read import input_matches
from wirestream.transforms.stage import NAMESPACE

LOCAL_RUNNERS = ("DirectRunner", "PrismRunner", "FnApiRunner")
IN_PROCESS_RUNNERS = ("DirectRunner", "FnApiRunner")  # whose counters pipeline/progress.py can read
PUBSUB_NAME = re.compile(r"[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}")  # topic and subscription ids


def run(argv: list[str]) -> PipelineResult:
    """Runs the pipeline. Local batch: waits and prints the summary. Local streaming: runs until Ctrl-C.
    A managed runner (Dataflow, ...): submits the job and returns; `--dry_run` only translates it.
    A mistake in the arguments, the output or the setup is one line on stderr and exit status 1."""
    if "-h" in argv or "--help" in argv:
        print_options_help()
        sys.exit(0)
    show_progress, argv = progress_flag(argv)
    try:
        check_arguments(argv)
    except UsageError as error:
        fail(str(error))
    options = PipelineOptions(argv)
    wirestream = options.view_as(WirestreamOptions)
    if options.view_as(StandardOptions).streaming and not (wirestream.subscription or wirestream.topic):
        sys.exit("wirestream: --streaming reads from Pub/Sub: give --subscription or --topic")
    streaming = configure_streaming(options)
    runner = options.view_as(StandardOptions).runner or "DirectRunner"
    local = runner in LOCAL_RUNNERS
    # Dataflow's dry run only translates the job: its gs:// input need not exist, nor credentials to check it
    dry_run = not local and options.view_as(TestOptions).dry_run
    if local:
        check_local_setup(wirestream, streaming)
    if not streaming and not dry_run and not input_matches(wirestream.input):
        sys.exit(f"wirestream: no input files match {wirestream.input!r}")
    lock = OutputLock(wirestream.output) if local else None
    try:
        if not dry_run:
            if lock:
                lock.acquire()
            check_output(wirestream.output, wirestream.overwrite, streaming)
        return run_pipeline(options, wirestream, runner, streaming, dry_run, show_progress)
    except OutputError as error:
        fail(str(error))
    finally:
        if lock:
            lock.release()


def fail(message: str) -> NoReturn:
    sys.exit(f"wirestream run: {message}")


def check_local_setup(wirestream: WirestreamOptions, streaming: bool) -> None:
    """What a local run needs, checked before the pipeline is built: the spaCy model, and for streaming a
    Pub/Sub to talk to (a managed runner's workers have their own)."""
    model = wirestream.spacy_model
    if not model_installed(model) and not os.path.isdir(model):
        fail(f"--spacy_model {model} is not an installed spaCy pipeline package (installed: "
             f"{', '.join(installed_spacy_models()) or 'none'})")
    if streaming and not os.environ.get(EMULATOR_HOST_VARIABLE):
        import google.auth  # Beam's GCP dependency; only a streaming run needs it
        from google.auth.exceptions import DefaultCredentialsError

        try:
            google.auth.default()
        except DefaultCredentialsError:
            fail(f"streaming from Pub/Sub needs {EMULATOR_HOST_VARIABLE} (the emulator: see `wirestream emulator`) "
                 "or Google Cloud credentials (gcloud auth application-default login)")


def model_installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name.replace("-", "_")) is not None
    except (ImportError, ValueError):
        return False


def installed_spacy_models() -> list[str]:
    """Installed distributions that register a spaCy pipeline (spacy_models entry point)."""
    return sorted(entry.name for entry in importlib.metadata.entry_points(group="spacy_models"))


def run_pipeline(options: PipelineOptions, wirestream: WirestreamOptions, runner: str, streaming: bool,
                 dry_run: bool, show_progress: bool | None) -> PipelineResult:
    # wirestream's own Pub/Sub read needs the DirectRunner's bundle-based engine, which Beam picks for a
    # streaming job anyway, after a try with Prism when nothing forbids it (a run without dedup): name it.
    pipeline = beam.Pipeline(runner=BundleBasedDirectRunner() if reads_unacknowledged(options) else None,
                             options=options)
    build_pipeline(pipeline, options)
    in_process = runner in IN_PROCESS_RUNNERS and options.view_as(DirectOptions).direct_running_mode != "multi_processing"
    progress = in_process and (sys.stderr.isatty() if show_progress is None else show_progress)
    if not streaming and progress:
        with Progress(sys.stderr):
            result = pipeline.run()
    else:
        result = pipeline.run()
    if dry_run:
        print(f"wirestream: dry run: the job was translated for {runner}, nothing was submitted")
    elif runner not in LOCAL_RUNNERS:
        print(submitted(result, runner))
    elif not streaming:
        result.wait_until_finish()
        remove_temp_directory(wirestream.output)
        print(summary(result, wirestream.output))
        print(dead_letter_reasons(wirestream.output), end="")
    elif progress:
        with Progress(sys.stderr, streaming=True):
            stream_until_stopped(result, wirestream.output)
    else:
        stream_until_stopped(result, wirestream.output)
    return result


def progress_flag(argv: list[str]) -> tuple[bool | None, list[str]]:
    """`--progress` / `--no-progress` (None: neither, so only on a terminal), and the other arguments. A flag
    of this command, not a pipeline option: it means nothing to a managed runner or a template."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction)
    known, rest = parser.parse_known_args(argv)
    return known.progress, rest


def print_options_help() -> None:
    parser = argparse.ArgumentParser(
        prog="wirestream run", description="Runs the pipeline. Every Apache Beam pipeline option is accepted too."
    )
    WirestreamOptions._add_argparse_args(parser)
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction,
                        help="A local batch run prints inputs done, rate and time left to stderr every few "
                             "seconds, a local stream inputs read and done (default: only when stderr is a terminal).")
    parser.print_help()


def remove_temp_directory(output: str) -> None:
    temp = FileSystems.join(output, TEMP_DIR)
    if FileSystems.exists(temp):
        FileSystems.delete([temp])


def submitted(result: PipelineResult, runner: str) -> str:
    """A managed job runs on without this process: its id is where to find it (Dataflow's console)."""
    job = f": job {result.job_id()}" if getattr(result, "has_job", False) else ""
    return f"wirestream: submitted to {runner}{job}"


def summary(result: PipelineResult, output: str) -> str:
    """The batch run's counters, e.g. `inputs read: 12, stories written: 11, dead letters written: 1`."""
    values = {}
    for label, name in SUMMARY_COUNTERS:
        query = MetricsFilter().with_namespace(NAMESPACE).with_name(name)
        values[label] = sum(counter.committed or 0 for counter in result.metrics().query(query)["counters"])
    return summary_line(values, output)


def dead_letter_reasons(output: str) -> str:
    """One line per kind of rejection in the run's dead-letter files, e.g. `  parse: not valid UTF-8: 2`."""
    counts = collect([], read_dead_letters(FileSystems.join(output, DEAD_LETTER_DIR, "*.avro"))).dead_letter_reasons
    return "".join(f"  {stage}: {reason}: {n}\n" for (stage, reason), n in sorted(counts.items()))


def read(argv: list[str]) -> None:
    """`wirestream read OUT`: records as JSON lines, for jq, scripts and eyes."""
    parser = argparse.ArgumentParser(prog="wirestream read", description="Prints output records as JSON lines: "
                                     "dates and times in ISO 8601, a dead letter's payload as text when it is "
                                     "UTF-8, else as payload_base64.")
    parser.add_argument("paths", nargs="+", help="output directories, .avro files or globs (local, gs://, ...)")
    parser.add_argument("--dead-letters", action="store_true", help="print the dead letters instead of the stories")
    parser.add_argument("--fields", help="comma-separated fields, dotted paths allowed: story_id,dateline.city,"
                                         "entities.text")
    parser.add_argument("--limit", type=int, help="print at most this many records")
    parser.add_argument("--entity", help="only stories with this entity: whole words of its name or an alias, "
                                         "any case (putin finds Vladimir Putin)")
    parser.add_argument("--stance", type=str.upper, choices=("FAVOR", "AGAINST", "NEUTRAL"),
                        help="only stories with a stance of this label")
    parser.add_argument("--country", help="only stories datelined in this country (ISO 3166 alpha-2)")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 0:
        parser.error("--limit must be 0 or more")
    kind = DEAD_LETTER if args.dead_letters else WIRE_STORY
    if args.dead_letters and (args.entity or args.stance or args.country):
        parser.error("--entity, --stance and --country filter stories, not --dead-letters")
    fields = [f.strip() for f in args.fields.split(",") if f.strip()] if args.fields else None
    unknown = sorted(set(fields or ()) - field_paths(kind))
    if unknown:
        parser.error(f"no such field: {', '.join(unknown)} (fields: {', '.join(sorted(field_paths(kind)))})")
    try:
        if args.dead_letters:
            records = read_dead_letters(*args.paths)
        else:
            records = (s for s in read_stories(*args.paths) if story_matches(s, args.entity, args.stance, args.country))
        for record in itertools.islice(records, args.limit):
            values = to_json_dict(record)
            print(json.dumps(select_fields(values, fields) if fields else values, ensure_ascii=False))
    except (FileNotFoundError, DamagedFile) as error:
        sys.stdout.flush()
        sys.exit(f"wirestream read: {error}")


def stats(argv: list[str]) -> None:
    """`wirestream stats OUT`: what a run produced, as terminal tables."""
    parser = argparse.ArgumentParser(prog="wirestream stats", description="Summarises output: stories, entities, "
                                     "stances, datelines, dead letters.")
    parser.add_argument("paths", nargs="+", help="output directories, .avro files or globs (local, gs://, ...)")
    parser.add_argument("--top", type=int, default=10, help="rows in the top-N tables (default 10)")
    args = parser.parse_args(argv)
    if args.top < 1:
        parser.error("--top must be 1 or more")
    try:
        print(render(collect(read_stories(*args.paths), read_dead_letters(*args.paths)), args.top))
    except (FileNotFoundError, DamagedFile) as error:
        sys.exit(f"wirestream stats: {error}")


def report(argv: list[str]) -> None:
    """`wirestream report OUT --output report.html`: the page of wirestream/report.py."""
    parser = argparse.ArgumentParser(prog="wirestream report", description="Writes one self-contained HTML page "
                                     "(opens offline) of stories over time, a map, top entities, stances, dead letters.")
    parser.add_argument("paths", nargs="+", help="output directories, .avro files or globs (local, gs://, ...)")
    parser.add_argument("--output", required=True, help="the HTML file to write")
    args = parser.parse_args(argv)
    try:
        page = build_report(*args.paths)
    except FileNotFoundError as error:
        sys.exit(f"wirestream report: {error}")
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(page)
    print(f"wirestream: report written to {args.output}")


def bq_schema(argv: list[str]) -> None:
    """`wirestream bq-schema`: the BigQuery table schema of the output, as JSON for `bq mk --table`."""
    parser = argparse.ArgumentParser(prog="wirestream bq-schema", description="Prints the BigQuery schema of the "
                                     "stories (or dead-letter) table, as loaded with --use_avro_logical_types.")
    parser.add_argument("table", nargs="?", choices=("stories", "dead_letter"), default="stories")
    args = parser.parse_args(argv)
    print(json.dumps(bigquery.table_schema(WIRE_STORY if args.table == "stories" else DEAD_LETTER), indent=2))


def publish(argv: list[str]) -> None:
    """`wirestream publish --topic projects/P/topics/T FILES...`"""
    parser = argparse.ArgumentParser(prog="wirestream publish", description="Publishes story files to Pub/Sub.")
    parser.add_argument("--topic", required=True, help="projects/P/topics/T")
    parser.add_argument("files", nargs="+", help=".txt wire copy, .json ninjs or .jsonl ninjs per line")
    args = parser.parse_args(argv)
    for path in args.files:
        if not os.path.exists(path):
            sys.exit(f"wirestream publish: no such file: {path}")
        if not stat.S_ISREG(os.stat(path).st_mode):
            sys.exit(f"wirestream publish: not a regular file: {path}")
    try:
        count = publish_files(args.topic, args.files)
    except (GoogleAPICallError, GoogleAuthError, ValueError) as error:
        sys.exit(f"wirestream publish: could not publish to {args.topic}: {one_line(error)}")
    print(f"wirestream: published {count} stories to {args.topic}")


def emulator(argv: list[str]) -> None:
    """`wirestream emulator`: runs the Pub/Sub emulator with a topic and subscription until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="wirestream emulator", description="Starts the local Pub/Sub emulator with a topic and a subscription."
    )
    parser.add_argument("--project", default="wirestream-local")
    parser.add_argument("--topic", default="stories")
    parser.add_argument("--subscription", default="wirestream")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument(
        "--heartbeat", type=float, default=0.0,
        help="seconds between heartbeat messages on the topic (default 0: none; a local `wirestream run` moves "
             "its watermark every second without them)",
    )
    args = parser.parse_args(argv)
    for kind, name in (("--topic", args.topic), ("--subscription", args.subscription)):
        if not PUBSUB_NAME.fullmatch(name) or name.startswith("goog"):
            sys.exit(f"wirestream emulator: {kind} {name!r} is not a Pub/Sub name: 3 to 255 letters, digits or "
                     "-_.~+%, starting with a letter, not with 'goog'")
    stop_on_signals()
    with PubsubEmulator(args.project, args.port) as running:
        try:
            topic, subscription = running.create_topic_and_subscription(args.topic, args.subscription)
        except GoogleAPICallError as error:
            sys.exit(f"wirestream emulator: could not create the topic and subscription: {one_line(error)}")
        print(f"export {EMULATOR_HOST_VARIABLE}={running.host}\n# topic:        {topic}\n"
              f"# subscription: {subscription}\n# Ctrl-C stops the emulator", flush=True)
        heartbeat = Heartbeat(topic, args.heartbeat) if args.heartbeat > 0 else None
        if heartbeat:
            heartbeat.start()
        try:
            while running.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            if heartbeat:
                heartbeat.stop()


def one_line(error: Exception) -> str:
    """A client library's error as one line (a gRPC error's repr spans many)."""
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    code = getattr(error, "code", None)
    prefix = f"{code.value if hasattr(code, 'value') else code} " if isinstance(error, GoogleAPICallError) and code else ""
    return prefix + " ".join(str(text).split())


COMMANDS = {"run": run, "publish": publish, "emulator": emulator, "read": read, "stats": stats,
            "report": report, "bq-schema": bq_schema}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="wirestream",
        description="News wire analytics on Apache Beam: datelines, entities and stances as Avro.",
        epilog="`wirestream COMMAND --help` lists each command's options.",
    )
    parser.add_argument("command", choices=sorted(COMMANDS), help="what to do")
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        parser.error(f"unknown command {command!r}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        COMMANDS[command](rest)
        sys.stdout.flush()
    except StoppedAtOnce:
        os._exit(130)
    except BrokenPipeError:
        # `wirestream read out | head`: the reader has gone, which is not worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
