"""Avro schemas of wirestream's outputs, shipped as package data so workers find them anywhere.

Evolution policy: a new version only adds fields, each with a default; no field is renamed, retyped or
removed. Readers then resolve any older file against the current schema (the new fields take their
defaults) and older readers skip the new fields. Each file records the version it was written with in
its metadata under VERSION_KEY; earlier versions are kept in `schemas/history/<name>.v<N>.avsc`.
"""
import functools
import json
from importlib import resources

import fastavro

WIRE_STORY = "wire_story"
DEAD_LETTER = "dead_letter"
VERSIONS = {WIRE_STORY: 4, DEAD_LETTER: 1}
VERSION_KEY = "wirestream.schema_version"


@functools.cache
def load_schema(name: str, version: int | None = None) -> dict:
    """The parsed schema `schemas/<name>.avsc`, or an earlier `version` from `schemas/history/`."""
    return fastavro.parse_schema(schema_json(name, version))


def schema_json(name: str, version: int | None = None) -> dict:
    """The schema as written in its .avsc file (unparsed: for comparisons and derived schemas)."""
    files = resources.files(__package__)
    if version is not None and version != VERSIONS[name]:
        files = files.joinpath("history")
        name = f"{name}.v{version}"
    return json.loads(files.joinpath(f"{name}.avsc").read_text(encoding="utf-8"))


def version_metadata(name: str) -> dict[str, str]:
    """The Avro file metadata that records which version of `name` a file was written with."""
    return {VERSION_KEY: str(VERSIONS[name])}
