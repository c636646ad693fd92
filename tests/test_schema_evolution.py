"""Schema evolution: yesterday's files read with today's schema, and the policy that keeps that true."""
import io

import fastavro
import pytest

from schemas import DEAD_LETTER, VERSIONS, WIRE_STORY, load_schema, schema_json
from wirestream.reader import StoryRecord

V1_STORY = {
    "story_id": "urn:test:evolution", "version": "1", "source": "test.txt", "headline": "Ministers back pact",
    "body": "GENEVA (Reuters) - Ministers backed the pact.", "language": "en", "published_at": None,
    "dateline": {"raw": "GENEVA (Reuters) -", "city": "Geneva", "country_code": "CH", "date": None,
                 "agency": "Reuters"},
    "entities": [{"text": "Reuters", "label": "ORG", "mentions": 1, "aliases": [], "country_code": None,
                  "in_headline": False, "start": 10, "end": 17}],
    "stances": [{"holder": "Ministers", "holder_label": None, "target": "pact", "target_label": None,
                 "label": "FAVOR", "evidence": "Ministers backed the pact.", "confidence": 0.5}],
}


def write(schema: dict, records: list[dict]) -> io.BytesIO:
    buffer = io.BytesIO()
    fastavro.writer(buffer, schema, records)
    buffer.seek(0)
    return buffer


def history(name: str) -> list[int]:
    return list(range(1, VERSIONS[name] + 1))


def test_a_v1_file_reads_with_the_current_schema_new_fields_at_their_defaults():
    old = write(load_schema(WIRE_STORY, 1), [V1_STORY])
    [record] = fastavro.reader(old, reader_schema=load_schema(WIRE_STORY))
    assert record["analysis"] == "complete" and record["warnings"] == []
    assert {k: v for k, v in record.items() if k in V1_STORY} == V1_STORY
    assert StoryRecord.from_avro(record).dateline.city == "Geneva"


def test_a_current_file_reads_with_the_v1_schema_new_fields_skipped():
    current = {**V1_STORY, "analysis": "skipped_language", "warnings": ["control characters removed"]}
    new = write(load_schema(WIRE_STORY), [current])
    [record] = fastavro.reader(new, reader_schema=load_schema(WIRE_STORY, 1))
    assert record == V1_STORY


@pytest.mark.parametrize("name", [WIRE_STORY, DEAD_LETTER])
def test_each_version_only_adds_fields_with_defaults(name):
    """The policy, checked on the shipped history: no field renamed, retyped or removed; every new field has a
    default. A change that breaks it fails here before it breaks a consumer."""
    versions = history(name)
    for old_version, new_version in zip(versions, versions[1:]):
        old = {f["name"]: f for f in schema_json(name, old_version)["fields"]}
        new = {f["name"]: f for f in schema_json(name, new_version)["fields"]}
        assert old.keys() <= new.keys(), f"v{new_version} removed or renamed {old.keys() - new.keys()}"
        for field_name, field in old.items():
            assert new[field_name]["type"] == field["type"], f"v{new_version} retyped {field_name}"
        for field_name in new.keys() - old.keys():
            assert "default" in new[field_name], f"v{new_version} added {field_name} without a default"


def test_the_history_has_every_earlier_version_and_the_current_one_is_the_file_in_use():
    for name in (WIRE_STORY, DEAD_LETTER):
        for version in history(name):
            assert schema_json(name, version)["name"] == schema_json(name)["name"]
    assert schema_json(WIRE_STORY, VERSIONS[WIRE_STORY]) == schema_json(WIRE_STORY)
    assert {f["name"] for f in schema_json(WIRE_STORY)["fields"]} - {
        f["name"] for f in schema_json(WIRE_STORY, 1)["fields"]} == {"analysis", "warnings"}
