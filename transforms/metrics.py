"""Beam counters of wirestream, all in one namespace so a run summary can query them."""
from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Iterator

import apache_beam as beam
from apache_beam.metrics import Metrics

NAMESPACE = "wirestream"

# The same counts as this process makes them, for a local run's progress line (pipeline/progress.py):
# Beam has a DirectRunner job's metrics only once the job has finished.
_LOCAL_COUNTS: Counter[str] = Counter()
_LOCAL_LOCK = threading.Lock()


class _Counter:
    """A Beam counter that also counts into this process's local counts."""

    def __init__(self, name: str):
        self.name = name
        self.beam_counter = Metrics.counter(NAMESPACE, name)

    def inc(self, n: int = 1) -> None:
        self.beam_counter.inc(n)
        with _LOCAL_LOCK:
            _LOCAL_COUNTS[self.name] += n


def counter(name: str) -> _Counter:
    return _Counter(name)


def local_counts() -> Counter[str]:
    """A copy of every counter as counted in this process so far (all runs in it)."""
    with _LOCAL_LOCK:
        return Counter(_LOCAL_COUNTS)


class CountFn(beam.DoFn):
    """Counts the elements that pass through it."""

    def __init__(self, name: str):
        self.counter = counter(name)

    def process(self, element: Any) -> Iterator[Any]:
        self.counter.inc()
        yield element
