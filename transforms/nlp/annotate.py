"""A story and its parsed Doc -> the story with its entities and stances: what the NLP step adds."""
from __future__ import annotations

from spacy.tokens import Doc

from wirestream.transforms.limits import MAX_ENTITIES, MAX_STANCES
from wirestream.transforms.nlp.entities import extract_entities
from wirestream.transforms.nlp.stances import extract_stances
from wirestream.transforms.wire.story import Story

HEADLINE_SEPARATOR = "\n\n"


def analysis_text(story: Story) -> tuple[str, int]:
    """The text spaCy reads (headline, blank line, body) and where the body starts in it."""
    if story.headline:
        return story.headline + HEADLINE_SEPARATOR + story.body, len(story.headline) + len(HEADLINE_SEPARATOR)
    return story.body, 0


def doc_dateline(story: Story, body_offset: int) -> tuple[int, int] | None:
    """The story's dateline span in the text spaCy reads (body offsets moved past the headline)."""
    if story.dateline_span is None:
        return None
    start, end = story.dateline_span
    return start + body_offset, end + body_offset


def annotate(
    story: Story, doc: Doc, body_offset: int, max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES
) -> Story:
    """Fills a story's entities and stances from its parsed Doc; beyond the limits, the first ones in
    document order are kept and a warning says how many there were."""
    referents = extract_entities(doc, body_offset=body_offset, skip=doc_dateline(story, body_offset))
    stances = extract_stances(doc, referents)
    warnings = list(story.warnings)
    for name, found, limit in (("entities", referents, max_entities), ("stances", stances, max_stances)):
        if len(found) > limit:
            warnings.append(f"{name} truncated at {limit} of {len(found)}")
    return story.replace(
        entities=tuple(referent.entity for referent in referents[:max_entities]),
        stances=tuple(stances[:max_stances]),
        warnings=tuple(warnings),
    )
