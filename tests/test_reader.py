"""Consumers' side: `wirestream read`, `wirestream stats`, `wirestream bq-schema` and the Python API, on
real pipeline output over seeds/ (plus one rejected input) and on an empty directory."""
import json
import subprocess
import sys

import pytest

from schemas import VERSION_KEY, VERSIONS, WIRE_STORY
from tests import avro_files
from tests.conftest import REPO, SEEDS
from wirestream import DeadLetter, StoryRecord, read_dead_letters, read_stories, schema_version
from wirestream.bigquery import table_schema
from wirestream.reader import avro_files as output_files


def wirestream(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=REPO, capture_output=True, text=True,
                          check=True)


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """The seeds plus one file that is not UTF-8, so that there is a dead letter to read too."""
    inputs = tmp_path_factory.mktemp("inputs")
    for seed in SEEDS.iterdir():
        (inputs / seed.name).write_bytes(seed.read_bytes())
    (inputs / "latin1.txt").write_bytes("MADRID (EFE) - El Gobierno aprobó la reforma el martes.".encode("latin-1"))
    out = tmp_path_factory.mktemp("out")
    run = wirestream("run", "--input", str(inputs / "*"), "--output", str(out))
    return out, run.stdout


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_python_api_returns_typed_records_equal_to_the_raw_avro(output):
    out, _ = output
    stories = list(read_stories(str(out)))
    raw = avro_files.stories(str(out))
    assert all(isinstance(s, StoryRecord) for s in stories)
    assert sorted(s.story_id for s in stories) == sorted(r["story_id"] for r in raw)
    tass = next(s for s in stories if s.story_id == "dev-seed-003")
    assert (tass.dateline.city, tass.dateline.country_code, tass.dateline.date.isoformat()) == (
        "Moscow", "RU", "2021-12-30")
    assert "Vladimir Putin" in {e.text for e in tass.entities} and tass.analysis == "complete"
    [dead] = list(read_dead_letters(str(out)))
    assert isinstance(dead, DeadLetter) and dead.stage == "parse" and dead.reason == "not valid UTF-8"


def test_paths_may_be_the_output_directory_a_subdirectory_files_or_globs(output):
    out, _ = output
    files = output_files([str(out)])
    assert files and all(path.endswith(".avro") for path in files)
    by_dir = {s.story_id for s in read_stories(str(out / "stories"))}
    by_glob = {s.story_id for s in read_stories(str(out / "*" / "*.avro"))}
    by_file = {s.story_id for path in files for s in read_stories(path)}
    assert by_dir == by_glob == by_file == {s.story_id for s in read_stories(str(out))}


def test_every_file_records_its_schema_version(output):
    out, _ = output
    for path in output_files([str(out)]):
        kind = "wire_story" if "/stories/" in path else "dead_letter"
        assert schema_version(path) == VERSIONS[kind], path
    assert VERSION_KEY == "wirestream.schema_version"


def test_read_prints_json_lines_with_fields_and_limit(output):
    out, _ = output
    lines = jsonl(wirestream("read", str(out), "--fields", "story_id,dateline.city,entities.text").stdout)
    assert len(lines) == len(list(read_stories(str(out))))
    assert all(set(line) == {"story_id", "dateline.city", "entities.text"} for line in lines)
    tass = next(line for line in lines if line["story_id"] == "dev-seed-003")
    assert tass["dateline.city"] == "Moscow" and "Vladimir Putin" in tass["entities.text"]
    assert len(jsonl(wirestream("read", str(out), "--limit", "2").stdout)) == 2


