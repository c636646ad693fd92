"""Progress of a local batch run: the real pipeline over the seeds, read while it runs; and the flags of
`wirestream run` on a terminal (a pseudo-terminal as stderr) and on a pipe."""
import io
import os
import pty
import re
import subprocess
import sys

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.progress import Progress, duration
from tests.conftest import REPO, SEEDS
from wirestream.pipeline.graph import build_pipeline

LINE = re.compile(r"wirestream: (\d+) of (\d+) inputs done(?: \(\d+%\), [\d.]+ inputs/s, about .+ left| in .+)?")


def test_progress_counts_inputs_done_while_the_pipeline_runs(tmp_path):
    options = PipelineOptions(["--input", str(SEEDS / "*"), "--output", str(tmp_path), "--batch_size", "1"])
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, options)
    stream = io.StringIO()  # not a terminal: one line per report
    with Progress(stream, interval=0.02):
        pipeline.run().wait_until_finish()
    lines = stream.getvalue().splitlines()
    assert all(LINE.fullmatch(line) for line in lines), lines
    done = [int(LINE.fullmatch(line).group(1)) for line in lines]
    assert done == sorted(done) and any(0 < n < 6 for n in done)  # seen between batches of one story
    assert any("inputs/s, about" in line for line in lines)
    assert re.fullmatch(r"wirestream: 6 of 6 inputs done in \d+ s", lines[-1])


def run_on_a_terminal(*flags: str, tmp_path) -> tuple[str, str]:
    """`wirestream run` on the seeds with a pseudo-terminal as stderr: (stdout, what the terminal showed)."""
    terminal, stderr = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "wirestream", "run", "--input", str(SEEDS / "*"), "--output",
                            str(tmp_path / "out"), *flags], cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, text=True)
    os.close(stderr)
    shown = b""
    while chunk := read_terminal(terminal):
        shown += chunk
    stdout = run.communicate()[0]
    os.close(terminal)
    assert run.returncode == 0
    return stdout, shown.decode()


def read_terminal(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO: the run has closed its end
        return b""


def test_a_terminal_shows_progress_unless_no_progress_and_a_pipe_does_not(tmp_path):
    stdout, shown = run_on_a_terminal(tmp_path=tmp_path)
    assert "stories written: 6" in stdout and "inputs done" not in stdout
    assert re.search(r"\rwirestream: 6 of 6 inputs done in \d+ s\x1b\[K\r?\n", shown), shown
    _, shown = run_on_a_terminal("--no-progress", tmp_path=tmp_path)
    assert "inputs done" not in shown
    piped = subprocess.run([sys.executable, "-m", "wirestream", "run", "--input", str(SEEDS / "dev-seed-000.txt"),
                            "--output", str(tmp_path / "piped")], cwd=REPO, capture_output=True, text=True, check=True)
    assert "inputs done" not in piped.stderr and "stories written: 1" in piped.stdout


def test_durations_read_as_a_person_says_them():
    assert [duration(s) for s in (0.4, 42, 185, 3725)] == ["0 s", "42 s", "3 min 05 s", "1 h 02 min"]
