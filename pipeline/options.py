"""Wirestream's pipeline options; every other Beam option passes through unchanged."""
import argparse
import difflib

from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser

from wirestream.transforms import limits

DEFAULT_INPUT = "seeds/*"
DEFAULT_OUTPUT = "out"


def positive_int(value: str) -> int:
    """A limit must be a whole number of at least 1: a slice at -1 would silently drop the last entity."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return number


def non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return number


def flag(value: str) -> bool:
    """`--overwrite`, `--overwrite=true` (as a flex template passes it) or `--overwrite=false`."""
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"true or false, not {value}")


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
            "--overwrite", type=flag, nargs="?", const=True, default=False,
            help="Batch: replace the output of an earlier run in --output (by default a non-empty --output is "
                 "refused, so that runs never mix).",
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
            "--shards", type=positive_int, default=1,
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
            "--window", type=positive_int, default=limits.WINDOW_SECONDS,
            help="Streaming: seconds per fixed window; each window's stories land in their own Avro files.",
        )
        parser.add_argument(
            "--dedup_seconds", "--dedup-seconds", dest="dedup_seconds", type=non_negative_int, default=limits.DEDUP_SECONDS,
            help="Streaming: how long a story version is remembered to drop redelivered copies (0: no dedup). "
                 "A batch run keeps one copy of each story version over its whole input.",
        )
        parser.add_argument(
            "--dead_letter_topic", "--dead-letter-topic", dest="dead_letter_topic",
            help="Streaming: also publish dead letters to this Pub/Sub topic (payload as data, reason as attributes).",
        )


class UsageError(Exception):
    """A mistake in the arguments of `wirestream run`, said in one line."""


class _RaisingParser(_BeamArgumentParser):
    def error(self, message: str):
        raise UsageError(message)


def options_parser() -> _BeamArgumentParser:
    """The parser of every registered PipelineOptions class (wirestream's, Beam's, the runners'), as Beam
    builds it to parse a pipeline's flags, except that a mistake raises UsageError instead of exiting."""
    parser = _RaisingParser(allow_abbrev=False)
    classes: dict[str, type] = {}
    for cls in PipelineOptions.__subclasses__():
        classes.setdefault(str(cls), cls)
    for cls in classes.values():
        cls._add_argparse_args(parser)
    return parser


def check_arguments(argv: list[str]) -> None:
    """Raises UsageError for a value a flag does not take (`--shards=-2`), a flag that no options class takes
    (Beam only logs a warning and runs on its defaults, so a mistyped `--inptu` would process `seeds/*`), or
    an extra argument: the shell's expansion of an unquoted glob, of which `--input` would get the first file."""
    parser = options_parser()
    _, unknown = parser.parse_known_args(argv)
    flags = [arg.split("=", 1)[0] for arg in unknown if arg.startswith("-")]
    if flags:
        known = [flag for action in parser._actions for flag in action.option_strings]
        close = difflib.get_close_matches(flags[0], known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"unknown option {flags[0]}{hint}: neither a wirestream nor an Apache Beam option")
    if unknown:
        shown = " ".join(unknown[:3]) + (" ..." if len(unknown) > 3 else "")
        raise UsageError(f"unexpected argument {shown}: quote the --input glob so that the shell does not expand "
                         "it, e.g. --input 'seeds/*'")
