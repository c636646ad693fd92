"""Sources: story files matched by a glob, or Pub/Sub messages, turned into RawInput elements."""
from __future__ import annotations

import bz2
import datetime
import errno
import gzip
import io
import lzma
import os
import posixpath
import re
import stat
import zlib
from collections.abc import Iterator
from typing import BinaryIO

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.io import fileio
from apache_beam.io.filesystem import BeamIOError, CompressionTypes, FileMetadata, FileSystem
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.gcp.pubsub import PubsubMessage, ReadFromPubSub
from apache_beam.io.localfilesystem import LocalFileSystem
from apache_beam.transforms import window
from apache_beam.utils.timestamp import Timestamp

from wirestream.transforms.pubsub import MessageSource, ReadUnacknowledged
from wirestream.transforms.stage import StageFn, counter, run_stage
from wirestream.transforms.wire.story import NINJS, TEXT, RawInput, parse_timestamp

CONTENT_TYPE_BY_EXTENSION = {".txt": TEXT, ".json": NINJS, ".jsonl": NINJS}


COMPRESSION_SUFFIXES = (".gz", ".bz2", ".deflate", ".zst", ".zstd", ".xz", ".lzma")  # Beam's, by suffix
READ_CHUNK = 64 * 1024  # bytes decompressed at a time: a bomb never holds more than this beyond the limit
SPECIAL_FILES = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                 (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "directory"))


def _without_compression_suffix(path: str) -> str:
    name = path.replace("\\", "/")
    for suffix in COMPRESSION_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def file_stem(path: str) -> str:
    """`gs://b/in/dev-001.txt` -> `dev-001`: works for local paths and URLs alike (`a.jsonl.gz` -> `a`)."""
    return posixpath.splitext(posixpath.basename(_without_compression_suffix(path)))[0]


def file_extension(path: str) -> str:
    """The extension that says the content type, under any compression suffix: `a.jsonl.gz` -> `.jsonl`."""
    return posixpath.splitext(_without_compression_suffix(path))[1].lower()


