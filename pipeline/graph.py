"""The pipeline graph: source -> parse -> dateline -> entities and stances -> Avro.

One graph for both sources: files (batch) or Pub/Sub (streaming) feed the same `ProcessStories`.
"""
from __future__ import annotations

import logging
import time

import apache_beam as beam
from apache_beam.io.filesystem import BeamIOError
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.gcp.pubsub import PubsubMessage, WriteToPubSub
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.transforms import window

from wirestream.pipeline.options import WirestreamOptions
from wirestream.reader import DamagedFile, read_stories
from wirestream.schemas import DEAD_LETTER
from wirestream.transforms.analyze import AnalyzeStories
from wirestream.transforms.datelines import NormalizeDatelines
from wirestream.transforms.dedup import DeduplicateStories, record_key, texts_hash
from wirestream.transforms.limits import DEFAULT_MODEL_FR, FRENCH, MAX_ENTITIES, MAX_STANCES
from wirestream.transforms.parse import ParseStories
from wirestream.transforms.pubsub import AcknowledgeWhenWritten, MessageSource
from wirestream.transforms.read import ReadStoryFiles, ReadStoryMessages, ReadUnacknowledgedStoryMessages
from wirestream.transforms.stage import StageFn, run_stage
from wirestream.transforms.write import DeadLetterSink, EncodeRecordFn, StoryRecordFn, StorySink, WriteAvro

STORIES_DIR = "stories"
DEAD_LETTER_DIR = "dead_letter"
TEMP_DIR = ".temp"
LOCAL_STREAM_RUNNERS = ("DirectRunner", "BundleBasedDirectRunner")


class ProcessStories(beam.PTransform):
    """Raw inputs -> (annotated stories, dead letters of every stage): the same for every source.

    Repeated copies of a story version are dropped: over the whole input in batch (`dedup_seconds`
    None), within `dedup_seconds` of processing time in a stream (0: not at all). A stream dedupes in
    the global window (a redelivery can cross a window boundary), then assigns fixed windows before
    batching, so batches never mix windows. `written`: the story versions an earlier run wrote (see
    `written_versions`), whose copies a stream drops.
    """

    def __init__(
        self, spacy_model: str, max_story_bytes: int, batch_size: int,
        window_seconds: int | None = None, dedup_seconds: int | None = None,
        max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES,
        spacy_model_fr: str = DEFAULT_MODEL_FR, written: dict[str, tuple[str, ...]] | None = None,
    ):
        super().__init__()
        self.written = written
        self.spacy_model = spacy_model
        self.spacy_model_fr = spacy_model_fr
        self.max_story_bytes = max_story_bytes
        self.batch_size = batch_size
        self.max_entities = max_entities
        self.max_stances = max_stances
        self.window_seconds = window_seconds
        self.dedup_seconds = dedup_seconds

    def expand(self, raw_inputs):
        limit = self.max_story_bytes
        parsed, parse_rejects = raw_inputs | "ParseStories" >> ParseStories(limit)
        if self.dedup_seconds != 0:
            parsed = parsed | "DeduplicateStories" >> DeduplicateStories(self.dedup_seconds, self.written)
        if self.window_seconds:
            parsed = parsed | "WindowStories" >> beam.WindowInto(window.FixedWindows(self.window_seconds))
            parse_rejects = parse_rejects | "WindowRejects" >> beam.WindowInto(window.FixedWindows(self.window_seconds))
        dated, dateline_rejects = parsed | "NormalizeDatelines" >> NormalizeDatelines(limit)
        analyzed, analyze_rejects = dated | "AnalyzeStories" >> AnalyzeStories(
            self.spacy_model, limit, self.batch_size, self.max_entities, self.max_stances,
            models={FRENCH: self.spacy_model_fr},
        )
        dead_letters = (parse_rejects, dateline_rejects, analyze_rejects) | "CollectDeadLetters" >> beam.Flatten()
        return analyzed, dead_letters


def configure_streaming(options: PipelineOptions) -> bool:
    """A Pub/Sub source makes the job a streaming one; sets Beam's --streaming to match."""
    wirestream = options.view_as(WirestreamOptions)
    streaming = bool(wirestream.subscription or wirestream.topic)
    if streaming:
        options.view_as(StandardOptions).streaming = True
    return streaming


def reads_unacknowledged(options: PipelineOptions) -> bool:
    """Whether the job reads Pub/Sub through wirestream's own receiver (transforms/pubsub.py), which
    acknowledges a message once its window's files are final: a streaming job on the DirectRunner, whose
    own Pub/Sub read acknowledges at once and keeps no checkpoint. Other runners keep Beam's ReadFromPubSub."""
    runner = options.view_as(StandardOptions).runner or "DirectRunner"
    return configure_streaming(options) and runner in LOCAL_STREAM_RUNNERS