def test_read_filters_by_entity_words_stance_and_country(output):
    out, _ = output
    by_alias = {line["story_id"] for line in jsonl(wirestream("read", str(out), "--entity", "putin").stdout)}
    assert by_alias == {s.story_id for s in read_stories(str(out))
                        if any("putin" in f"{e.text} {' '.join(e.aliases)}".casefold().split() for e in s.entities)}
    assert {"dev-seed-000", "dev-seed-003"} <= by_alias  # "Vladimir Putin" found by a word of the name
    assert wirestream("read", str(out), "--entity", "Vladimir Put").stdout == ""  # whole words only
    russian = jsonl(wirestream("read", str(out), "--country", "ru", "--fields", "story_id").stdout)
    assert russian == [{"story_id": "dev-seed-003"}]
    against = jsonl(wirestream("read", str(out), "--stance", "AGAINST", "--fields", "stances.label").stdout)
    assert against and all("AGAINST" in line["stances.label"] for line in against)
    assert wirestream("read", str(out), "--entity", "Nobody Anywhere").stdout == ""


def test_read_dead_letters_shows_the_payload(output):
    out, _ = output
    [line] = jsonl(wirestream("read", str(out), "--dead-letters").stdout)
    assert line["stage"] == "parse" and line["reason"] == "not valid UTF-8"
    assert "payload_base64" in line and "payload" not in line  # latin-1 bytes are not UTF-8 text
    assert line["payload_size"] == len("MADRID (EFE) - El Gobierno aprobó la reforma el martes.")


def test_stats_summarises_the_run(output):
    out, _ = output
    text = wirestream("stats", str(out)).stdout
    stories = list(read_stories(str(out)))
    assert f"stories: {len(stories)}   dead letters: 1" in text
    for title in ("top entities", "stances by label", "datelines by country", "dead letters by reason"):
        assert title in text
    favor = sum(s.label == "FAVOR" for story in stories for s in story.stances)
    assert any(line.split() == ["FAVOR", str(favor)] for line in text.splitlines())
    assert any(line.split() == ["RU", "1"] for line in text.splitlines())
    assert any(line.split() == ["parse", "not", "valid", "UTF-8", "1"] for line in text.splitlines())


def test_run_summary_lists_dead_letters_by_reason(output):
    _, stdout = output
    assert "dead letters written: 1" in stdout and "duplicates dropped: 0" in stdout
    assert "  parse: not valid UTF-8: 1" in stdout.splitlines()


def test_read_and_stats_on_an_empty_directory(tmp_path):
    assert wirestream("read", str(tmp_path)).stdout == ""
    text = wirestream("stats", str(tmp_path)).stdout
    assert text.startswith("stories: 0   dead letters: 0   records: 0")
    assert "(none)" in text


def test_bigquery_schema_covers_every_avro_field_with_its_mode_and_type():
    fields = {f["name"]: f for f in table_schema(WIRE_STORY)}
    from schemas import schema_json
    assert list(fields) == [f["name"] for f in schema_json(WIRE_STORY)["fields"]]
    assert (fields["story_id"]["type"], fields["story_id"]["mode"]) == ("STRING", "REQUIRED")
    assert (fields["published_at"]["type"], fields["published_at"]["mode"]) == ("TIMESTAMP", "NULLABLE")
    dateline = {f["name"]: f for f in fields["dateline"]["fields"]}
    assert fields["dateline"]["mode"] == "NULLABLE" and dateline["date"]["type"] == "DATE"
    entities = {f["name"]: f for f in fields["entities"]["fields"]}
    assert (fields["entities"]["type"], fields["entities"]["mode"]) == ("RECORD", "REPEATED")
    assert (entities["aliases"]["type"], entities["aliases"]["mode"]) == ("STRING", "REPEATED")
    assert (entities["mentions"]["type"], entities["in_headline"]["type"]) == ("INTEGER", "BOOLEAN")
    stances = {f["name"]: f for f in fields["stances"]["fields"]}
    assert (stances["label"]["type"], stances["confidence"]["type"]) == ("STRING", "FLOAT")
    attributes = {f["name"]: f for f in table_schema("dead_letter")}["attributes"]
    assert attributes["mode"] == "REPEATED" and [f["name"] for f in attributes["fields"]] == ["key", "value"]
    printed = json.loads(wirestream("bq-schema").stdout)
    assert printed == table_schema(WIRE_STORY)
