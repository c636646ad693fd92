"""Property-based fuzzing: hostile inputs through the read, parse, dateline, NLP and write stages.

Every generated input must come out exactly once, as a story record the Avro schema accepts or as a dead
letter with its stage, reason and original payload, and nothing may raise. The stages' DoFns run
in-process as a worker calls them, with the real spaCy model.

CI runs 300 examples per test (about 25 s); the full run, 10,000 per test (20,000 inputs, 9 minutes here):

    WIRESTREAM_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""
from __future__ import annotations

import io
import json
import os
import pathlib
import re

import apache_beam as beam
import fastavro
import pytest
from apache_beam import pvalue
from apache_beam.io.gcp.pubsub import PubsubMessage
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.utils import shared
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests import avro_files
from tests.bad_inputs import BAD_INPUTS
from tests.conftest import REPO
from wirestream.pipeline.graph import ProcessStories, write_outputs
from wirestream.pipeline.options import WirestreamOptions
from wirestream.schemas import DEAD_LETTER, WIRE_STORY, load_schema
from wirestream.stats import reason_class
from wirestream.transforms import analyze
from wirestream.transforms.datelines import NormalizeDatelineFn
from wirestream.transforms.limits import DEFAULT_MODEL
from wirestream.transforms.parse import ParseStoryFn
from wirestream.transforms.read import message_to_raw_input
from wirestream.transforms.stage import NAMESPACE
from wirestream.transforms.wire.story import COMPLETE, NINJS, SKIPPED_LANGUAGE, TEXT, RawInput
from wirestream.transforms.write import StoryRecordFn

EXAMPLES = int(os.environ.get("WIRESTREAM_FUZZ_EXAMPLES", "300"))
LIMIT = 20_000  # a small --max_story_bytes, so that oversized inputs are cheap to generate
ODD = ["\u202e", "\u200b", "\u200f", "\ufeff", "\u0000", "\x1b[31m", "\u0301", "\U0001F600", "\ud800", "\udfff",
       "ï»¿", "Ã©", "â€™", "\r\n", "\u2028", "ـ", "עברית", "العربية", "中文", "\x85", "&amp;", "<p>", "\\u0000"]
FOREIGN = ["Le gouvernement a présenté mardi un projet de loi sur les retraites.",
           "Der Kanzler sagte am Dienstag in Berlin, die Regierung unterstütze den Plan.",
           "Η κυβέρνηση παρουσίασε την Τρίτη νομοσχέδιο για τις συντάξεις.", "国家主席习近平30日在北京会见了普京。",
           "Путин заявил во вторник о переговорах с Китаем.", "የኢትዮጵያ መንግሥት ማክሰኞ ዕለት የጡረታ ሕግ ረቂቅ አቅርቧል።"]
WORDS = ["MOSCOW", "(Reuters)", "-", "Putin", "backs", "the", "plan", "said", "on", "Tuesday", ".", ",", "/TASS/.",
         "date", "2021-12-29", "\n\n", "Ministers", "opposed", "\"", "WASHINGTON,", "Ill.", "(AP)", "—", "EU"]


def _text_with_odd_parts() -> st.SearchStrategy[str]:
    parts = st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.sampled_from(FOREIGN), st.text(max_size=20),
                      st.characters(blacklist_categories=()).map(str))
    return st.lists(parts, max_size=80).map(" ".join)


def _json_value(depth: int = 0) -> st.SearchStrategy:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _text_with_odd_parts())
    if depth >= 2:
        return leaves
    return st.one_of(leaves, st.lists(_json_value(depth + 1), max_size=3),
                     st.dictionaries(st.text(max_size=5), _json_value(depth + 1), max_size=3))


NINJS_FIELDS = ("uri", "headline", "body_text", "body_html", "versioncreated", "version", "language", "located")


@st.composite
def ninjs_like(draw) -> bytes:
    """ninjs-shaped objects whose fields may have any type, any content, or be missing."""
    fields = {name: draw(st.one_of(_text_with_odd_parts(), _json_value())) for name in NINJS_FIELDS
              if draw(st.booleans())}
    text = json.dumps(fields, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):  # one field nested from a few levels to past the decoder's recursion limit
        depth = draw(st.integers(1, 3000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        deep = opener * depth + "1" + closer * depth
        text = f'{text[:-1]}{", " if fields else ""}"{draw(st.sampled_from(NINJS_FIELDS))}": {deep}}}'
    return text.encode("utf-8", "surrogatepass")


@st.composite
def hostile_payloads(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "wire", "ninjs", "truncated", "nested", "huge", "nul", "encoded"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    if kind == "wire":
        return draw(_text_with_odd_parts()).encode("utf-8", "surrogatepass")
    if kind == "ninjs":
        return draw(ninjs_like())
    if kind == "truncated":
        whole = draw(ninjs_like())
        return whole[:draw(st.integers(0, len(whole)))]
    if kind == "nested":
        depth = draw(st.integers(1, 200_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return (opener * depth + "1" + closer * draw(st.integers(0, depth))).encode()
    if kind == "huge":
        return draw(st.sampled_from([b"word ", b"\x00", "é".encode(), b"{"])) * draw(st.integers(LIMIT - 5, 3 * LIMIT))
    if kind == "nul":
        text = draw(_text_with_odd_parts()).encode("utf-8", "surrogatepass")
        at = draw(st.integers(0, len(text)))
        return text[:at] + b"\x00" * draw(st.integers(1, 50)) + text[at:]
    codec = draw(st.sampled_from(["utf-16", "latin-1", "cp1252", "shift_jis", "utf-32"]))
    return draw(_text_with_odd_parts()).encode(codec, "replace")


@pytest.fixture(scope="module")
def stages():
    annotate = analyze.AnnotateBatchFn(DEFAULT_MODEL, shared.Shared(), LIMIT)
    annotate.setup()  # loads the real model as a worker does
    write = StoryRecordFn(LIMIT)
    write.setup()
    return [ParseStoryFn(LIMIT), NormalizeDatelineFn(LIMIT), annotate, write]


def run_stages(stages, raw: RawInput) -> list:
    """Runs one input through every stage as a worker would; returns what leaves the last stage."""
    items, dead = [raw], []
    for index, stage in enumerate(stages):
        batch = items if index == 2 else None  # the NLP stage takes a batch
        outputs = list(stage.process(batch)) if batch is not None else [o for i in items for o in stage.process(i)]
        dead += [o.value for o in outputs if isinstance(o, pvalue.TaggedOutput)]
        items = [o for o in outputs if not isinstance(o, pvalue.TaggedOutput)]
        if not items:
            break
    written = [fastavro.schemaless_reader(io.BytesIO(encoded), load_schema(WIRE_STORY)) for encoded in items]
    return written + dead


def as_raw_input(payload: bytes, content_type: str | None) -> RawInput:
    """What the file source hands on: an oversized input is cut at the limit and keeps its real size."""
    if len(payload) > LIMIT:
        return RawInput(payload[:LIMIT], "fuzz", "fuzz", content_type, size=len(payload))
    return RawInput(payload, "fuzz", "fuzz", content_type)


def assert_accounted(raw: RawInput, outputs: list) -> None:
    assert len(outputs) == 1, outputs
    [out] = outputs
    event(f"dead letter, {out['stage']}: {reason_class(out['reason'])}" if "stage" in out else
          f"story, {out['analysis']}")
    if "stage" in out:  # a dead letter
        assert out["stage"] and out["reason"]
        assert out["payload"] == raw.payload[:LIMIT] and out["payload_size"] == raw.payload_size
        fastavro.schemaless_writer(io.BytesIO(), load_schema(DEAD_LETTER), out)
    else:
        assert out["body"].strip() and out["source"] == raw.source
        assert out["analysis"] in (COMPLETE, SKIPPED_LANGUAGE)
        assert out["language"] is None or re.fullmatch("[a-z]{2,3}", out["language"])
        if out["analysis"] == SKIPPED_LANGUAGE:
            assert out["entities"] == [] and out["stances"] == [] and out["language"] != "en"


FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))


@FUZZ_SETTINGS
@given(payload=hostile_payloads(), content_type=st.sampled_from([None, TEXT, NINJS]))
def test_hostile_files_never_crash_and_each_comes_out_once(stages, payload, content_type):
    raw = as_raw_input(payload, content_type)
    assert_accounted(raw, run_stages(stages, raw))


@FUZZ_SETTINGS
@given(data=hostile_payloads(), attributes=st.dictionaries(
    st.one_of(st.sampled_from(["story_id", "version", "published_at", "content_type", "language", "source"]),
              st.text(max_size=10)),
    st.one_of(_text_with_odd_parts(), st.sampled_from(["../../etc/passwd", "/tmp/x", "ninjs", "2024-13-45T99"])),
    max_size=6))
def test_hostile_messages_never_crash_and_each_comes_out_once(stages, data, attributes):
    message = PubsubMessage(data[:LIMIT], attributes)
    raw = message_to_raw_input(message)
    assert_accounted(raw, run_stages(stages, raw))


PATH_LIKE = [{"story_id": "../../etc/passwd"}, {"story_id": "/tmp/wirestream-escape", "source": "../../../root/x"},
             {"story_id": "a/b\\c", "version": "../v", "language": "fr/../en", "content_type": "../ninjs"}]
KEPT = {
    "seed": (REPO / "seeds" / "dev-seed-000.txt").read_bytes(),
    "german": b"BERLIN (dpa) - Die Bundesregierung hat am Dienstag einen Gesetzentwurf zur Rentenreform "
              b"vorgestellt, den die Gewerkschaften geschlossen ablehnen.",
    "mojibake": "RIO DE JANEIRO (Reuters) - The minister said â€œweâ€™ll back the planâ€\x9d on Tuesday.\u202e".encode(),
}


def test_a_hostile_batch_is_accounted_for_and_ids_stay_inside_records(tmp_path):
    """The whole graph on the DirectRunner, from Pub/Sub-shaped messages with path-like ids and attributes to
    Avro files: messages = stories written + dead letters written + duplicates dropped, and the only files
    are Beam's."""
    payloads = [content for content, _ in BAD_INPUTS.values()] + list(KEPT.values())
    messages = [PubsubMessage(payload, PATH_LIKE[index % len(PATH_LIKE)] | {"n": str(index)}, message_id=f"m{index}")
                for index, payload in enumerate(payloads)]
    messages.append(PubsubMessage(KEPT["seed"], messages[-3].attributes, message_id="copy"))  # a redelivery
    output = tmp_path / "out"
    options = PipelineOptions(["--output", str(output)])
    pipeline = beam.Pipeline(options=options)
    raw_inputs = pipeline | beam.Create([message_to_raw_input(message) for message in messages])
    stories, dead_letters = raw_inputs | ProcessStories(DEFAULT_MODEL, LIMIT, batch_size=8)
    write_outputs(stories, [dead_letters], options.view_as(WirestreamOptions))
    result = pipeline.run()
    result.wait_until_finish()

    counters = {name: sum(c.committed for c in result.metrics().query(
        MetricsFilter().with_namespace(NAMESPACE).with_name(name))["counters"])
        for name in ("stories_written", "dead_letters_written", "duplicates_dropped")}
    written, dead = avro_files.stories(str(output)), avro_files.dead_letters(str(output))
    assert counters == {"stories_written": len(written), "dead_letters_written": len(dead), "duplicates_dropped": 1}
    assert len(written) + len(dead) + 1 == len(messages)
    assert len(written) == len(KEPT) and len(dead) == len(BAD_INPUTS)

    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert all(re.fullmatch(r"out/(stories/stories|dead_letter/dead_letter)-\d{5}-of-\d{5}\.avro", f) for f in files)
    assert not pathlib.Path("/tmp/wirestream-escape").exists()
    reasons = [reason for _, reason in BAD_INPUTS.values()]
    for letter in dead:
        index = int(letter["attributes"]["n"])
        assert letter["attributes"] == messages[index].attributes
        assert letter["payload"] == payloads[index][:LIMIT] and letter["reason"].startswith(reasons[index])
    kept = {messages[index].attributes["story_id"]: name for index, name in enumerate(KEPT, start=len(BAD_INPUTS))}
    stories = {story["story_id"]: story for story in written}
    assert stories.keys() == kept.keys()
    by_name = {name: stories[story_id] for story_id, name in kept.items()}
    assert (by_name["german"]["language"], by_name["german"]["analysis"]) == ("de", SKIPPED_LANGUAGE)
    assert by_name["german"]["entities"] == [] and by_name["seed"]["analysis"] == COMPLETE
    assert by_name["mojibake"]["warnings"] == ["mojibake repaired", "control characters removed: 1"]
    assert {story["source"] for story in written} >= {"../../../root/x"}
