"""A careless user's mistakes: one clear line on stderr and exit status 1, never a traceback nor a run on
defaults (issue 21); and output directories that never mix runs."""
import json
import os
import subprocess
import sys

import pytest

from tests import avro_files
from tests.conftest import REPO, SEEDS, needs_emulator
from wirestream.pipeline.options import UsageError, check_arguments
from wirestream.pipeline.output import LOCK_FILE, OutputError, OutputLock, check_output


def wirestream(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wirestream", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]


@pytest.mark.parametrize(("argv", "expected"), [
    (["--inptu", "seeds/*"], "unknown option --inptu (did you mean --input?)"),
    (["--outptu=o"], "unknown option --outptu"),
    (["--direct-num-workers", "2"], "did you mean --direct_num_workers?"),
    (["--input", "seeds/a.txt", "seeds/b.txt"], "unexpected argument seeds/b.txt: quote the --input glob"),
    (["--shards=-2"], "argument --shards: must be at least 1, not -2"),
    (["--window", "0"], "argument --window: must be at least 1, not 0"),
    (["--dedup_seconds", "-1"], "must be 0 or more"),
])
def test_arguments_that_no_option_takes_are_refused(argv, expected):
    with pytest.raises(UsageError) as raised:
        check_arguments(argv)
    assert expected in str(raised.value)


def test_wirestream_and_beam_options_pass():
    check_arguments(["--input", "seeds/*", "--output=o", "--max-story-bytes", "5", "--runner", "DirectRunner",
                     "--direct_num_workers=2", "--direct_running_mode", "multi_processing", "--overwrite",
                     "--project", "p", "--temp_location", "gs://b/t", "--setup_file", "./setup.py", "--streaming",
                     "--sdk_container_image", "i", "--dry_run=True", "--no_auth", "--overwrite=false"])


def test_cli_mistakes_are_one_line_and_status_1(tmp_path):
    (tmp_path / "a-file").write_text("x")
    seeds = str(SEEDS / "*")
    cases = [
        (["run", "--inptu", seeds, "--output", str(tmp_path / "o1")], "unknown option --inptu"),
        (["run", "--input", str(SEEDS / "dev-seed-000.txt"), str(SEEDS / "dev-seed-003.txt")], "quote the --input glob"),
        (["run", "--input", seeds, "--output", str(tmp_path / "a-file")], "is a file, not a directory"),
        (["run", "--input", seeds, "--output", "/proc/wirestream-out"], "cannot create --output"),
        (["run", "--input", seeds, "--output", str(tmp_path / "o2"), "--spacy_model", "en_core_web_nope"],
         "--spacy_model en_core_web_nope is not an installed spaCy pipeline package"),
        (["run", "--input", seeds, "--shards=-2"], "--shards: must be at least 1"),
        (["run", "--subscription", "projects/p/subscriptions/s", "--window", "0"], "--window: must be at least 1"),
    ]
    for argv, expected in cases:
        assert_one_line_error(wirestream(*argv), expected)
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_streaming_without_emulator_or_credentials_is_one_line(tmp_path):
    env = {"PUBSUB_EMULATOR_HOST": "", "GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "none.json"),
           "CLOUDSDK_CONFIG": str(tmp_path), "HOME": str(tmp_path), "GCE_METADATA_HOST": "127.0.0.1:9",
           "GCE_METADATA_IP": "127.0.0.1:9"}
    result = wirestream("run", "--subscription", "projects/p/subscriptions/s", "--output", str(tmp_path / "o"),
                        env=env)
    assert_one_line_error(result, "streaming from Pub/Sub needs PUBSUB_EMULATOR_HOST")
    assert "streaming into" not in result.stdout


def test_a_second_run_into_a_used_output_is_refused_unless_overwrite(tmp_path):
    output = tmp_path / "out"
    (output / "stories").mkdir(parents=True)
    (output / "stories" / "stories-00000-of-00001.avro").write_bytes(b"an earlier run")
    with pytest.raises(OutputError, match="is not empty .*--overwrite"):
        check_output(str(output), overwrite=False, streaming=False)
    check_output(str(output), overwrite=False, streaming=True)  # streaming appends window files by design
    with pytest.raises(OutputError, match="--overwrite is for batch runs"):
        check_output(str(output), overwrite=True, streaming=True)
    (output / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="files wirestream did not write .*notes.txt"):
        check_output(str(output), overwrite=True, streaming=False)
    (output / "notes.txt").unlink()
    check_output(str(output), overwrite=True, streaming=False)
    assert list(output.iterdir()) == []


def test_a_concurrent_run_is_refused_and_a_stale_lock_taken_over(tmp_path):
    output = str(tmp_path / "out")
    with OutputLock(output):
        assert (tmp_path / "out" / LOCK_FILE).exists()
        with pytest.raises(OutputError, match=f"another run is writing into --output {output} \\(pid {os.getpid()}"):
            OutputLock(output).acquire()
        assert_one_line_error(wirestream("run", "--input", str(SEEDS / "*"), "--output", output),
                              "another run is writing into --output")
    assert not (tmp_path / "out" / LOCK_FILE).exists()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / "out" / LOCK_FILE).write_text(json.dumps({"pid": int(dead.stdout), "host": os.uname().nodename}))
    with OutputLock(output) as lock:
        assert json.loads((tmp_path / "out" / LOCK_FILE).read_text())["pid"] == os.getpid() and lock.held


