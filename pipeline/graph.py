"""The pipeline graph: source -> parse -> dateline -> entities and stances -> Avro.

One graph for both sources: files (batch) or Pub/Sub (streaming) feed the same `ProcessStories`.
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.gcp.pubsub import PubsubMessage, WriteToPubSub
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.transforms import window

from wirestream.pipeline.options import WirestreamOptions
from wirestream.schemas import DEAD_LETTER
from wirestream.transforms.analyze import AnalyzeStories
from wirestream.transforms.datelines import NormalizeDatelines
from wirestream.transforms.dedup import DeduplicateStories
from wirestream.transforms.limits import DEFAULT_MODEL_FR, FRENCH, MAX_ENTITIES, MAX_STANCES
from wirestream.transforms.parse import ParseStories
from wirestream.transforms.read import ReadStoryFiles, ReadStoryMessages
from wirestream.transforms.stage import StageFn, run_stage
from wirestream.transforms.write import DeadLetterSink, EncodeRecordFn, StoryRecordFn, StorySink, WriteAvro

STORIES_DIR = "stories"
DEAD_LETTER_DIR = "dead_letter"
TEMP_DIR = ".temp"


class ProcessStories(beam.PTransform):
    """Raw inputs -> (annotated stories, dead letters of every stage): the same for every source.

    Repeated copies of a story version are dropped: over the whole input in batch (`dedup_seconds`
    None), within `dedup_seconds` of processing time in a stream (0: not at all). A stream dedupes in
    the global window (a redelivery can cross a window boundary), then assigns fixed windows before
    batching, so batches never mix windows.
    """

    def __init__(
        self, spacy_model: str, max_story_bytes: int, batch_size: int,
        window_seconds: int | None = None, dedup_seconds: int | None = None,
        max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES,
        spacy_model_fr: str = DEFAULT_MODEL_FR,
    ):
        super().__init__()
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
            parsed = parsed | "DeduplicateStories" >> DeduplicateStories(self.dedup_seconds)
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


def build_pipeline(pipeline: beam.Pipeline, options: PipelineOptions) -> None:
    """Adds wirestream's steps to `pipeline`; step labels are stable so a streaming job can be updated."""
    wirestream = options.view_as(WirestreamOptions)
    streaming = configure_streaming(options)
    if streaming:
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
        spacy_model_fr=wirestream.spacy_model_fr,
    )
    if streaming and wirestream.dead_letter_topic:
        (
            dead_letters
            | "DeadLetterMessages" >> beam.Map(dead_letter_message)
            | "PublishDeadLetters" >> WriteToPubSub(wirestream.dead_letter_topic, with_attributes=True)
        )
    write_outputs(stories, [dead_letters] if read_rejects is None else [read_rejects, dead_letters], wirestream)


def dead_letter_message(record: dict) -> PubsubMessage:
    """The original payload, with where it came from and why it was rejected as attributes."""
    attributes = {key: str(record[key]) for key in ("source", "stage", "reason") if record[key]}
    if record["story_id"]:
        attributes["story_id"] = record["story_id"]
    return PubsubMessage(record["payload"], attributes)


def write_outputs(stories, dead_letters: list, wirestream: WirestreamOptions) -> None:
    """Stories to `OUTPUT/stories/`, dead letters to `OUTPUT/dead_letter/`, as Avro (per window if windowed)."""
    # One temp directory per write: both writes name temp files by a hash of (destination, window), which is
    # the same for both, so each one's check for orphaned temp files saw the other's and warned on every run.
    temp = FileSystems.join(wirestream.output, TEMP_DIR)
    records = stories | "StoryRecords" >> run_stage(StoryRecordFn(wirestream.max_story_bytes))
    records[StageFn.STORIES] | "WriteStories" >> WriteAvro(
        FileSystems.join(wirestream.output, STORIES_DIR), "stories", StorySink, "stories_written",
        wirestream.shards, FileSystems.join(temp, STORIES_DIR),
    )
    (
        (*dead_letters, records[StageFn.DEAD_LETTER])
        | "AllDeadLetters" >> beam.Flatten()
        | "EncodeDeadLetters" >> beam.ParDo(EncodeRecordFn(DEAD_LETTER))
        | "WriteDeadLetters" >> WriteAvro(
            FileSystems.join(wirestream.output, DEAD_LETTER_DIR), "dead_letter", DeadLetterSink,
            "dead_letters_written", wirestream.shards, FileSystems.join(temp, DEAD_LETTER_DIR),
        )
    )
