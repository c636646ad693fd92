"""The CLI as a user runs it: files in, Avro out, read back with fastavro."""
import datetime
import subprocess
import sys
from collections import Counter

import pytest

from tests import avro_files
from tests.bad_inputs import BAD_INPUTS, make_special_files
from tests.conftest import EVALKIT, REPO, SEEDS, write_inputs
from wirestream.stats import reason_class


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wirestream", "run", *args], cwd=REPO, capture_output=True, text=True, check=True
    )


@pytest.fixture(scope="module")
def seeds_output(tmp_path_factory):
    output = tmp_path_factory.mktemp("seeds-out")
    result = run_cli("--input", str(SEEDS / "*"), "--output", str(output))
    return output, result.stdout


def test_one_record_per_seed_story(seeds_output):
    output, stdout = seeds_output
    records = avro_files.stories(str(output))
    expected_ids = {p.stem for p in SEEDS.glob("*.txt")} | {
        "urn:wirestream:seed:afp-dakar-fishing", "urn:wirestream:seed:xinhua-hanoi-rail",
        "urn:wirestream:seed:dpa-munich-strike"}
    assert sorted(r["story_id"] for r in records) == sorted(expected_ids)
    assert avro_files.dead_letters(str(output)) == []
    assert f"inputs read: {len(expected_ids)}, stories written: {len(expected_ids)}, dead letters written: 0" in stdout


def test_tass_seed_dateline_entities_and_stances(seeds_output):
    output, _ = seeds_output
    [tass] = [r for r in avro_files.stories(str(output)) if r["story_id"] == "dev-seed-003"]
    dateline = tass["dateline"]
    assert (dateline["city"], dateline["country_code"], dateline["date"], dateline["agency"]) == (
        "Moscow", "RU", datetime.date(2021, 12, 30), "TASS")
    persons = {e["text"] for e in tass["entities"] if e["label"] == "PERSON"}
    assert {"Vladimir Putin", "Xi Jinping", "Zhang Hanhui"} <= persons
    assert not tass["body"].startswith(" date")


def test_seed_datelines_and_places_carry_geonames_coordinates(seeds_output):
    output, _ = seeds_output
    stories = {r["story_id"]: r for r in avro_files.stories(str(output))}
    datelines = {r["dateline"]["city"]: r["dateline"] for r in stories.values() if r["dateline"]}
    expected = {"Moscow": (524901, 55.75, 37.62), "Hanoi": (1581130, 21.02, 105.84), "Dakar": (2253354, 14.69, -17.44),
                "Munich": (2867714, 48.14, 11.58), "Portland": (5746545, 45.52, -122.68)}  # "PORTLAND, Ore."
    assert {city: (d["geonames_id"], round(d["latitude"], 2), round(d["longitude"], 2))
            for city, d in datelines.items()} == expected
    places = {(e["text"], e["geonames_id"]) for r in stories.values() for e in r["entities"]}
    assert {("Moscow", 524901), ("Russia", 2017370), ("Beijing", 1816670), ("Haiphong", 1581298)} <= places
    # without the dateline's state, "Portland" could be Oregon's or Maine's; a region has no point
    assert {("Portland", None), ("Bavaria", None)} <= places
    assert all(e["geonames_id"] is None for r in stories.values() for e in r["entities"]
               if e["label"] not in ("GPE", "LOC", "FAC"))


def test_reuters_seed_putin_against_the_boycott(seeds_output):
    output, _ = seeds_output
    [reuters] = [r for r in avro_files.stories(str(output)) if r["story_id"] == "dev-seed-000"]
    assert reuters["headline"] == "Putin backs China in rejecting Olympic diplomatic boycott"
    assert reuters["dateline"] is None
    assert any(s["holder"] == "Vladimir Putin" and s["label"] == "AGAINST" and "boycott" in s["target"]
               for s in reuters["stances"])


