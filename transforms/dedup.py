"""Drops repeated copies of a story: Pub/Sub delivers at least once, feeds republish, files get copied.

"The same story" is the same story id and the same version (ninjs `version` or `versioncreated`, the
`version` attribute) or, without a version, the same headline and body. A correction is a new version,
so it is kept. Every copy dropped is counted (`duplicates_dropped`), so that inputs read = stories
written + dead letters written + duplicates dropped.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.coders import BooleanCoder
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Duration, Timestamp

from wirestream.transforms.stage import CountFn, counter
from wirestream.transforms.wire.story import Story


def version_key(story: Story) -> str:
    """Same story id and same version (or, without one, same text) means the same record."""
    version = story.version or hashlib.sha256(f"{story.headline}\n{story.body}".encode()).hexdigest()
    return f"{story.story_id}\n{version}"


class KeepFirstFn(beam.DoFn):
    """Streaming: passes the first copy of each key and drops the others for `horizon_seconds` of
    processing time (then the key's state is released, so memory is bounded by volume x horizon)."""

    SEEN = ReadModifyWriteStateSpec("seen", BooleanCoder())
    EXPIRY = TimerSpec("expiry", TimeDomain.REAL_TIME)

    def __init__(self, horizon_seconds: int):
        self.horizon_seconds = horizon_seconds
        self.duplicates_dropped = counter("duplicates_dropped")

    def process(
        self, element: tuple[str, Story], seen=beam.DoFn.StateParam(SEEN), expiry=beam.DoFn.TimerParam(EXPIRY)
    ) -> Iterator[Story]:
        if seen.read():
            self.duplicates_dropped.inc()
            return
        seen.write(True)
        expiry.set(Timestamp.now() + Duration(seconds=self.horizon_seconds))
        yield element[1]

    @on_timer(EXPIRY)
    def release(self, seen=beam.DoFn.StateParam(SEEN)) -> None:
        seen.clear()


class KeepOneFn(beam.DoFn):
    """Batch: of all copies of a story, the one from the first source in sort order: the same every run."""

    def __init__(self) -> None:
        self.duplicates_dropped = counter("duplicates_dropped")

    def process(self, element: tuple[str, Iterable[Story]]) -> Iterator[Story]:
        copies = sorted(element[1], key=lambda story: story.source)
        self.duplicates_dropped.inc(len(copies) - 1)
        yield copies[0]


class DeduplicateStories(beam.PTransform):
    """One copy per story version. Streaming (`horizon_seconds` given): the first copy seen within the
    horizon, in the global window, before the output windows, so that a copy redelivered after a window
    boundary is still recognised. Batch: one copy per version over the whole input."""

    def __init__(self, horizon_seconds: int | None = None):
        super().__init__()
        self.horizon_seconds = horizon_seconds

    def expand(self, stories):
        keyed = stories | "KeyByVersion" >> beam.Map(lambda story: (version_key(story), story))
        if self.horizon_seconds:
            unique = keyed | "KeepFirst" >> beam.ParDo(KeepFirstFn(self.horizon_seconds))
        else:
            unique = keyed | "GroupCopies" >> beam.GroupByKey() | "KeepOne" >> beam.ParDo(KeepOneFn())
        return unique | "CountUnique" >> beam.ParDo(CountFn("unique_stories"))
