"""Shared fixtures: the real spaCy model (loaded once per session) and story files on disk."""
from __future__ import annotations

import pathlib

import pytest

from transforms.nlp import DEFAULT_MODEL, load_nlp

REPO = pathlib.Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
EVALKIT = REPO.parent / "shared" / "evalkit"


@pytest.fixture(scope="session")
def nlp():
    return load_nlp(DEFAULT_MODEL)


def write_inputs(directory: pathlib.Path, files: dict[str, bytes]) -> pathlib.Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_bytes(content)
    return directory
