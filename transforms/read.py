"""Sources: story files matched by a glob, or Pub/Sub messages, turned into RawInput elements."""
from __future__ import annotations

import datetime
import posixpath
from collections.abc import Iterator

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.io import fileio
from apache_beam.io.gcp.pubsub import PubsubMessage, ReadFromPubSub
from apache_beam.transforms import window
from apache_beam.utils.timestamp import Timestamp

from wirestream.transforms.stage import StageFn, counter, run_stage
from wirestream.transforms.wire.story import NINJS, TEXT, RawInput, parse_timestamp

CONTENT_TYPE_BY_EXTENSION = {".txt": TEXT, ".json": NINJS, ".jsonl": NINJS}


def file_stem(path: str) -> str:
    """`gs://b/in/dev-001.txt` -> `dev-001`: works for local paths and URLs alike."""
    return posixpath.splitext(posixpath.basename(path.replace("\\", "/")))[0]


def file_extension(path: str) -> str:
    return posixpath.splitext(path)[1].lower()


class ExpandStoryFile(StageFn):
    """One RawInput per story file, or per line of a .jsonl file; a file that cannot be read is a dead
    letter of the read stage (one per file, after any lines read before the failure).

    An oversized file is not read into memory: its first `max_bytes` bytes travel on and the
    parse stage dead-letters it with its real size.
    """

    STAGE = "read"

    def __init__(self, max_bytes: int):
        super().__init__(max_bytes)
        self.max_bytes = max_bytes
        self.inputs_read = counter("inputs_read")

    def process(self, readable: fileio.ReadableFile) -> Iterator[RawInput | pvalue.TaggedOutput]:
        path = readable.metadata.path
        size = readable.metadata.size_in_bytes
        extension = file_extension(path)
        try:
            if extension == ".jsonl":
                for raw in self._lines(readable, path):
                    self.inputs_read.inc()
                    yield raw
            else:
                raw = self._whole_file(readable, path, size, extension)
                self.inputs_read.inc()
                yield raw
        except Exception as error:  # a file gone or unreadable must not stop the run
            self.inputs_read.inc()
            unread = RawInput(b"", path, file_stem(path), CONTENT_TYPE_BY_EXTENSION.get(extension), size=size)
            yield self.reject(unread, "could not read the file", repr(error))

    def _whole_file(self, readable: fileio.ReadableFile, path: str, size: int, extension: str) -> RawInput:
        content_type = CONTENT_TYPE_BY_EXTENSION.get(extension)
        if size > self.max_bytes:
            with readable.open() as handle:
                head = handle.read(self.max_bytes)
            return RawInput(head, path, file_stem(path), content_type, size=size)
        return RawInput(readable.read(), path, file_stem(path), content_type)

    @staticmethod
    def _lines(readable: fileio.ReadableFile, path: str) -> Iterator[RawInput]:
        """Streams a .jsonl file line by line; blank lines are separators, not inputs."""
        stem = file_stem(path)
        with readable.open() as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield RawInput(line.rstrip(b"\r\n"), f"{path}:{number}", f"{stem}-{number}", NINJS)


class ReadStoryFiles(beam.PTransform):
    """Every file matched by `pattern` (any Beam filesystem: local, gs://, ...) -> (RawInputs, dead letters).

    The matched file names are reshuffled before the files are read: otherwise every later step fuses
    with the file match, which is one element, so one worker (local multi_processing or Dataflow) would
    read, parse and analyse every story while the others sat idle. Shuffling the names, not the stories,
    spreads the reading too and moves a few hundred bytes per file instead of its contents; the lines of
    one .jsonl file stay on the worker that reads it until the next grouping (the batch dedup's) spreads them.
    """

    def __init__(self, pattern: str, max_bytes: int):
        super().__init__()
        self.pattern = pattern
        self.max_bytes = max_bytes

    def expand(self, pbegin: beam.pvalue.PBegin):
        outputs = (
            pbegin
            | "MatchFiles" >> fileio.MatchFiles(self.pattern)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadMatches" >> fileio.ReadMatches()
            | "ExpandStoryFiles" >> run_stage(ExpandStoryFile(self.max_bytes))
        )
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]


CONTENT_TYPE_BY_ATTRIBUTE = {
    "text": TEXT, "text/plain": TEXT,
    "ninjs": NINJS, "json": NINJS, "application/json": NINJS, "application/ninjs+json": NINJS,
}
HEARTBEAT_ATTRIBUTE = "wirestream_heartbeat"


def message_to_raw_input(message: PubsubMessage) -> RawInput:
    """Applies the message contract: attributes first, then the message's own id and publish time."""
    attributes = dict(message.attributes or {})
    message_id = message.message_id or ""
    published_at = parse_timestamp(attributes.get("published_at")) or _publish_time(message)
    content_type = CONTENT_TYPE_BY_ATTRIBUTE.get(attributes.get("content_type", "").lower())
    source = attributes.get("source") or f"pubsub:{message_id}"
    return RawInput(message.data or b"", source, attributes.get("story_id") or message_id, content_type,
                    attributes, published_at)


def _publish_time(message: PubsubMessage) -> datetime.datetime | None:
    published = message.publish_time
    if published is None:
        return None
    if published.tzinfo is None:
        return published.replace(tzinfo=datetime.timezone.utc)
    return published


class MessageToRawInputFn(beam.DoFn):
    """Stamps each story with the time it is read, so its window is the one it was processed in.

    Windows on publish time would drop a backlog as late: a runner may advance the watermark past
    messages still waiting in the subscription (the DirectRunner sets it to now after every pull of at
    most 10). The publish time stays in the story's `published_at`. Heartbeat messages only move the
    watermark of an idle stream; they are counted, not processed.
    """

    def __init__(self) -> None:
        self.inputs_read = counter("inputs_read")
        self.heartbeats = counter("heartbeats")

    def process(self, message: PubsubMessage) -> Iterator[RawInput]:
        if (message.attributes or {}).get(HEARTBEAT_ATTRIBUTE):
            self.heartbeats.inc()
            return
        self.inputs_read.inc()
        yield window.TimestampedValue(message_to_raw_input(message), Timestamp.now())


class ReadStoryMessages(beam.PTransform):
    """Pub/Sub messages (from a subscription, or a topic through a subscription Beam creates) as RawInputs."""

    def __init__(self, topic: str | None, subscription: str | None):
        super().__init__()
        self.topic = topic
        self.subscription = subscription

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection[RawInput]:
        return (
            pbegin
            | "ReadFromPubSub" >> ReadFromPubSub(
                topic=None if self.subscription else self.topic,
                subscription=self.subscription,
                with_attributes=True,
            )
            | "ToRawInputs" >> beam.ParDo(MessageToRawInputFn())
        )