def test_overwrite_replaces_an_earlier_run(tmp_path):
    output = tmp_path / "out"
    first = wirestream("run", "--input", str(SEEDS / "dev-seed-000.txt"), "--output", str(output))
    assert first.returncode == 0, first.stderr
    assert_one_line_error(wirestream("run", "--input", str(SEEDS / "dev-seed-003.txt"), "--output", str(output)),
                          "is not empty")
    second = wirestream("run", "--input", str(SEEDS / "dev-seed-003.txt"), "--output", str(output), "--overwrite")
    assert second.returncode == 0, second.stderr
    assert [s["story_id"] for s in avro_files.stories(str(output))] == ["dev-seed-003"]
    assert sorted(p.name for p in output.iterdir()) == ["stories"]
    assert "orphaned" not in first.stderr + second.stderr


def test_publish_of_a_missing_or_special_path_is_one_line(tmp_path):
    os.mkfifo(tmp_path / "fifo.txt")
    topic = "projects/p/topics/t"
    assert_one_line_error(wirestream("publish", "--topic", topic, str(tmp_path / "nope.txt"),
                                     env={"PUBSUB_EMULATOR_HOST": "127.0.0.1:9"}), "no such file:", "nope.txt")
    assert_one_line_error(wirestream("publish", "--topic", topic, str(tmp_path / "fifo.txt"),
                                     env={"PUBSUB_EMULATOR_HOST": "127.0.0.1:9"}), "not a regular file:")


def test_emulator_refuses_a_name_pubsub_refuses():
    assert_one_line_error(wirestream("emulator", "--subscription", "ws"),
                          "--subscription 'ws' is not a Pub/Sub name")
    assert_one_line_error(wirestream("emulator", "--topic", "goog-x"), "--topic 'goog-x' is not a Pub/Sub name")


@needs_emulator
@pytest.mark.emulator
def test_publish_to_a_missing_topic_is_one_line(emulator):
    result = wirestream("publish", "--topic", f"projects/{emulator.project}/topics/missing",
                        str(SEEDS / "dev-seed-000.txt"), env={"PUBSUB_EMULATOR_HOST": emulator.host})
    assert_one_line_error(result, "could not publish to projects/", "/topics/missing", "Topic not found")


def test_an_output_that_cannot_be_written_is_refused():
    """/proc refuses new files even to root, as a read-only directory does to a user."""
    with pytest.raises(OutputError, match="cannot write into --output /proc: "):
        OutputLock("/proc").acquire()
