"""Wirestream's pipeline options; every other Beam option passes through unchanged."""
import argparse

from apache_beam.options.pipeline_options import PipelineOptions

from wirestream.transforms import limits

DEFAULT_INPUT = "seeds/*"
DEFAULT_OUTPUT = "out"


def positive_int(value: str) -> int:
    """A limit must be a whole number of at least 1: a slice at -1 would silently drop the last entity."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return number


class WirestreamOptions(PipelineOptions):
    """Flags take `--name_with_underscores` (Beam's style) or `--name-with-dashes`."""

    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        parser.add_argument(
            "--input", default=DEFAULT_INPUT,
            help="Glob of story files (.txt wire copy, .json ninjs, .jsonl ninjs per line) on any Beam filesystem.",
        )
        parser.add_argument(
            "--output", default=DEFAULT_OUTPUT,
            help="Output directory: stories/*.avro and dead_letter/*.avro are written under it.",
        )
        parser.add_argument(
            "--spacy_model", "--spacy-model", dest="spacy_model", default=limits.DEFAULT_MODEL,
            help="Installed spaCy pipeline package that reads English stories (and those of unknown language).",
        )
        parser.add_argument(
            "--spacy_model_fr", "--spacy-model-fr", dest="spacy_model_fr", default=limits.DEFAULT_MODEL_FR,
            help="Installed spaCy pipeline package that reads French stories; a worker loads it on its first French story.",
        )
        parser.add_argument(
            "--max_story_bytes", "--max-story-bytes", dest="max_story_bytes", type=positive_int,
            default=limits.MAX_STORY_BYTES,
            help="Inputs larger than this go to the dead letters instead of spaCy (bounds worker memory).",
        )
        parser.add_argument(
            "--max_entities", "--max-entities", dest="max_entities", type=positive_int, default=limits.MAX_ENTITIES,
            help="Entities kept per story (the first in document order); more add a warning to the record.",
        )
        parser.add_argument(
            "--max_stances", "--max-stances", dest="max_stances", type=positive_int, default=limits.MAX_STANCES,
            help="Stances kept per story (the first in document order); more add a warning to the record.",
        )
        parser.add_argument(
            "--batch_size", "--batch-size", dest="batch_size", type=positive_int, default=limits.BATCH_SIZE,
            help="Largest batch of stories handed to nlp.pipe at once (also cut at 100,000 characters).",
        )
        parser.add_argument(
            "--shards", type=int, default=1,
            help="Avro files per output (and per window when streaming).",
        )
        parser.add_argument(
            "--subscription",
            help="Streaming: read stories from this Pub/Sub subscription (projects/P/subscriptions/S).",
        )
        parser.add_argument(
            "--topic",
            help="Streaming: read stories from this Pub/Sub topic through a subscription Beam creates.",
        )
        parser.add_argument(
            "--window", type=int, default=limits.WINDOW_SECONDS,
            help="Streaming: seconds per fixed window; each window's stories land in their own Avro files.",
        )
        parser.add_argument(
            "--dedup_seconds", "--dedup-seconds", dest="dedup_seconds", type=int, default=limits.DEDUP_SECONDS,
            help="Streaming: how long a story version is remembered to drop redelivered copies (0: no dedup). "
                 "A batch run keeps one copy of each story version over its whole input.",
        )
        parser.add_argument(
            "--dead_letter_topic", "--dead-letter-topic", dest="dead_letter_topic",
            help="Streaming: also publish dead letters to this Pub/Sub topic (payload as data, reason as attributes).",
        )