def build_pipeline(pipeline: beam.Pipeline, options: PipelineOptions) -> None:
    """Adds wirestream's steps to `pipeline`; step labels are stable so a streaming job can be updated."""
    wirestream = options.view_as(WirestreamOptions)
    streaming = configure_streaming(options)
    source = receipts = written = None
    if reads_unacknowledged(options):
        source = MessageSource.of(wirestream.topic, wirestream.subscription)
        raw_inputs, receipts = pipeline | "ReadStoryMessages" >> ReadUnacknowledgedStoryMessages(source)
        written = written_versions(wirestream.output, wirestream.dedup_seconds)
        read_rejects = None
    elif streaming:
        raw_inputs = pipeline | "ReadStoryMessages" >> ReadStoryMessages(wirestream.topic, wirestream.subscription)
        read_rejects = None
    else:
        raw_inputs, read_rejects = pipeline | "ReadStoryFiles" >> ReadStoryFiles(
            wirestream.input, wirestream.max_story_bytes
        )
    stories, dead_letters = raw_inputs | "ProcessStories" >> ProcessStories(
        wirestream.spacy_model, wirestream.max_story_bytes, wirestream.batch_size,
        window_seconds=wirestream.window if streaming else None,
        dedup_seconds=wirestream.dedup_seconds if streaming else None,
        max_entities=wirestream.max_entities, max_stances=wirestream.max_stances,
        spacy_model_fr=wirestream.spacy_model_fr, written=written,
    )
    if streaming and wirestream.dead_letter_topic:
        (
            dead_letters
            | "DeadLetterMessages" >> beam.Map(dead_letter_message)
            | "PublishDeadLetters" >> WriteToPubSub(wirestream.dead_letter_topic, with_attributes=True)
        )
    files = write_outputs(stories, [dead_letters] if read_rejects is None else [read_rejects, dead_letters], wirestream)
    if source:
        (
            (receipts, files | "FilesWritten" >> beam.Flatten())
            | "AcknowledgeMessages" >> AcknowledgeWhenWritten(source, wirestream.window)
        )


def written_versions(output: str, horizon_seconds: int) -> dict[str, tuple[str, ...]]:
    """The story versions (dedup key -> text hashes) in `OUTPUT/stories/` files written within the dedup
    horizon: a restarted stream drops the copies Pub/Sub delivers again of stories already written (their
    acknowledgement was lost when the earlier run was killed). Nothing without dedup (`horizon_seconds` 0)."""
    if not horizon_seconds:
        return {}
    try:
        matched = FileSystems.match([FileSystems.join(output, STORIES_DIR, "*.avro")])[0].metadata_list
    except BeamIOError:
        return {}
    since = time.time() - horizon_seconds
    recent = [m.path for m in matched if (m.last_updated_in_seconds or since) >= since]
    written: dict[str, tuple[str, ...]] = {}
    for path in recent:
        try:
            for story in read_stories(path):
                key = record_key(story.story_id, story.version, story.headline, story.body)
                written[key] = (*written.get(key, ()), texts_hash(story.headline, story.body))
        except (OSError, DamagedFile) as error:
            logging.getLogger(__name__).warning("could not read %s to remember its stories: %s", path, error)
    return written


def dead_letter_message(record: dict) -> PubsubMessage:
    """The original payload, with where it came from and why it was rejected as attributes."""
    attributes = {key: str(record[key]) for key in ("source", "stage", "reason") if record[key]}
    if record["story_id"]:
        attributes["story_id"] = record["story_id"]
    return PubsubMessage(record["payload"], attributes)


def write_outputs(stories, dead_letters: list, wirestream: WirestreamOptions) -> tuple:
    """Stories to `OUTPUT/stories/`, dead letters to `OUTPUT/dead_letter/`, as Avro (per window if windowed);
    returns the files each write made final (per window), for the acknowledgements to wait for."""
    # One temp directory per write: both writes name temp files by a hash of (destination, window), which is
    # the same for both, so each one's check for orphaned temp files saw the other's and warned on every run.
    temp = FileSystems.join(wirestream.output, TEMP_DIR)
    records = stories | "StoryRecords" >> run_stage(StoryRecordFn(wirestream.max_story_bytes))
    stories_written = records[StageFn.STORIES] | "WriteStories" >> WriteAvro(
        FileSystems.join(wirestream.output, STORIES_DIR), "stories", StorySink, "stories_written",
        wirestream.shards, FileSystems.join(temp, STORIES_DIR),
    )
    dead_letters_written = (
        (*dead_letters, records[StageFn.DEAD_LETTER])
        | "AllDeadLetters" >> beam.Flatten()
        | "EncodeDeadLetters" >> beam.ParDo(EncodeRecordFn(DEAD_LETTER))
        | "WriteDeadLetters" >> WriteAvro(
            FileSystems.join(wirestream.output, DEAD_LETTER_DIR), "dead_letter", DeadLetterSink,
            "dead_letters_written", wirestream.shards, FileSystems.join(temp, DEAD_LETTER_DIR),
        )
    )
    return stories_written, dead_letters_written
