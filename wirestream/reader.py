"""Reading wirestream's Avro output without Beam: typed records, on any Beam filesystem (local, gs://, ...).

Every file is read against the current schema, so files written by an earlier version of the pipeline
come back with the fields added since at their defaults (schemas/__init__.py has the evolution policy).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import fastavro
from apache_beam.io.filesystem import BeamIOError, CompressionTypes
from apache_beam.io.filesystems import FileSystems

from wirestream.schemas import DEAD_LETTER, VERSION_KEY, WIRE_STORY, load_schema, schema_json

AVRO_SUFFIX = ".avro"
AVRO_MAGIC = b"Obj\x01"
GLOB_CHARS = "*?["
RECORD_SCHEMA_NAMES = {"WireStory": WIRE_STORY, "DeadLetter": DEAD_LETTER}
# A path, or several: read_stories("out"), read_stories("a.avro", "b.avro"), read_stories(["a", "b"]), Path too.
Paths = str | os.PathLike | Iterable["Paths"]


@dataclass(frozen=True)
class Dateline:
    raw: str
    city: str | None
    country_code: str | None
    date: datetime.date | None
    agency: str | None
    geonames_id: int | None = None  # schema v3: where the city is, when it names one place
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Entity:
    text: str
    label: str
    mentions: int
    aliases: tuple[str, ...]
    country_code: str | None
    in_headline: bool
    start: int | None
    end: int | None
    geonames_id: int | None = None  # schema v3: where a place is, when it names one country or city
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Stance:
    holder: str
    holder_label: str | None
    target: str
    target_label: str | None
    label: Literal["FAVOR", "AGAINST", "NEUTRAL"]
    evidence: str
    confidence: float


@dataclass(frozen=True)
class StoryRecord:
    """One record of `schemas/wire_story.avsc`."""

    story_id: str
    version: str | None
    source: str
    headline: str | None
    body: str
    language: str | None
    published_at: datetime.datetime | None
    dateline: Dateline | None
    entities: tuple[Entity, ...]
    analysis: str
    warnings: tuple[str, ...]
    stances: tuple[Stance, ...]
    model: str | None = None

    @classmethod
    def from_avro(cls, record: dict[str, Any]) -> StoryRecord:
        dateline = record["dateline"]
        return cls(
            **{name: record[name] for name in ("story_id", "version", "source", "headline", "body", "language",
                                                "published_at", "analysis", "model")},
            dateline=Dateline(**dateline) if dateline else None,
            entities=tuple(Entity(**{**e, "aliases": tuple(e["aliases"])}) for e in record["entities"]),
            warnings=tuple(record["warnings"]),
            stances=tuple(Stance(**{**s, "confidence": shortest_float32(s["confidence"])}) for s in record["stances"]),
        )


def shortest_float32(value: float) -> float:
    """The shortest decimal with the same 32-bit float: an Avro `float` written as 0.9 reads back as
    0.8999999761581421, which is the same number to Avro but not to `== 0.9`, jq or a reader's eye."""
    single = struct.pack("<f", value)
    for digits in range(1, 10):  # 9 significant digits always round-trip a float32
        candidate = float(f"{value:.{digits}g}")
        if struct.pack("<f", candidate) == single:
            return candidate
    return value


@dataclass(frozen=True)
class DeadLetter:
    """One record of `schemas/dead_letter.avsc`: an input that did not become a story, and why."""

    source: str
    story_id: str | None
    stage: str
    reason: str
    detail: str | None
    payload: bytes
    payload_size: int
    attributes: dict[str, str]

    @classmethod
    def from_avro(cls, record: dict[str, Any]) -> DeadLetter:
        return cls(**record)


def flatten_paths(paths: Paths) -> list[str]:
    """Every path named in `paths` as a string (Beam's filesystems take strings only)."""
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [path for item in paths for path in flatten_paths(item)]


class DamagedFile(Exception):
    """An Avro file that cannot be read to its end, or a named file that is not Avro: the message names the
    file and what is wrong. Raised after the records read before the damage."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def avro_files(paths: Paths) -> list[str]:
    """The Avro files named by `paths`, told by their content (the `Obj\\x01` magic), not their suffix: files
    (read whatever their name), globs, or output directories (searched one level down, so `out/` finds
    `out/stories/*` and `out/dead_letter/*`; the temp directory is skipped). A file found through a glob or a
    directory that is not Avro is left out, unless its name ends in `.avro` (then reading it reports it damaged).

    A glob may match nothing (an empty run), but a file or directory that does not exist is a typo: it raises
    FileNotFoundError rather than reading as no records.
    """
    found: list[str] = []
    for path in flatten_paths(paths):
        if any(char in path for char in GLOB_CHARS):
            candidates = _match(path)
        elif _is_file(path):
            found.append(path)
            continue
        else:
            candidates = [m for pattern in (FileSystems.join(path, "*"), FileSystems.join(path, "*", "*"))
                          for m in _match(pattern)]
            if not candidates and not FileSystems.exists(path):
                raise FileNotFoundError(f"no such file or directory: {path}")
        found.extend(m.path for m in candidates if "/.temp" not in m.path.replace("\\", "/")
                     and (m.path.lower().endswith(AVRO_SUFFIX) or is_avro(m.path)))
    return sorted(set(found))


def _is_file(path: str) -> bool:
    if "://" not in path:
        return os.path.isfile(path)
    return any(m.path == path for m in _match(path))


def is_avro(path: str) -> bool:
    """Whether the file starts with Avro's magic bytes (a file that cannot be opened is not)."""
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            return handle.read(len(AVRO_MAGIC)) == AVRO_MAGIC
    except (OSError, BeamIOError):
        return False


