"""Repeated copies of a story: one record per story version, every dropped copy counted."""
import json
import re
import subprocess
import sys

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests import avro_files
from tests.conftest import REPO, write_inputs
from wirestream.transforms.dedup import DeduplicateStories
from wirestream.transforms.wire.story import Story


def story(source: str, story_id: str, version: str | None, body: str = "Ministers backed the plan.") -> Story:
    return Story(story_id, source, body, body.encode(), version=version)


STORIES = [
    story("b.json", "urn:1", "1"), story("a.json", "urn:1", "1"), story("c.json", "urn:1", "1"),  # 3 copies
    story("d.json", "urn:1", "2", "Ministers backed the amended plan."),  # the correction: a new version
    story("e.txt", "e", None), story("e-copy.txt", "e", None),  # no version: same text, same story
    story("f.txt", "f", None, "First text."), story("f2.txt", "f", None, "Corrected text."),  # new text
]


@pytest.mark.parametrize("horizon", [None, 600], ids=["batch", "streaming"])
def test_one_story_per_version(horizon):
    with TestPipeline() as p:
        unique = p | beam.Create(STORIES) | DeduplicateStories(horizon)
        assert_that(unique | beam.Map(lambda s: (s.story_id, s.version, s.body)), equal_to([
            ("urn:1", "1", "Ministers backed the plan."), ("urn:1", "2", "Ministers backed the amended plan."),
            ("e", None, "Ministers backed the plan."), ("f", None, "First text."), ("f", None, "Corrected text."),
        ]))


def test_batch_keeps_the_copy_from_the_first_source_every_time():
    with TestPipeline() as p:
        unique = p | beam.Create(STORIES[:3]) | DeduplicateStories()
        assert_that(unique | beam.Map(lambda s: s.source), equal_to(["a.json"]))


def test_a_batch_with_repeats_accounts_for_every_input(tmp_path):
    """inputs read = stories written + dead letters written + duplicates dropped, on a real run."""
    item = {"uri": "urn:test:pact", "version": "1", "headline": "Ministers back pact",
            "body_text": "GENEVA (Reuters) - Trade ministers backed the fishing pact on Monday."}
    corrected = {**item, "version": "2", "body_text": item["body_text"].replace("Monday", "Tuesday")}
    brief = b"LIMA (AP) - Peru's congress approved the mining law on Friday."
    write_inputs(tmp_path / "in" / "monday", {
        "pact.json": json.dumps(item).encode(),
        "feed.jsonl": "\n".join(json.dumps(i) for i in (item, item, corrected)).encode(),
        "brief.txt": brief,
        "empty.txt": b"",
    })
    write_inputs(tmp_path / "in" / "tuesday", {  # a delivery repeated: the same files again
        "pact-resent.json": json.dumps(item).encode(),
        "brief.txt": brief,
    })
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "wirestream", "run", "--input", str(tmp_path / "in" / "*" / "*"),
                             "--output", str(out)], cwd=REPO, capture_output=True, text=True, check=True)
    stories = avro_files.stories(str(out))
    kept = {(s["story_id"], s["version"]): s["source"].removeprefix(str(tmp_path / "in")) for s in stories}
    assert kept == {  # of the copies, the one from the first source in sort order
        ("brief", None): "/monday/brief.txt", ("urn:test:pact", "1"): "/monday/feed.jsonl:1",
        ("urn:test:pact", "2"): "/monday/feed.jsonl:3"}
    dead_letters = avro_files.dead_letters(str(out))
    assert [d["source"].rsplit("/", 1)[-1] for d in dead_letters] == ["empty.txt"]
    counts = {name: int(n) for name, n in re.findall(
        r"(inputs read|stories written|dead letters written|duplicates dropped): (\d+)", result.stdout)}
    assert counts == {"inputs read": 8, "stories written": 3, "dead letters written": 1, "duplicates dropped": 4}
    assert counts["inputs read"] == len(stories) + len(dead_letters) + counts["duplicates dropped"]


@pytest.mark.parametrize("horizon", [None, 600], ids=["batch", "streaming"])
def test_same_id_and_version_with_other_text_is_kept_with_a_warning(horizon):
    """Two ninjs files of one name in two folders, same version, no uri: two stories, not one and a duplicate."""
    from wirestream.transforms.dedup import CONFLICT_WARNING

    stories = [story("a/x.json", "x", "1", "Ministers backed the plan."),
               story("b/x.json", "x", "1", "Unions rejected the strike."),
               story("c/x.json", "x", "1", "Unions rejected the strike.")]  # a true copy of b: dropped
    with TestPipeline() as p:
        unique = p | beam.Create(stories) | DeduplicateStories(horizon)
        def check(kept):  # streaming: whichever text came first has no warning, the other one has
            bodies = sorted(body for body, _ in kept)
            assert bodies == ["Ministers backed the plan.", "Unions rejected the strike."], kept
            warned = [warnings for _, warnings in kept]
            assert (warned == [(CONFLICT_WARNING,)] * 2 if horizon is None
                    else sorted(warned) == [(), (CONFLICT_WARNING,)]), kept

        assert_that(unique | beam.Map(lambda s: (s.body, s.warnings)), check)
