"""Avro sinks: stories and dead letters written with fastavro through Beam's fileio."""
from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import apache_beam as beam
import fastavro
from apache_beam.io import fileio
from apache_beam.options.value_provider import StaticValueProvider

from schemas import DEAD_LETTER, WIRE_STORY, load_schema, version_metadata
from transforms.dead_letters import StageFn
from transforms.metrics import CountFn
from transforms.story import Story

AVRO_SUFFIX = ".avro"


class StoryRecordFn(StageFn):
    """Story -> Avro record, encoded once here so that a record the schema cannot hold (a lone surrogate
    from a JSON escape, say) becomes a dead letter instead of failing the file it would be written to."""

    STAGE = "write"

    def setup(self) -> None:
        self._schema = load_schema(WIRE_STORY)

    def process(self, story: Story) -> Iterator[dict[str, Any]]:
        record = story.to_record()
        try:
            fastavro.schemaless_writer(io.BytesIO(), self._schema, record)
        except Exception as error:
            yield self.reject(story, "not representable in the Avro schema", repr(error))
            return
        yield record


class AvroSink(fileio.FileSink):
    """A fastavro container file per shard; subclasses name their schema (fileio builds sinks bare)."""

    SCHEMA = ""

    def __init__(self) -> None:
        self._writer: fastavro.write.Writer | None = None

    def open(self, fh: BinaryIO) -> None:
        self._writer = fastavro.write.Writer(
            fh, load_schema(self.SCHEMA), codec="deflate", metadata=version_metadata(self.SCHEMA)
        )

    def write(self, record: dict[str, Any]) -> None:
        self._writer.write(record)

    def flush(self) -> None:
        self._writer.flush()


class StorySink(AvroSink):
    SCHEMA = WIRE_STORY


class DeadLetterSink(AvroSink):
    SCHEMA = DEAD_LETTER


class WriteAvro(beam.PTransform):
    """Writes records to `<directory>/<prefix>-[window-]shard-of-shards.avro` on any Beam filesystem.

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
