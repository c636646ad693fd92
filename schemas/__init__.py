"""Avro schemas of wirestream's outputs, shipped as package data so workers find them anywhere."""
import functools
import json
from importlib import resources

import fastavro

WIRE_STORY = "wire_story"
DEAD_LETTER = "dead_letter"


@functools.lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """Returns the parsed schema `schemas/<name>.avsc`."""
    text = resources.files(__package__).joinpath(f"{name}.avsc").read_text(encoding="utf-8")
    return fastavro.parse_schema(json.loads(text))