class NotReadable(Exception):
    """A matched path that is not a regular file, or cannot be opened: `reason` says which, in words."""

    def __init__(self, reason: str, detail: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def is_local(path: str) -> bool:
    try:
        return isinstance(FileSystems.get_filesystem(path), LocalFileSystem)
    except ValueError:
        return False


def _special_kind(mode: int) -> str | None:
    return next((name for test, name in SPECIAL_FILES if test(mode)), None)


def open_regular_file(path: str) -> BinaryIO:
    """Opens `path` for reading only if it is a regular file. A local path is checked with stat before it is
    opened, then opened non-blocking (a FIFO swapped in after the check does not hang the open) and checked
    again on the descriptor; other filesystems (gs://, ...) hold only objects."""
    if not is_local(path):
        return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotReadable("symlink loop", repr(error)) from None
        if error.errno == errno.ENOENT and os.path.islink(path):
            raise NotReadable("dangling symlink", f"{path} -> {os.readlink(path)}") from None
        raise
    if kind := _special_kind(mode):
        raise NotReadable(f"not a regular file: {kind}", f"{path} is a {kind}; only regular files are read")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        kind = _special_kind(os.fstat(fd).st_mode)
        if kind:
            raise NotReadable(f"not a regular file: {kind}", f"{path} is a {kind}; only regular files are read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _DeflateReader(io.RawIOBase):
    """Beam's `.deflate` (a zlib stream), decompressed at most `size` bytes at a time."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._decompressor = zlib.decompressobj()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            data = self._decompressor.decompress(self._pending, len(buffer))
            self._pending = self._decompressor.unconsumed_tail
            if data:
                buffer[: len(data)] = data
                return len(data)
            if self._decompressor.eof:
                return 0
            self._pending = self._raw.read(READ_CHUNK)
            if not self._pending:
                return 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def decompressed(raw: BinaryIO, path: str) -> BinaryIO:
    """`raw` decompressed by the path's suffix as Beam does (`.gz`, `.bz2`, ...), in bounded steps: Beam's
    own reader decompresses 16 MiB of input at once, which a `.gz` bomb turns into 16 GiB."""
    compression = CompressionTypes.detect_compression_type(path)
    if compression == CompressionTypes.UNCOMPRESSED:
        return raw
    if compression == CompressionTypes.GZIP:
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if compression == CompressionTypes.BZIP2:
        return bz2.BZ2File(raw, mode="rb")
    if compression == CompressionTypes.LZMA:
        return lzma.LZMAFile(raw, mode="rb")
    if compression == CompressionTypes.DEFLATE:
        return io.BufferedReader(_DeflateReader(raw), READ_CHUNK)
    import zstandard  # Beam's own dependency for .zst

    reader = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(raw, read_across_frames=True)
    return io.BufferedReader(reader, READ_CHUNK)


class ExpandStoryFile(StageFn):
    """One RawInput per story file, or per line of a .jsonl file; a file that cannot be read is a dead
    letter of the read stage (one per file, after any lines read before the failure).

    Only regular files are opened: a FIFO, device, socket or directory the glob matched, a symlink loop and a
    dangling symlink are each one dead letter of the read stage. A compressed file (`.gz`, `.bz2`, ... as
    Beam tells by suffix) is decompressed as it is read. No more than `max_bytes` + 1 bytes of a story, after
    decompression, are ever read: an oversized file travels on as its first `max_bytes` bytes and the parse
    stage dead-letters it with its real size (a compressed one, whose real size would take reading it all, is
    dead-lettered here). A .jsonl line is read the same way, and a .jsonl without a line is one `empty input`.
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
        content_type = CONTENT_TYPE_BY_EXTENSION.get(extension)
        try:
            with open_regular_file(path) as raw, decompressed(raw, path) as handle:
                if extension == ".jsonl":
                    lines = 0
                    for item in self._lines(handle, path):
                        lines += 1
                        self.inputs_read.inc()
                        yield item
                    if not lines:
                        self.inputs_read.inc()
                        yield RawInput(b"", path, file_stem(path), NINJS)
                else:
                    item = self._whole_file(handle, path, size, content_type)
                    self.inputs_read.inc()
                    yield item
        except NotReadable as unreadable:
            self.inputs_read.inc()
            yield self.reject(RawInput(b"", path, file_stem(path), content_type, size=0),
                              unreadable.reason, unreadable.detail)
        except Exception as error:  # a file gone or unreadable must not stop the run
            self.inputs_read.inc()
            unread = RawInput(b"", path, file_stem(path), content_type, size=size)
            yield self.reject(unread, "could not read the file", repr(error))

    def _whole_file(self, handle: BinaryIO, path: str, size: int, content_type: str | None) -> RawInput | pvalue.TaggedOutput:
        head = handle.read(self.max_bytes + 1)
        if len(head) <= self.max_bytes:
            return RawInput(head, path, file_stem(path), content_type)
        if CompressionTypes.detect_compression_type(path) != CompressionTypes.UNCOMPRESSED:
            return self._too_big_compressed(RawInput(head[: self.max_bytes], path, file_stem(path), content_type,
                                                     size=self.max_bytes + 1))
        return RawInput(head[: self.max_bytes], path, file_stem(path), content_type, size=max(size, len(head)))

    def _too_big_compressed(self, raw: RawInput) -> pvalue.TaggedOutput:
        return self.reject(raw, f"over the size limit: more than {self.max_bytes} bytes uncompressed "
                                "(--max_story_bytes)", "reading stopped at the limit")

    def _lines(self, handle: BinaryIO, path: str) -> Iterator[RawInput]:
        """Streams a .jsonl file line by line, each line read to at most the limit (the rest of a longer one
        is counted, not kept); blank lines are separators, not inputs."""
        stem = file_stem(path)
        number = 0
        while line := handle.readline(self.max_bytes + 1):
            number += 1
            size, tail = len(line), line
            if size > self.max_bytes and not line.endswith(b"\n"):
                while rest := handle.readline(READ_CHUNK):
                    size, tail = size + len(rest), rest
                    if rest.endswith(b"\n"):
                        break
            size -= 2 if tail.endswith(b"\r\n") else 1 if tail.endswith(b"\n") else 0
            if size <= self.max_bytes:
                if line.strip():
                    yield RawInput(line.rstrip(b"\r\n"), f"{path}:{number}", f"{stem}-{number}", NINJS)
                continue
            yield RawInput(line[: self.max_bytes], f"{path}:{number}", f"{stem}-{number}", NINJS, size=size)


class MatchStoryFilesFn(beam.DoFn):
    """A glob -> the FileMetadata of every path it matches. On a local filesystem that includes what Beam's
    match skips because it cannot stat it (a dangling symlink, a symlink loop), and special files: the read
    stage turns each of those into a dead letter instead of losing it without a count."""

    def process(self, pattern: str) -> Iterator[FileMetadata]:
        if not is_local(pattern):
            yield from FileSystems.match([pattern])[0].metadata_list
            return
        yield from match_local(pattern)


def match_local(pattern: str) -> list[FileMetadata]:
    """Beam's local match (its prefix directory, os.walk, its glob syntax), keeping every matched entry."""
    if pattern.endswith(("/", "\\")):
        pattern += "*"
    prefix = re.match(r"^[^[*?]*", pattern).group(0)
    if prefix == pattern:
        paths = [pattern] if os.path.lexists(pattern) and not os.path.isdir(pattern) else []
    else:
        directory = prefix if prefix.endswith(("/", "\\")) else os.path.dirname(prefix)
        regex = re.compile(FileSystem.translate_pattern(pattern))
        paths = []
        if os.path.isdir(directory or "."):
            for root, _, files in os.walk(directory or "."):
                for name in files:
                    path = os.path.join(root, name) if directory else os.path.relpath(os.path.join(root, name))
                    if regex.match(path):
                        paths.append(path)
    found = []
    for path in sorted(paths):
        try:
            info = os.stat(path)
            found.append(FileMetadata(path, info.st_size, info.st_mtime))
        except OSError:
            found.append(FileMetadata(path, 0))
    return found


class MatchStoryFiles(beam.PTransform):
    def __init__(self, pattern: str):
        super().__init__()
        self.pattern = pattern

    def expand(self, pbegin):
        return pbegin | "Pattern" >> beam.Create([self.pattern]) | "Match" >> beam.ParDo(MatchStoryFilesFn())


def input_matches(pattern: str) -> bool:
    """Whether the glob matches anything, special files and broken symlinks included (they become dead letters)."""
    try:
        if is_local(pattern):
            return bool(match_local(pattern))
        return any(match.metadata_list for match in FileSystems.match([pattern]))
    except (BeamIOError, OSError):
        return False


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
            | "MatchFiles" >> MatchStoryFiles(self.pattern)
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
HEARTBEAT_VALUES = ("1", "true", "yes")  # `wirestream_heartbeat=false` (or 0, or anything else) is a story


def is_heartbeat(attributes: dict[str, str]) -> bool:
    return str(attributes.get(HEARTBEAT_ATTRIBUTE, "")).strip().lower() in HEARTBEAT_VALUES


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
    messages still waiting in the subscription (the DirectRunner sets it to now after every pull).
    The publish time stays in the story's `published_at`. Heartbeat messages only move the
    watermark of an idle stream; they are counted, not processed. `stamp=False` keeps the timestamp
    a local read gave (the time it pulled the message), which is also the window its receipt is
    acknowledged with: a story and its acknowledgement must fall in the same window.
    """

    def __init__(self, stamp: bool = True) -> None:
        self.stamp = stamp
        self.inputs_read = counter("inputs_read")
        self.heartbeats = counter("heartbeats")

    def process(self, message: PubsubMessage) -> Iterator[RawInput]:
        if is_heartbeat(message.attributes or {}):
            self.heartbeats.inc()
            return
        self.inputs_read.inc()
        raw = message_to_raw_input(message)
        yield window.TimestampedValue(raw, Timestamp.now()) if self.stamp else raw


class ReadStoryMessages(beam.PTransform):
    """Pub/Sub messages (from a subscription, or a topic through a subscription Beam creates) as RawInputs,
    read by Beam's ReadFromPubSub (Dataflow: its service acknowledges a message once it has checkpointed it)."""

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


class ReadUnacknowledgedStoryMessages(beam.PTransform):
    """Local runs: Pub/Sub messages as (RawInputs, receipts), nothing acknowledged (transforms/pubsub.py);
    `AcknowledgeWhenWritten` acknowledges each receipt once its window's files are final."""

    def __init__(self, source: MessageSource):
        super().__init__()
        self.source = source

    def expand(self, pbegin: beam.pvalue.PBegin):
        deliveries = pbegin | "ReadUnacknowledged" >> ReadUnacknowledged(self.source)
        raw_inputs = (
            deliveries
            | "Messages" >> beam.Map(lambda delivery: delivery.message)
            | "ToRawInputs" >> beam.ParDo(MessageToRawInputFn(stamp=False))
        )
        return raw_inputs, deliveries | "Receipts" >> beam.Map(lambda delivery: delivery.receipt)
