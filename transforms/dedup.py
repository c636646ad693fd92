"""Drops repeated copies of a story: Pub/Sub delivers at least once, feeds republish, files get copied.

"The same story" is the same story id and the same version (ninjs `version` or `versioncreated`, the
`version` attribute) or, without a version, the same headline and body. A correction is a new version,
so it is kept. Every copy dropped is counted (`duplicates_dropped`), so that inputs read = stories
written + dead letters written + duplicates dropped.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.coders import BooleanCoder, StrUtf8Coder
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Duration, Timestamp

from wirestream.transforms.stage import CountFn, counter
from wirestream.transforms.wire.story import Story


def text_hash(story: Story) -> str:
    return texts_hash(story.headline, story.body)


def texts_hash(headline: str | None, body: str) -> str:
    return hashlib.sha256(f"{headline}\n{body}".encode()).hexdigest()


def version_key(story: Story) -> str:
    """Same story id and same version (or, without one, same text) means the same record."""
    return record_key(story.story_id, story.version, story.headline, story.body)


def record_key(story_id: str, version: str | None, headline: str | None, body: str) -> str:
    """`version_key` of a story from its fields, as a written record has them."""
    return f"{story_id}\n{version or texts_hash(headline, body)}"


def conflict_warning(story: Story) -> Story:
    """A copy with the id and version of a kept story but other text is no duplicate (two files named alike in two
    folders, a feed that reuses versions): it is kept too, and says so."""
    return story.replace(warnings=(*story.warnings, CONFLICT_WARNING))


CONFLICT_WARNING = "another story has the same id and version but different text: both kept"


class KeepFirstFn(beam.DoFn):
    """Streaming: passes the first copy of each key and drops the others for `horizon_seconds` of
    processing time (then the key's state is released, so memory is bounded by volume x horizon).

    `written` (key -> text hashes) are the versions a stopped or crashed run had already written when this
    one started: their copies, delivered again because their acknowledgement was lost, are dropped as
    duplicates for `horizon_seconds` after the start, so a restart writes each story version once."""

    SEEN = ReadModifyWriteStateSpec("seen", BooleanCoder())
    # The text hashes of the copies kept, space-separated: a state of its own, so that a job updated in place
    # keeps its `seen` state (a copy seen before the update, without texts, is taken as a duplicate, as before).
    TEXTS = ReadModifyWriteStateSpec("texts", StrUtf8Coder())
    EXPIRY = TimerSpec("expiry", TimeDomain.REAL_TIME)

    def __init__(self, horizon_seconds: int, written: dict[str, tuple[str, ...]] | None = None):
        self.horizon_seconds = horizon_seconds
        # as one JSON string: a runner may serialize the DoFn for every bundle (the DirectRunner does), and a
        # string of 10,000 keys serializes several times faster than their dict
        self.written = json.dumps(written) if written else ""
        self.written_until = time.time() + horizon_seconds
        self.duplicates_dropped = counter("duplicates_dropped")
        self._written: dict[str, list[str]] | None = None

    def written_before(self, key: str) -> list[str]:
        """The text hashes of `key`'s copies written before this run started, while within the horizon."""
        if not self.written or time.time() >= self.written_until:
            return []
        if self._written is None:
            self._written = json.loads(self.written)
        return self._written.get(key, [])

    def process(
        self, element: tuple[str, Story], seen=beam.DoFn.StateParam(SEEN), texts=beam.DoFn.StateParam(TEXTS),
        expiry=beam.DoFn.TimerParam(EXPIRY),
    ) -> Iterator[Story]:
        key, story = element
        digest = text_hash(story)
        if seen.read():
            hashes = (texts.read() or "").split()
        else:
            seen.write(True)
            expiry.set(Timestamp.now() + Duration(seconds=self.horizon_seconds))
            hashes = self.written_before(key)
            if not hashes:
                texts.write(digest)
                yield story
                return
            texts.write(" ".join(hashes))
        if not hashes or digest in hashes:
            self.duplicates_dropped.inc()
            return
        texts.write(" ".join([*hashes, digest]))
        yield conflict_warning(story)

    @on_timer(EXPIRY)
    def release(self, seen=beam.DoFn.StateParam(SEEN), texts=beam.DoFn.StateParam(TEXTS)) -> None:
        seen.clear()
        texts.clear()


class KeepOneFn(beam.DoFn):
    """Batch: of all copies of a story, the one from the first source in sort order: the same every run."""

    def __init__(self) -> None:
        self.duplicates_dropped = counter("duplicates_dropped")

    def process(self, element: tuple[str, Iterable[Story]]) -> Iterator[Story]:
        """Each distinct text once (same text: the copy of the first source), all with a warning if several."""
        kept: dict[str, Story] = {}
        for story in sorted(element[1], key=lambda story: story.source):
            kept.setdefault(text_hash(story), story)
        self.duplicates_dropped.inc(sum(1 for _ in element[1]) - len(kept))
        for story in kept.values():
            yield conflict_warning(story) if len(kept) > 1 else story


class DeduplicateStories(beam.PTransform):
    """One copy per story version. Streaming (`horizon_seconds` given): the first copy seen within the
    horizon, in the global window, before the output windows, so that a copy redelivered after a window
    boundary is still recognised; `written` as for KeepFirstFn. Batch: one copy per version over the whole
    input."""

    def __init__(self, horizon_seconds: int | None = None, written: dict[str, tuple[str, ...]] | None = None):
        super().__init__()
        self.horizon_seconds = horizon_seconds
        self.written = written

    def expand(self, stories):
        keyed = stories | "KeyByVersion" >> beam.Map(lambda story: (version_key(story), story))
        if self.horizon_seconds:
            unique = keyed | "KeepFirst" >> beam.ParDo(KeepFirstFn(self.horizon_seconds, self.written))
        else:
            unique = keyed | "GroupCopies" >> beam.GroupByKey() | "KeepOne" >> beam.ParDo(KeepOneFn())
        return unique | "CountUnique" >> beam.ParDo(CountFn("unique_stories"))
