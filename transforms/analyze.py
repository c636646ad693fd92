"""NLP stage: one spaCy pass per story yields its entities and, from the same parse, its stances.

Entities and stances are two steps of logic (transforms/entities.py, transforms/stances.py) but one
Beam step: a spaCy Doc is expensive to serialize, so it never crosses a Beam boundary.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import apache_beam as beam
from apache_beam.utils import shared
from spacy.language import Language
from spacy.tokens import Doc

from transforms.dead_letters import StageFn, run_stage
from transforms.entities import Entity, extract_entities
from transforms.metrics import counter
from transforms.nlp import load_nlp
from transforms.stances import Stance, extract_stances
from transforms.story import Story

HEADLINE_SEPARATOR = "\n\n"


def analysis_text(story: Story) -> tuple[str, int]:
    """The text spaCy reads (headline, blank line, body) and where the body starts in it."""
    if story.headline:
        return story.headline + HEADLINE_SEPARATOR + story.body, len(story.headline) + len(HEADLINE_SEPARATOR)
    return story.body, 0


def annotate(story: Story, doc: Doc, body_offset: int) -> Story:
    """Fills a story's entities and stances from its parsed Doc."""
    skip = None
    if story.dateline_span:
        skip = (story.dateline_span[0] + body_offset, story.dateline_span[1] + body_offset)
    entities = extract_entities(doc, body_offset=body_offset, skip=skip)
    stances = extract_stances(doc, entities)
    return story.replace(
        entities=[entity_record(entity) for entity in entities],
        stances=[stance_record(stance) for stance in stances],
    )


def entity_record(entity: Entity) -> dict[str, Any]:
    return {
        "text": entity.text,
        "label": entity.label,
        "mentions": entity.mentions,
        "aliases": list(entity.aliases),
        "country_code": entity.country_code,
        "in_headline": entity.in_headline,
        "start": entity.start,
        "end": entity.end,
    }


def stance_record(stance: Stance) -> dict[str, Any]:
    return {
        "holder": stance.holder,
        "holder_label": stance.holder_label,
        "target": stance.target,
        "target_label": stance.target_label,
        "label": stance.label,
        "evidence": stance.evidence,
        "confidence": stance.confidence,
    }


class _Model:
    """Holds the Language in a weak-referenceable box for `shared.Shared`."""

    def __init__(self, nlp: Language):
        self.nlp = nlp


class AnnotateBatchFn(StageFn):
    """Runs a batch of stories through `nlp.pipe`; the model is loaded once per worker process."""

    STAGE = "analyze"

    def __init__(self, model_name: str, shared_model: shared.Shared, max_payload_bytes: int):
        super().__init__(max_payload_bytes)
        self.model_name = model_name
        self.shared_model = shared_model
        self.stories_annotated = counter("stories_annotated")
        self._model: _Model | None = None

    def setup(self) -> None:
        self._model = self.shared_model.acquire(lambda: _Model(load_nlp(self.model_name)), tag=self.model_name)

    def process(self, batch: list[Story]) -> Iterator[Story]:
        texts = [analysis_text(story) for story in batch]
        for story, (text, body_offset), doc in zip(batch, texts, self._parse(texts)):
            try:
                if doc is None:
                    raise ValueError("spaCy could not parse the story")
                annotated = annotate(story, doc, body_offset)
            except Exception as error:  # one bad story must not fail its batch
                yield self.reject(story, "NLP error", repr(error))
                continue
            self.stories_annotated.inc()
            yield annotated

    def _parse(self, texts: list[tuple[str, int]]) -> Iterable[Doc | None]:
        """Parses the batch in one `nlp.pipe`; if that fails, story by story to isolate the culprit."""
        nlp = self._model.nlp
        try:
            return list(nlp.pipe(text for text, _ in texts))
        except Exception:
            return [self._parse_one(nlp, text) for text, _ in texts]

    @staticmethod
    def _parse_one(nlp: Language, text: str) -> Doc | None:
        try:
            return nlp(text)
        except Exception:
            return None


class AnalyzeStories(beam.PTransform):
    """Story -> (stories with entities and stances, dead_letters), in batches for `nlp.pipe`."""

    def __init__(self, model_name: str, max_payload_bytes: int, max_batch_size: int = 64):
        super().__init__()
        self.model_name = model_name
        self.max_payload_bytes = max_payload_bytes
        self.max_batch_size = max_batch_size
        self.shared_model = shared.Shared()

    def expand(self, stories):
        outputs = (
            stories
            | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=self.max_batch_size)
            | "Annotate" >> run_stage(AnnotateBatchFn(self.model_name, self.shared_model, self.max_payload_bytes))
        )
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
