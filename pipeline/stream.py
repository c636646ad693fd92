"""A local stream's life: run until Ctrl-C or SIGTERM, drain, say what it did (wirestream's own Pub/Sub read
acknowledges a window's messages once its files are final; a second Ctrl-C hands the rest back at once)."""
from __future__ import annotations

import signal
import threading
from collections import Counter

from apache_beam.runners.runner import PipelineResult

from wirestream.transforms import pubsub
from wirestream.transforms.stage import local_counts

SUMMARY_COUNTERS = (
    ("inputs read", "inputs_read"),
    ("stories written", "stories_written"),
    ("dead letters written", "dead_letters_written"),
    ("duplicates dropped", "duplicates_dropped"),
)


def stream_until_stopped(result: PipelineResult, output: str) -> None:
    """Runs a local streaming job until Ctrl-C or SIGTERM, then drains it: no more pulls, the open windows
    written and their messages acknowledged, the summary printed. A second Ctrl-C stops at once: what
    was not acknowledged is handed back to Pub/Sub for the next run. (A runner without wirestream's own
    Pub/Sub read, Prism, cannot drain: Ctrl-C cancels it.)"""
    stop_on_signals()
    baseline = local_counts()
    print(f"wirestream: streaming into {output}; Ctrl-C stops after writing the open windows (twice: at once)",
          flush=True)
    waiting = Waiting(result)
    try:
        waiting.wait()
    except KeyboardInterrupt:
        try:
            if not pubsub.drain():
                print("wirestream: cancelling ...", flush=True)
                result.cancel()
                return
            print("wirestream: draining: writing the open windows, then acknowledging their messages "
                  "(Ctrl-C again stops at once)", flush=True)
            waiting.wait()
        except KeyboardInterrupt:
            pubsub.release()
            print("wirestream: stopped at once; the messages not acknowledged will be delivered again", flush=True)
            raise StoppedAtOnce() from None
    pubsub.close()
    if waiting.error:
        raise waiting.error
    print(stream_summary(local_counts() - baseline, output))


class StoppedAtOnce(Exception):
    """The second Ctrl-C: `main` ends the process without waiting for the runner's threads (an interpreter
    exit under a thread inside spaCy's BLAS aborts), once `run` has released the output lock."""


class Waiting(threading.Thread):
    """Waits for the job in a thread of its own: Ctrl-C in the runner's own wait cancels the job."""

    def __init__(self, result: PipelineResult):
        super().__init__(daemon=True)
        self.result = result
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.start()

    def run(self) -> None:
        try:
            self.result.wait_until_finish()
        except BaseException as error:  # the job's failure, re-raised in the main thread
            self.error = error
        finally:
            self.done.set()

    def wait(self) -> None:
        """Until the job ends, in short waits so that Ctrl-C reaches the main thread. (Not `join`: a join
        that Ctrl-C interrupts marks the thread as ended while it still runs.)"""
        while not self.done.wait(0.5):
            pass


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both stop a long-running command cleanly, even when started in the background."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def stream_summary(counts: Counter[str], output: str) -> str:
    """A local stream's counters as this process counted them (`local_counts`): the streaming DirectRunner's
    job metrics missed the acknowledgements (the counts it committed for a bundle that had waited for its
    side input were empty, though its DoFn had counted)."""
    labels = (*SUMMARY_COUNTERS, ("messages acknowledged", "messages_acknowledged"))
    return summary_line({label: counts[name] for label, name in labels}, output)


def summary_line(values: dict[str, int], output: str) -> str:
    return f"wirestream: {', '.join(f'{label}: {value}' for label, value in values.items())} -> {output}"
