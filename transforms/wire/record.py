"""What a story's analysis adds to it, and the one place a story becomes its Avro record.

The stages emit these dataclasses (and `Story`, `Dateline`); `story_record` reads the fields the schema
names from them, so the `.avsc` is the one definition of the record's shape: a field added to the schema
and to the dataclass is written, and a schema field no dataclass has fails at once, not in a consumer.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from wirestream.schemas import WIRE_STORY, schema_json

if TYPE_CHECKING:
    from wirestream.transforms.wire.story import Story


@dataclass(frozen=True)
class Entity:
    """One referent of a story: its canonical name, label, other names and first body mention."""

    text: str
    label: str
    aliases: tuple[str, ...] = ()
    mentions: int = 0
    country_code: str | None = None
    in_headline: bool = False
    start: int | None = None  # body offsets of the first mention in the body
    end: int | None = None
    geonames_id: int | None = None  # a place's GeoNames id and coordinates, when it resolves to one place
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Stance:
    """One holder's stated position on one target, with the sentence that states it."""

    holder: str
    holder_label: str | None
    target: str
    target_label: str | None
    label: str
    evidence: str
    confidence: float


@cache
def _story_schema() -> dict:
    return schema_json(WIRE_STORY)


def story_record(story: Story) -> dict[str, Any]:
    """The story as a `schemas/wire_story.avsc` record."""
    return to_avro(story, _story_schema())


def to_avro(value: Any, avro_type: Any) -> Any:
    """`value` as fastavro writes `avro_type`: records from the attributes of the same names, arrays as
    lists, unions by their one non-null branch; anything else as it is."""
    if value is None:
        return None
    if isinstance(avro_type, list):
        (branch,) = [member for member in avro_type if member != "null"]
        return to_avro(value, branch)
    if isinstance(avro_type, dict):
        kind = avro_type["type"]
        if kind == "record":
            return {field["name"]: to_avro(getattr(value, field["name"]), field["type"])
                    for field in avro_type["fields"]}
        if kind == "array":
            return [to_avro(item, avro_type["items"]) for item in value]
        if kind == "map":
            return {key: to_avro(item, avro_type["values"]) for key, item in value.items()}
    return value
