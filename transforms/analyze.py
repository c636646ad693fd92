"""NLP stage: one spaCy pass per story yields its entities and, from the same parse, its stances.

Entities and stances are two steps of logic (nlp/entities.py, nlp/stances/) but one Beam step: a spaCy
Doc is expensive to serialize, so it never crosses a Beam boundary. Like RunInference's DoFn, this one
only acquires the shared model, hands it batches and turns failures into dead letters; spaCy and the
NLP floor are imported in `setup`, on the workers, so the process that builds and launches the job never
loads them (tests/test_layout.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.utils import shared

from wirestream.transforms.limits import BATCH_SIZE, MAX_ENTITIES, MAX_STANCES, WARM_UP_STORIES
from wirestream.transforms.stage import StageFn, counter, run_stage
from wirestream.transforms.wire.story import COMPLETE, Story

if TYPE_CHECKING:
    from wirestream.transforms.nlp.model import Annotator


class AnnotateBatchFn(StageFn):
    """Runs a batch of stories through the worker's shared model; stories not in English pass through."""

    STAGE = "analyze"
    warm_up_stories = WARM_UP_STORIES

    def __init__(
        self, model_name: str, shared_model: shared.Shared, max_payload_bytes: int,
        max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES,
    ):
        super().__init__(max_payload_bytes)
        self.model_name = model_name
        self.shared_model = shared_model
        self.max_entities = max_entities
        self.max_stances = max_stances
        self.stories_annotated = counter("stories_annotated")
        self.stories_skipped = counter("stories_skipped_language")
        self._annotator: Annotator | None = None

    def setup(self) -> None:
        from wirestream.transforms.nlp.model import Annotator, load_nlp

        self._annotator = self.shared_model.acquire(
            lambda: Annotator(load_nlp(self.model_name), self.warm_up_stories), tag=self.model_name
        )

    def process(self, batch: list[Story]) -> Iterator[Story | pvalue.TaggedOutput]:
        skipped = [story for story in batch if story.analysis != COMPLETE]
        self.stories_skipped.inc(len(skipped))
        yield from skipped
        batch = [story for story in batch if story.analysis == COMPLETE]
        if not batch:
            return
        with self._annotator.session(len(batch)):
            try:
                results = list(self._annotator.annotate(batch, self.max_entities, self.max_stances))
            except Exception:  # a failure outside any one story's analysis: find the culprit story by story
                results = [self._annotate_alone(story) for story in batch]
        for story, result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                yield self.reject(story, "NLP error", repr(result))
            else:
                self.stories_annotated.inc()
                yield result

    def _annotate_alone(self, story: Story) -> Story | Exception:
        try:
            (result,) = self._annotator.annotate([story], self.max_entities, self.max_stances)
        except Exception as error:
            return error
        return result


class AnalyzeStories(beam.PTransform):
    """Story -> (stories with entities and stances, dead_letters), in batches for `nlp.pipe`."""

    def __init__(
        self, model_name: str, max_payload_bytes: int, max_batch_size: int = BATCH_SIZE,
        max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES,
    ):
        super().__init__()
        self.model_name = model_name
        self.max_payload_bytes = max_payload_bytes
        self.max_batch_size = max_batch_size
        self.max_entities = max_entities
        self.max_stances = max_stances
        self.shared_model = shared.Shared()

    def expand(self, stories):
        outputs = (
            stories
            | "Batch" >> beam.BatchElements(min_batch_size=self.max_batch_size, max_batch_size=self.max_batch_size)
            | "Annotate" >> run_stage(AnnotateBatchFn(
                self.model_name, self.shared_model, self.max_payload_bytes, self.max_entities, self.max_stances
            ))
        )
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
