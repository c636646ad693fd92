"""Each stage's Beam transform in a TestPipeline on the DirectRunner."""
import datetime
import glob
import io

import apache_beam as beam
import fastavro
from apache_beam import pvalue
from apache_beam.io import fileio
from apache_beam.io.filesystem import FileMetadata
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.avro_files import read_records
from tests.conftest import write_inputs
from wirestream.schemas import WIRE_STORY, load_schema
from wirestream.transforms import write
from wirestream.transforms.analyze import AnalyzeStories
from wirestream.transforms.datelines import NormalizeDatelines
from wirestream.transforms.limits import DEFAULT_MODEL
from wirestream.transforms.parse import ParseStories
from wirestream.transforms.read import ExpandStoryFile, ReadStoryFiles
from wirestream.transforms.stage import StageFn
from wirestream.transforms.wire.record import Entity, story_record
from wirestream.transforms.wire.story import NINJS, TEXT, RawInput, Story
from wirestream.transforms.write import StoryRecordFn, StorySink, WriteAvro

LIMIT = 1000


def story(story_id: str, body: str, headline: str | None = None, reference_date=None) -> Story:
    return Story(story_id, f"test:{story_id}", body, body.encode(), headline=headline, reference_date=reference_date)


def test_read_story_files_yields_one_input_per_file_and_jsonl_line(tmp_path):
    write_inputs(tmp_path, {
        "a.txt": b"wire copy",
        "b.json": b'{"uri": "u"}',
        "c.jsonl": b'{"uri": "1"}\n\n{"uri": "2"}\n',
        "big.txt": b"x" * (LIMIT + 1),
    })
    with TestPipeline() as p:
        inputs, unread = p | ReadStoryFiles(str(tmp_path / "*"), LIMIT)
        summary = inputs | beam.Map(lambda raw: (raw.default_id, raw.content_type, len(raw.payload), raw.payload_size))
        assert_that(summary, equal_to([
            ("a", TEXT, 9, 9), ("b", NINJS, 12, 12), ("c-1", NINJS, 12, 12), ("c-3", NINJS, 12, 12),
            ("big", TEXT, LIMIT, LIMIT + 1),
        ]))
        assert_that(unread, equal_to([]), label="NothingUnread")


def test_a_file_that_cannot_be_read_is_a_dead_letter_of_the_read_stage(tmp_path):
    """A file matched, then gone before it is read (a real FileNotFoundError, as when a feed rotates)."""
    gone = fileio.ReadableFile(FileMetadata(str(tmp_path / "gone.json"), 120))
    outputs = list(ExpandStoryFile(LIMIT).process(gone))
    [rejected] = [o.value for o in outputs if isinstance(o, pvalue.TaggedOutput)]
    assert len(outputs) == 1
    assert (rejected["stage"], rejected["reason"], rejected["source"]) == (
        "read", "could not read the file", str(tmp_path / "gone.json"))
    assert "FileNotFoundError" in rejected["detail"] and rejected["payload_size"] == 120


def test_parse_stories_splits_stories_from_dead_letters():
    inputs = [
        RawInput(b"Headline here\n\nBody of the story.", "s/a.txt", "a", TEXT),
        RawInput(b"", "s/b.txt", "b", TEXT),
        RawInput(b'{"uri": "u", "body_text": "cut', "s/c.json", "c", NINJS),
    ]
    with TestPipeline() as p:
        stories, dead_letters = p | beam.Create(inputs) | ParseStories(LIMIT)
        assert_that(stories | beam.Map(lambda s: (s.story_id, s.headline, s.body)),
                    equal_to([("a", "Headline here", "Body of the story.")]), label="Stories")
        assert_that(dead_letters | beam.Map(lambda d: (d["source"], d["stage"], d["reason"], d["payload"])),
                    equal_to([("s/b.txt", "parse", "empty input", b""),
                              ("s/c.json", "parse", "invalid JSON", b'{"uri": "u", "body_text": "cut')]),
                    label="DeadLetters")


def test_normalize_datelines_fills_the_dateline_and_rejects_a_bare_one():
    stories = [
        story("tass", "MOSCOW, December 30. /TASS/. Talks were held.", reference_date=datetime.date(2021, 12, 29)),
        story("none", "Talks were held in Geneva on Monday."),
        story("bare", "LONDON, March 3 (Reuters) - "),
    ]
    with TestPipeline() as p:
        dated, dead_letters = p | beam.Create(stories) | NormalizeDatelines(LIMIT)
        assert_that(dated | beam.Map(lambda s: (s.story_id, s.dateline and (
            s.dateline.city, s.dateline.country_code, s.dateline.date, s.dateline.agency))),
            equal_to([("tass", ("Moscow", "RU", datetime.date(2021, 12, 30), "TASS")), ("none", None)]),
            label="Dated")
        assert_that(dead_letters | beam.Map(lambda d: (d["story_id"], d["stage"], d["reason"])),
                    equal_to([("bare", "dateline", "no story body: nothing follows the dateline")]),
                    label="DeadLetters")


