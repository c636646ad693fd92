"""Avro sinks: stories and dead letters written with fastavro through Beam's fileio."""
from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO, NamedTuple

import apache_beam as beam
import fastavro
from apache_beam import pvalue
from apache_beam.io import fileio
from apache_beam.options.value_provider import StaticValueProvider

from wirestream.schemas import DEAD_LETTER, WIRE_STORY, load_schema, version_metadata
from wirestream.transforms.stage import CountFn, StageFn
from wirestream.transforms.wire.record import story_record
from wirestream.transforms.wire.story import Story

AVRO_SUFFIX = ".avro"


class StoryRecordFn(StageFn):
    """Story -> its Avro record, encoded here and only here: a record the schema cannot hold (a lone surrogate
    from a JSON escape, say) becomes a dead letter instead of failing the file it would be written to, and
    the write's shuffle moves bytes instead of pickled dicts."""

    STAGE = "write"

    def setup(self) -> None:
        self._schema = load_schema(WIRE_STORY)

    def process(self, story: Story) -> Iterator[bytes | pvalue.TaggedOutput]:
        yield self.guarded(story, lambda: encode(self._schema, story_record(story)), "not representable in the Avro schema")


class EncodeRecordFn(beam.DoFn):
    """Record -> Avro bytes, for records built to fit their schema (dead letters)."""

    def __init__(self, schema_name: str):
        self.schema_name = schema_name

    def setup(self) -> None:
        self._schema = load_schema(self.schema_name)

    def process(self, record: dict[str, Any]) -> Iterator[bytes]:
        yield encode(self._schema, record)


def encode(schema: dict, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


class _EncodedBlock(NamedTuple):
    """What fastavro's `Writer.write_block` reads of a block: its records' bytes, uncompressed, and their count."""

    bytes_: io.BytesIO
    num_records: int


class AvroSink(fileio.FileSink):
    """A fastavro container file per shard, of records already encoded against SCHEMA; subclasses name their
    schema (fileio builds sinks bare). Records are gathered into blocks of about BLOCK_BYTES, which fastavro
    compresses and frames as its own writer would."""

    SCHEMA = ""
    BLOCK_BYTES = 64 * 1024

    def __init__(self) -> None:
        self._writer: fastavro.write.Writer | None = None
        self._block = io.BytesIO()
        self._records = 0

    def open(self, fh: BinaryIO) -> None:
        self._writer = fastavro.write.Writer(
            fh, load_schema(self.SCHEMA), codec="deflate", metadata=version_metadata(self.SCHEMA)
        )
        self._block, self._records = io.BytesIO(), 0

    def write(self, encoded: bytes) -> None:
        self._block.write(encoded)
        self._records += 1
        if self._block.tell() >= self.BLOCK_BYTES:
            self._write_block()

    def _write_block(self) -> None:
        if self._records:
            self._writer.write_block(_EncodedBlock(self._block, self._records))
            self._block, self._records = io.BytesIO(), 0

    def flush(self) -> None:
        self._write_block()
        self._writer.flush()


class StorySink(AvroSink):
    SCHEMA = WIRE_STORY


class DeadLetterSink(AvroSink):
    SCHEMA = DEAD_LETTER


class WriteAvro(beam.PTransform):
    """Writes encoded records to `<directory>/<prefix>-[window-]shard-of-shards.avro` on any Beam filesystem.

    Files are written under `temp_directory` first and moved into place when complete.
    """

    def __init__(
        self, directory: str, prefix: str, sink: type[AvroSink], counter: str, shards: int, temp_directory: str
    ):
        super().__init__()
        self.directory = directory
        self.temp_directory = temp_directory
        self.prefix = prefix
        self.sink = sink
        self.counter = counter
        self.shards = shards

    def expand(self, records):
        return (
            records
            | "Count" >> beam.ParDo(CountFn(self.counter))
            | "WriteFiles" >> fileio.WriteToFiles(
                path=self.directory,
                file_naming=fileio.default_file_naming(self.prefix, AVRO_SUFFIX),
                sink=self.sink,
                shards=self.shards,
                temp_directory=StaticValueProvider(str, self.temp_directory),
                # Every record goes through the shard grouping: `shards` files per window, not one per bundle.
                max_writers_per_bundle=0,
            )
        )