def _match(pattern: str) -> list:
    try:
        return FileSystems.match([pattern])[0].metadata_list
    except BeamIOError:
        return []


def file_kind(reader: fastavro.reader) -> str | None:
    """WIRE_STORY or DEAD_LETTER from the schema a file was written with; None for other Avro files."""
    name = reader.writer_schema.get("name", "") if isinstance(reader.writer_schema, dict) else ""
    return RECORD_SCHEMA_NAMES.get(name.rsplit(".", 1)[-1])


def read_records(paths: Paths, kind: str) -> Iterator[dict[str, Any]]:
    """Raw records of one kind (WIRE_STORY or DEAD_LETTER), resolved against the current schema.
    Paths are checked before the first record is asked for, so a typo fails at the call; a damaged file
    raises DamagedFile after its readable records."""
    return _read_files(avro_files(paths), kind)


def _read_files(files: list[str], kind: str) -> Iterator[dict[str, Any]]:
    for path in files:
        read = -1  # the header is not read yet
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                magic = handle.read(len(AVRO_MAGIC))
                if magic != AVRO_MAGIC:
                    raise DamagedFile(path, "empty file, not Avro" if not magic else "not an Avro file")
                handle.seek(0)
                if file_kind(fastavro.reader(handle)) != kind:
                    continue
                handle.seek(0)
                records = fastavro.reader(handle, reader_schema=load_schema(kind))
                read = 0
                for record in records:
                    yield record
                    read += 1
        except DamagedFile:
            raise
        except Exception as error:  # noqa: BLE001 - whatever fastavro or the filesystem raises, said once
            raise DamagedFile(path, _damage(error, read)) from error


def _damage(error: Exception, read: int) -> str:
    where = "in its header" if read < 0 else f"after {read} records"
    what = "truncated" if isinstance(error, EOFError) else f"{type(error).__name__}: {error}"
    return f"damaged Avro file, {where}: {what}"


def read_stories(*paths: Paths) -> Iterator[StoryRecord]:
    """`read_stories("out")`: every story record under the output directory (or files, or globs, or a list)."""
    return map(StoryRecord.from_avro, read_records(paths, WIRE_STORY))


def read_dead_letters(*paths: Paths) -> Iterator[DeadLetter]:
    """`read_dead_letters("out")`: every rejected input under the output directory, with its payload."""
    return map(DeadLetter.from_avro, read_records(paths, DEAD_LETTER))


def schema_version(path: str | os.PathLike) -> int | None:
    """The schema version a file records in its metadata (None: written before versions were recorded)."""
    with FileSystems.open(os.fspath(path)) as handle:
        version = fastavro.reader(handle).metadata.get(VERSION_KEY)
    return int(version) if version else None


def story_matches(story: StoryRecord, entity: str | None = None, stance: str | None = None,
                  country: str | None = None) -> bool:
    """The `wirestream read` filters: an entity whose name or an alias contains `entity` as whole words, in
    any case ("putin" finds "Vladimir Putin"), a stance label, a dateline country (ISO alpha-2)."""
    if entity:
        wanted = entity.casefold().split()
        if not any(_contains_words(name.casefold().split(), wanted)
                   for e in story.entities for name in (e.text, *e.aliases)):
            return False
    if stance and not any(s.label == stance.upper() for s in story.stances):
        return False
    return not country or bool(story.dateline and (story.dateline.country_code or "").upper() == country.upper())


def _contains_words(words: list[str], wanted: list[str]) -> bool:
    return bool(wanted) and any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def to_json_dict(record: StoryRecord | DeadLetter) -> dict[str, Any]:
    """A record as JSON-ready values: ISO dates and times; a dead letter's payload as `payload` text when it is
    UTF-8, else as `payload_base64`."""
    values = dataclasses.asdict(record)
    if isinstance(record, DeadLetter):
        payload = values.pop("payload")
        try:
            values["payload"] = payload.decode("utf-8")
        except UnicodeDecodeError:
            values["payload_base64"] = base64.b64encode(payload).decode("ascii")
    return _json_safe(values)


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def field_paths(kind: str) -> set[str]:
    """Every dotted path `--fields` accepts for a kind of record, from its schema: a typo is an error, not
    a column of nulls. A dead letter's payload is `payload` or `payload_base64` (see to_json_dict)."""
    paths = _type_paths(schema_json(kind), "")
    return paths | {"payload_base64"} if kind == DEAD_LETTER else paths


def _type_paths(avro_type: Any, prefix: str) -> set[str]:
    if isinstance(avro_type, list):
        return set().union(*(_type_paths(t, prefix) for t in avro_type))
    if isinstance(avro_type, dict) and avro_type["type"] == "array":
        return _type_paths(avro_type["items"], prefix)
    if isinstance(avro_type, dict) and avro_type["type"] == "record":
        paths: set[str] = set()
        for field in avro_type["fields"]:
            path = f"{prefix}{field['name']}"
            paths |= {path} | _type_paths(field["type"], f"{path}.")
        return paths
    return set()


def select_fields(values: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Only `fields`, as dotted paths ("dateline.city"; through a list: "entities.text" lists every text)."""
    return {path: _lookup(values, path.split(".")) for path in fields}


def _lookup(value: Any, keys: list[str]) -> Any:
    if not keys:
        return value
    if isinstance(value, list):
        return [_lookup(item, keys) for item in value]
    if isinstance(value, dict):
        return _lookup(value.get(keys[0]), keys[1:])
    return None
