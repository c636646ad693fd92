"""Input is data only: ids, attributes and ninjs fields never reach a path, a command or an evaluator."""
import json
import pathlib
import re
import subprocess
import sys

from tests import avro_files
from tests.conftest import REPO, write_inputs

TRAVERSAL = "../../../../tmp/wirestream-escape"


def test_ids_that_look_like_paths_stay_inside_the_records(tmp_path):
    inputs = write_inputs(tmp_path / "in", {
        "a.json": json.dumps({"uri": TRAVERSAL, "headline": "Ministers back pact",
                              "body_text": "GENEVA (Reuters) - Ministers backed the pact on Monday.",
                              "located": "/etc/passwd", "version": "../x"}).encode(),
        "b.json": json.dumps({"uri": "/etc/passwd", "body_text": ""}).encode(),
    })
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "wirestream", "run", "--input", str(inputs / "*"), "--output", str(out)],
                   cwd=REPO, capture_output=True, text=True, check=True)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert all(re.fullmatch(r"(stories/stories|dead_letter/dead_letter)-\d{5}-of-\d{5}\.avro", p) for p in written)
    assert not pathlib.Path("/tmp/wirestream-escape").exists()
    [story] = avro_files.stories(str(out))
    [dead] = avro_files.dead_letters(str(out))
    assert story["story_id"] == TRAVERSAL and story["version"] == "../x"
    assert dead["story_id"] is None and dead["source"].endswith("b.json")


def test_no_code_path_evaluates_or_unpickles_input():
    """pickle, eval and exec stay out of the code that handles stories (Beam pickles DoFns, not inputs)."""
    sources = [p for d in ("pipeline", "transforms", "schemas", "wirestream") for p in (REPO / d).rglob("*.py")]
    assert sources
    for path in sources:
        text = path.read_text()
        assert not re.search(r"\b(pickle|marshal|shelve)\b|\beval\(|\bexec\(|yaml\.load\(", text), path
