"""Shared fixtures: the real spaCy model (loaded once per session), story files on disk, and a real
Pub/Sub emulator per streaming test."""
from __future__ import annotations

import pathlib
import shutil
import time

import pytest

from wirestream.pipeline.pubsub_emulator import EMULATOR_HOST_VARIABLE, PubsubEmulator
from wirestream.transforms.limits import DEFAULT_MODEL
from wirestream.transforms.nlp.model import load_nlp

REPO = pathlib.Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
EVALKIT = REPO.parent / "shared" / "evalkit"
EMULATOR_PROJECT = "wirestream-test"
needs_emulator = pytest.mark.skipif(not shutil.which("gcloud"), reason="needs the gcloud Pub/Sub emulator")


@pytest.fixture(scope="session")
def nlp():
    return load_nlp(DEFAULT_MODEL)


def write_inputs(directory: pathlib.Path, files: dict[str, bytes]) -> pathlib.Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_bytes(content)
    return directory


@pytest.fixture
def emulator(monkeypatch):
    """A fresh emulator on a free port, in its own process group, stopped after the test."""
    with PubsubEmulator(EMULATOR_PROJECT) as running:
        monkeypatch.setenv(EMULATOR_HOST_VARIABLE, running.host)
        yield running


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