def test_analyze_stories_extracts_entities_and_stances():
    seed = story(
        "putin",
        'President Vladimir Putin said Russia rejected the boycott. "We oppose the boycott," Putin said.',
        headline="Putin backs China in rejecting Olympic diplomatic boycott",
    )
    with TestPipeline() as p:
        analyzed, dead_letters = p | beam.Create([seed]) | AnalyzeStories(DEFAULT_MODEL, LIMIT)
        persons = analyzed | beam.FlatMap(lambda s: [e.text for e in s.entities if e.label == "PERSON"])
        assert_that(persons, equal_to(["Vladimir Putin"]), label="Persons")
        against = analyzed | beam.FlatMap(
            lambda s: [(t.holder, t.label) for t in s.stances if "boycott" in t.target])
        assert_that(against | beam.Distinct(), equal_to([("Russia", "AGAINST"), ("Vladimir Putin", "AGAINST")]),
                    label="Stances")
        assert_that(dead_letters, equal_to([]), label="NoDeadLetters")


def test_write_avro_writes_encoded_records_in_blocks_fastavro_reads_back(tmp_path):
    """Enough records for several blocks: each block is framed and compressed as fastavro's own writer would."""
    stories = [story(f"s{i}", f"Body text {i}. " * 40) for i in range(400)]
    encoded = [write.encode(load_schema(WIRE_STORY), story_record(s)) for s in stories]
    assert sum(map(len, encoded)) > 3 * StorySink.BLOCK_BYTES
    with TestPipeline() as p:
        _ = p | beam.Create(encoded) | WriteAvro(
            str(tmp_path), "stories", StorySink, "stories_written", shards=1, temp_directory=str(tmp_path / ".temp"))
    [path] = glob.glob(str(tmp_path / "stories-*.avro"))
    with open(path, "rb") as handle:
        blocks = list(fastavro.block_reader(handle))
    assert len(blocks) > 3 and sum(block.num_records for block in blocks) == 400
    written = read_records(path)
    assert sorted(r["story_id"] for r in written) == sorted(s.story_id for s in stories)
    assert {r["story_id"]: r["body"] for r in written}["s7"] == "Body text 7. " * 40


def test_ninjs_located_gives_the_dateline_when_the_body_has_none():
    located = story("ninjs", "Fishing unions denounced the deal on Thursday.", reference_date=datetime.date(2024, 2, 8))
    located = located.replace(located="Saint-Louis, Senegal")
    with TestPipeline() as p:
        dated, _ = p | beam.Create([located]) | NormalizeDatelines(LIMIT)
        assert_that(dated | beam.Map(lambda s: (s.dateline.city, s.dateline.country_code, s.dateline.date)),
                    equal_to([("Saint-Louis", "SN", datetime.date(2024, 2, 8))]))


def decode_story_id(encoded: bytes) -> str:
    return fastavro.schemaless_reader(io.BytesIO(encoded), load_schema(WIRE_STORY))["story_id"]


def test_story_records_that_the_schema_cannot_hold_become_dead_letters():
    good = story("good", "Talks resumed.")
    broken = story("broken", "Talks resumed.").replace(entities=(Entity(text=None, label="ORG"),))  # no name
    with TestPipeline() as p:
        outputs = p | beam.Create([good, broken]) | beam.ParDo(StoryRecordFn(LIMIT)).with_outputs(
            StageFn.DEAD_LETTER, main=StageFn.STORIES)
        assert_that(outputs[StageFn.STORIES] | beam.Map(decode_story_id), equal_to(["good"]), label="Records")
        assert_that(outputs[StageFn.DEAD_LETTER] | beam.Map(lambda d: (d["story_id"], d["stage"], d["reason"])),
                    equal_to([("broken", "write", "not representable in the Avro schema")]), label="DeadLetters")


def test_only_a_true_heartbeat_attribute_is_a_heartbeat_and_dead_letters_keep_the_story_id():
    from apache_beam.io.gcp.pubsub import PubsubMessage

    from wirestream.transforms.parse import ParseStoryFn
    from wirestream.transforms.read import MessageToRawInputFn

    read = MessageToRawInputFn()
    for value in ("1", "true", "True", "yes"):
        assert list(read.process(PubsubMessage(b"", {"wirestream_heartbeat": value}))) == []
    for value in ("false", "0", "no", ""):
        [story] = list(read.process(PubsubMessage(b"Wire copy.", {"wirestream_heartbeat": value})))
        assert story.value.payload == b"Wire copy."
    [raw] = [o.value for o in read.process(PubsubMessage(b"", {"story_id": "urn:s:1"}, message_id="m1"))]
    [dead] = list(ParseStoryFn(LIMIT).process(raw))
    assert (dead.value["reason"], dead.value["story_id"]) == ("empty input", "urn:s:1")
