"""What every stage shares: the DoFn shape with its dead-letter output, and wirestream's counters.

Every input a stage cannot process leaves through the tagged output DEAD_LETTER with its reason, and is
counted; every counter lives in one namespace so a run's summary can query them.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from wirestream.transforms.wire.story import SURROGATE, RawInput, Rejected, Story

T = TypeVar("T")


NAMESPACE = "wirestream"

# The same counts as this process makes them, for a local run's progress line (pipeline/progress.py):
# Beam has a DirectRunner job's metrics only once the job has finished. Elsewhere nothing reads them.
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


class StageFn(beam.DoFn):
    """A stage's DoFn: stories out on the main output, rejects on DEAD_LETTER with a counter per stage."""

    STORIES = "stories"
    DEAD_LETTER = "dead_letter"
    STAGE = "stage"

    def __init__(self, max_payload_bytes: int):
        self.max_payload_bytes = max_payload_bytes
        self.dead_lettered = counter(f"dead_letters_{self.STAGE}")

    def guarded(self, item: RawInput | Story, step: Callable[[], T], failure: str) -> T | pvalue.TaggedOutput:
        """`step()`, or `item` as a dead letter: with the reason a `Rejected` gives, or else with `failure`
        and the error, since a bug must not lose the input either (it is kept for replay)."""
        try:
            return step()
        except Rejected as rejected:
            return self.reject(item, rejected.reason, rejected.detail)
        except Exception as error:  # noqa: BLE001
            return self.reject(item, failure, repr(error))

    def reject(self, item: RawInput | Story, reason: str, detail: str | None = None) -> pvalue.TaggedOutput:
        self.dead_lettered.inc()
        record = dead_letter_record(item, self.STAGE, reason, detail, self.max_payload_bytes)
        return pvalue.TaggedOutput(self.DEAD_LETTER, record)


def dead_letter_record(
    item: RawInput | Story, stage: str, reason: str, detail: str | None, max_payload_bytes: int
) -> dict[str, Any]:
    """A `schemas/dead_letter.avsc` record; the payload is cut at the size limit. Its text fields are made
    valid UTF-8 (a lone surrogate from a JSON escape becomes U+FFFD), so that the record itself can always
    be written: the payload keeps the original bytes."""
    if isinstance(item, RawInput):
        story_id, payload_size = None, item.payload_size
    else:
        story_id, payload_size = item.story_id, len(item.payload)
    return {
        "source": _utf8(item.source),
        "story_id": _utf8(story_id) if story_id is not None else None,
        "stage": stage,
        "reason": _utf8(reason),
        "detail": _utf8(detail) if detail is not None else None,
        "payload": item.payload[:max_payload_bytes],
        "payload_size": payload_size,
        "attributes": {_utf8(key): _utf8(value) for key, value in item.attributes.items()},
    }


def _utf8(text: str) -> str:
    return text if text.isascii() else SURROGATE.sub("\ufffd", text)


def run_stage(stage_fn: StageFn) -> beam.PTransform:
    """The ParDo of a stage with its two outputs, for `expand()` to unpack as (stories, dead_letters)."""
    return beam.ParDo(stage_fn).with_outputs(StageFn.DEAD_LETTER, main=StageFn.STORIES)
