"""Reads wirestream's Avro output back with fastavro, as a downstream consumer would."""
from __future__ import annotations

import glob
import os

import fastavro


def read_records(pattern: str) -> list[dict]:
    records = []
    for path in sorted(glob.glob(pattern, recursive=True)):
        with open(path, "rb") as handle:
            records.extend(fastavro.reader(handle))
    return records


def stories(output: str) -> list[dict]:
    return read_records(os.path.join(output, "stories", "*.avro"))


def dead_letters(output: str) -> list[dict]:
    return read_records(os.path.join(output, "dead_letter", "*.avro"))