def test_every_bad_input_is_one_dead_letter_and_nothing_is_lost(tmp_path):
    files = {name: content for name, (content, _) in BAD_INPUTS.items()}
    files["good.txt"] = (SEEDS / "dev-seed-000.txt").read_bytes()
    files["two.jsonl"] = b'{"uri": "urn:ok", "body_text": "GENEVA (Reuters) - Talks resumed."}\n{"uri": "urn:bad", \n'
    # hostile but kept: written with a status or a warning, not dead-lettered
    files["german.txt"] = (b"BERLIN (dpa) - Die Bundesregierung hat am Dienstag einen Gesetzentwurf zur Rentenreform "
                           b"vorgestellt, den die Gewerkschaften geschlossen ablehnen.")
    files["mojibake.txt"] = "LONDON (Reuters) - Ministers said â€œweâ€™ll back the planâ€\x9d\u200b.".encode()
    inputs = write_inputs(tmp_path / "in", files)
    special = make_special_files(inputs)  # FIFO, /dev/zero, symlink loop, dangling link, empty .jsonl, .gz bomb
    output = tmp_path / "out"
    result = run_cli("--input", str(inputs / "*"), "--output", str(output), "--max_story_bytes", "100000")

    stories = avro_files.stories(str(output))
    dead = {d["source"].rsplit("/", 1)[-1]: d for d in avro_files.dead_letters(str(output))}
    assert sorted(s["story_id"] for s in stories) == ["german", "good", "mojibake", "urn:ok"]
    kept = {s["story_id"]: s for s in stories}
    assert (kept["german"]["language"], kept["german"]["analysis"], kept["german"]["entities"], kept["german"]["model"]) == (
        "de", "skipped_language", [], None)
    assert kept["mojibake"]["warnings"] == ["mojibake repaired", "control characters removed: 1"]
    assert "“we’ll back the plan”" in kept["mojibake"]["body"] and kept["mojibake"]["analysis"] == "complete"
    assert set(dead) == set(BAD_INPUTS) | {"two.jsonl:2"} | set(special)
    for name, reason in special.items():
        assert dead[name]["reason"].startswith(reason), name
    for name, (content, reason) in BAD_INPUTS.items():
        assert dead[name]["reason"].startswith(reason), name
        assert dead[name]["payload"] == content[:100000]
        assert dead[name]["payload_size"] == len(content)
    inputs_read = len(BAD_INPUTS) + 5 + len(special)
    assert len(stories) + len(dead) == inputs_read
    assert "orphaned" not in result.stderr  # no warning about temp files on a run that went well
    assert (f"inputs read: {inputs_read}, stories written: 4, dead letters written: {len(dead)}, "
            "duplicates dropped: 0") in result.stdout
    by_reason = Counter((d["stage"], reason_class(d["reason"])) for d in dead.values())
    printed = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert sorted(printed) == sorted(f"  {stage}: {reason}: {n}" for (stage, reason), n in by_reason.items())


@pytest.mark.skipif(not (EVALKIT / "devset" / "bad").is_dir(), reason="evaluation kit not checked out beside the repo")
def test_evaluation_kit_bad_inputs_all_become_dead_letters(tmp_path):
    bad = EVALKIT / "devset" / "bad"
    inputs = tmp_path / "bad"
    inputs.mkdir()
    for path in bad.iterdir():
        if path.name not in ("README.md", "make_big.py"):
            (inputs / path.name).write_bytes(path.read_bytes())
    (inputs / "make_big.py").write_text((bad / "make_big.py").read_text())
    subprocess.run([sys.executable, str(inputs / "make_big.py")], check=True)
    (inputs / "make_big.py").unlink()
    output = tmp_path / "out"
    run_cli("--input", str(inputs / "*"), "--output", str(output))
    dead = avro_files.dead_letters(str(output))
    assert avro_files.stories(str(output)) == []
    assert sorted(d["source"].rsplit("/", 1)[-1] for d in dead) == sorted(p.name for p in inputs.iterdir())
    assert all(d["reason"] for d in dead)
