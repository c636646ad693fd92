"""Beam counters of wirestream, all in one namespace so a run summary can query them."""
from __future__ import annotations

from typing import Any, Iterator

import apache_beam as beam
from apache_beam.metrics import Metrics

NAMESPACE = "wirestream"


def counter(name: str):
    return Metrics.counter(NAMESPACE, name)


class CountFn(beam.DoFn):
    """Counts the elements that pass through it."""

    def __init__(self, name: str):
        self.counter = counter(name)

    def process(self, element: Any) -> Iterator[Any]:
        self.counter.inc()
        yield element
