"""A failure inside a stage dead-letters that one story, with the stage, the exception's type and message and
the original payload, and the stage goes on with the others: parse, dateline and analyze here, on the
DirectRunner. (Read: tests/test_transforms.py, a file gone before it is read; write: the same file, a
record the schema cannot hold.)

Each fault is a real exception in the stage's own code, raised by an element no source makes today (a field
of the wrong type, as a bug upstream would produce), so nothing is mocked.
"""
import io

import apache_beam as beam
import fastavro
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from wirestream.schemas import DEAD_LETTER, load_schema
from wirestream.transforms.analyze import AnalyzeStories
from wirestream.transforms.datelines import NormalizeDatelines
from wirestream.transforms.limits import DEFAULT_MODEL
from wirestream.transforms.parse import ParseStories
from wirestream.transforms.wire.dateline import Dateline
from wirestream.transforms.wire.story import TEXT, RawInput, Story

LIMIT = 10_000
GOOD = "GENEVA (Reuters) - Ministers resumed the talks on Monday."
PUTIN = "President Vladimir Putin met Xi Jinping in Beijing on Monday."
TASS = "MOSCOW, December 30. /TASS/. Russia and China agreed on Thursday to extend the treaty."


def story(story_id: str, body: str, **fields) -> Story:
    return Story(story_id, f"test:{story_id}", body, f"payload of {story_id}".encode(), **fields)


def dead_letter_summary(record: dict) -> tuple:
    """What a dead letter must say, and a check that it can be written."""
    fastavro.schemaless_writer(io.BytesIO(), load_schema(DEAD_LETTER), record)
    return record["stage"], record["reason"], record["detail"], record["payload"]


def test_a_parse_failure_dead_letters_that_input_only():
    good = RawInput(GOOD.encode(), "test:good", "good", TEXT)
    # a publish time that is a string, not a datetime: the parser's date step fails on it
    bad = RawInput(GOOD.encode(), "test:bad", "bad", TEXT, published_at="2024-01-02")
    with TestPipeline() as p:
        stories, dead = p | beam.Create([good, bad]) | ParseStories(LIMIT)
        assert_that(stories | beam.Map(lambda s: s.story_id), equal_to(["good"]), label="Stories")
        assert_that(dead | beam.Map(dead_letter_summary), equal_to([(
            "parse", "parser error", "AttributeError(\"'str' object has no attribute 'astimezone'\")", GOOD.encode(),
        )]), label="DeadLetters")


def test_a_dateline_failure_dead_letters_that_story_only():
    good = story("good", TASS, reference_date=None)
    bad_date = story("bad-date", TASS, reference_date="2021-12-29")  # not a date: the year lookup fails
    bad_located = story("bad-located", GOOD.split(" - ")[1], located=["Geneva"])  # not a string
    with TestPipeline() as p:
        stories, dead = p | beam.Create([good, bad_date, bad_located]) | NormalizeDatelines(LIMIT)
        assert_that(stories | beam.Map(lambda s: (s.story_id, s.dateline.city)), equal_to([("good", "Moscow")]),
                    label="Stories")
        assert_that(dead | beam.Map(dead_letter_summary), equal_to([
            ("dateline", "dateline normalizer error", "AttributeError(\"'str' object has no attribute 'year'\")",
             b"payload of bad-date"),
            ("dateline", "dateline normalizer error",
             "AttributeError(\"'list' object has no attribute 'partition'\")", b"payload of bad-located"),
        ]), label="DeadLetters")


def test_an_nlp_failure_dead_letters_that_story_and_not_its_batch():
    batch = [story("before", PUTIN), story("bad", PUTIN, dateline=Dateline("MOSCOW", None, None, None, None, start="a", end="b")), story("after", TASS)]
    with TestPipeline() as p:
        stories, dead = p | beam.Create(batch) | AnalyzeStories(DEFAULT_MODEL, LIMIT, max_batch_size=3)
        assert_that(stories | beam.Map(lambda s: (s.story_id, bool(s.entities))),
                    equal_to([("before", True), ("after", True)]), label="Stories")
        assert_that(dead | beam.Map(dead_letter_summary), equal_to([(
            "analyze", "NLP error", "TypeError('can only concatenate str (not \"int\") to str')", b"payload of bad",
        )]), label="DeadLetters")


def test_a_failure_before_the_batch_is_parsed_dead_letters_only_its_story():
    """A headline that is not text fails while the batch's texts are assembled, before any one story's
    analysis: the stage then retries story by story, so only the culprit is rejected."""
    batch = [story("before", PUTIN), story("bad", PUTIN, headline=7), story("after", TASS)]
    with TestPipeline() as p:
        stories, dead = p | beam.Create(batch) | AnalyzeStories(DEFAULT_MODEL, LIMIT, max_batch_size=3)
        assert_that(stories | beam.Map(lambda s: (s.story_id, bool(s.entities))),
                    equal_to([("before", True), ("after", True)]), label="Stories")
        assert_that(dead | beam.Map(dead_letter_summary), equal_to([(
            "analyze", "NLP error", "TypeError(\"unsupported operand type(s) for +: 'int' and 'str'\")",
            b"payload of bad",
        )]), label="DeadLetters")
