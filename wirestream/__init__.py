"""wirestream for consumers of its output: `from wirestream import read_stories`.

    for story in read_stories("out"):          # an output directory, .avro files or globs; gs:// too
        print(story.story_id, story.dateline, [e.text for e in story.entities])

The pipeline itself lives in the subpackages `wirestream.pipeline` (launcher and graph),
`wirestream.transforms` (Beam stages; `.wire` plain wire-text logic, `.nlp` spaCy) and
`wirestream.schemas`. The reader's names are loaded on first use, so that importing a subpackage
(on a worker, or the wire-text logic alone) does not import the reader and Apache Beam with it.
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DamagedFile", "Dateline", "DeadLetter", "Entity", "Stance", "StoryRecord", "read_dead_letters", "read_stories",
    "schema_version",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("wirestream.reader"), name)
    raise AttributeError(f"module 'wirestream' has no attribute {name!r}")
