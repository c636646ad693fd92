"""Entities per referent from a parsed story (first version: one per distinct span text)."""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART")


@dataclass
class Entity:
    """One referent of a story; `spans` are its mentions in the Doc (not serialized)."""

    text: str
    label: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    country_code: str | None = None
    in_headline: bool = False
    start: int | None = None  # body offsets of the first mention in the body
    end: int | None = None
    spans: list[Span] = field(default_factory=list, repr=False, compare=False)


def extract_entities(doc: Doc, body_offset: int = 0, skip: tuple[int, int] | None = None) -> list[Entity]:
    """Groups the Doc's entity spans by text; spans overlapping `skip` (the dateline) are ignored."""
    by_key: dict[tuple[str, str], Entity] = {}
    for span in doc.ents:
        if span.label_ not in ENTITY_LABELS:
            continue
        if skip and span.start_char < skip[1] and span.end_char > skip[0]:
            continue
        key = (span.text, span.label_)
        entity = by_key.setdefault(key, Entity(text=span.text, label=span.label_))
        entity.mentions += 1
        entity.spans.append(span)
        if span.start_char < body_offset:
            entity.in_headline = True
        elif entity.start is None:
            entity.start = span.start_char - body_offset
            entity.end = span.end_char - body_offset
    return list(by_key.values())
