"""`wirestream report` on real pipeline output (the seeds, a German story and a file that is not UTF-8):
its numbers are `wirestream stats`'s, and the page draws offline in a real headless Chromium."""
import json
import os
import re
import subprocess
import sys

import pytest

from tests.browser import CHROMIUM, Chromium
from tests.conftest import REPO, SEEDS
from wirestream import read_stories
from wirestream.report import MAX_LINKS, TOP, render

# German has no model (French has, since issue 18): the story is written skipped_language
GERMAN_STORY = (b"BERLIN (dpa) - Die Bundesregierung hat am Dienstag einen Gesetzentwurf zur Rentenreform vorgestellt, "
                b"den die Gewerkschaften sofort abgelehnt haben.")
LATIN1_STORY = "MADRID (EFE) - El Gobierno aprobó la reforma el martes.".encode("latin-1")
DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def wirestream(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wirestream", *args], cwd=REPO, capture_output=True, text=True,
                          check=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """(output directory, report path, its inlined data, the run's stderr)."""
    inputs = tmp_path_factory.mktemp("inputs")
    for seed in SEEDS.iterdir():
        (inputs / seed.name).write_bytes(seed.read_bytes())
    (inputs / "german.txt").write_bytes(GERMAN_STORY)
    (inputs / "latin1.txt").write_bytes(LATIN1_STORY)
    out = tmp_path_factory.mktemp("out")
    run = wirestream("run", "--input", str(inputs / "*"), "--output", str(out))
    page = out.parent / f"{out.name}-report.html"
    printed = wirestream("report", str(out), "--output", str(page)).stdout
    assert printed == f"wirestream: report written to {page}\n"
    return out, page, json.loads(DATA.search(page.read_text(encoding="utf-8")).group(1)), run.stderr


def stats_tables(text: str) -> tuple[str, dict[str, list[list[str]]]]:
    """`wirestream stats` output: its first line, and each table's rows (cells split at 2+ spaces) by title."""
    first, *sections = text.strip().split("\n\n")
    tables = {}
    for section in sections:
        title, *lines = section.splitlines()
        tables[title.split(" (")[0]] = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]
    return first, tables


def test_the_reports_numbers_are_those_of_wirestream_stats(report):
    out, _, data, stderr = report
    first, tables = stats_tables(wirestream("stats", str(out), "--top", "100000").stdout)
    assert first == f"stories: {data['stories']}   dead letters: {data['dead_letters']}   " \
                    f"records: {data['stories'] + data['dead_letters']}"
    assert (data["stories"], data["dead_letters"]) == (7, 1)
    assert [[status, str(n)] for status, n in data["analysis"]] == tables["analysis"]
    assert dict(data["analysis"]) == {"complete": 6, "skipped_language": 1}
    assert [[label, str(n)] for label, n in data["stance_labels"]] == tables["stances by label"]
    entities = tables["top entities"]
    for key, labels in [("people", {"PERSON"}), ("organisations", {"ORG"}), ("top_places", {"GPE", "LOC", "FAC"})]:
        expected = [[text, int(n)] for text, label, n in entities if label in labels][:TOP]
        assert data[key] == expected and expected, key
    assert [[stage, reason, str(n)] for stage, reason, n in data["dead_letter_reasons"]] == \
        tables["dead letters by reason"] == [["parse", "not valid UTF-8", "1"]]
    stances = sum(int(n) for _, n in tables["stances by label"])
    assert len(data["stance_links"]) < MAX_LINKS and sum(link["stances"] for link in data["stance_links"]) == stances
    assert "inputs done" not in stderr  # no progress lines into a pipe


def test_the_report_places_datelines_and_mentions_by_their_coordinates(report):
    out, _, data, _ = report
    stories = list(read_stories(out))
    places = {p["name"]: p for p in data["places"]}
    assert (places["Moscow"]["datelined"], places["Moscow"]["geonames_id"]) == (1, 524901)
    assert places["Hanoi"]["datelined"] == 1 and places["Russia"]["mentioned"] == 2
    assert sum(p["datelined"] for p in data["places"]) == sum(bool(s.dateline and s.dateline.geonames_id)
                                                               for s in stories)
    timeline = data["timeline"]
    assert sum(n for _, n in timeline["bins"]) + timeline["undated"] == data["stories"]
    assert timeline["unit"] == "month"  # the seeds span December 2021 to May 2024


def test_the_page_is_self_contained_and_story_text_cannot_break_out_of_it(report):
    _, page, data, _ = report
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=", html, re.I)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?(?!#)", html)  # only url(#marker)
    hostile = {**data, "people": [["</script><script>alert(1)</script><!--", 1]]}
    rendered = render(hostile, "<b>title</b> & more")
    assert "alert(1)</script>" not in rendered and "<b>title" not in rendered
    assert json.loads(DATA.search(rendered).group(1))["people"] == hostile["people"]


def test_a_report_of_a_missing_directory_is_an_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "wirestream", "report", str(tmp_path / "nope"), "--output",
                          str(tmp_path / "r.html")], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 1 and "no such file or directory" in run.stderr and not (tmp_path / "r.html").exists()


@pytest.mark.skipif(not CHROMIUM and not os.environ.get("CI"), reason="needs Debian's chromium (.ci/run installs it)")
def test_the_page_draws_offline_in_headless_chromium_without_errors(report, tmp_path):
    _, page, data, _ = report
    with Chromium() as browser:
        run = browser.open(page, "document.body.dataset.drawn", tmp_path / "report.png")
    assert run.errors == [] and run.requests == []
    drawn = json.loads(run.value)
    assert drawn["countries"] == 177  # world-atlas 2.0.2's 1:110m countries
    assert drawn["places"] == sum(bool(p["datelined"]) + bool(p["mentioned"]) for p in data["places"]) > 10
    assert drawn["links"] == len(data["stance_links"]) > 0 and drawn["nodes"] > drawn["links"] / 2
    assert drawn["bars"] == len(data["timeline"]["bins"]) and drawn["people"] == len(data["people"])
    assert drawn["dead_letter_rows"] == 1
    screenshot = (tmp_path / "report.png").read_bytes()
    assert screenshot.startswith(b"\x89PNG") and len(screenshot) > 50_000
