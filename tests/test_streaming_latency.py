"""Smoke test of bench/streaming_latency.py: it runs end to end with tiny N and prints its STREAMLAT line.

Asserts no timings (they depend on the machine), only that the benchmark completes and reports.
"""
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not shutil.which("gcloud"), reason="needs the gcloud Pub/Sub emulator")

STREAMLAT = re.compile(
    r"^STREAMLAT messages=2 window=2 p50_s=\S+ p95_s=\S+ max_s=\S+ missing=(\d+)$"
)


def test_streaming_latency_benchmark_prints_its_summary_line():
    completed = subprocess.run(
        [sys.executable, str(REPO / "bench" / "streaming_latency.py"), "--messages", "2", "--window", "2",
         "--rate", "5", "--heartbeat", "0.5"],
        cwd=REPO, capture_output=True, text=True, timeout=85,
    )
    lines = completed.stdout.strip().splitlines()
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    match = STREAMLAT.match(lines[-1])
    assert match, lines[-5:]
    assert match.group(1) == "0"
