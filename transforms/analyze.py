"""NLP stage: one spaCy pass per story yields its entities and, from the same parse, its stances.

Each story is read by its language's model (English, French: `--spacy_model`, `--spacy_model_fr`), each
loaded once per worker and only when a story in that language arrives. Entities and stances are two steps of logic (nlp/entities.py, nlp/stances/) but one Beam step: a spaCy
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

from wirestream.transforms.limits import (
    BATCH_SIZE,
    DEFAULT_MODEL_FR,
    ENGLISH,
    FRENCH,
    MAX_ENTITIES,
    MAX_STANCES,
    WARM_UP_STORIES,
)
from wirestream.transforms.stage import StageFn, counter, run_stage
from wirestream.transforms.wire.story import COMPLETE, SKIPPED_LANGUAGE, Story

if TYPE_CHECKING:
    from wirestream.transforms.nlp.model import Annotator


class AnnotateBatchFn(StageFn):
    """Runs a batch of stories through the worker's shared models, each story through its language's
    (`Story.nlp_language`); stories in a language without a model pass through.

    The English model is acquired in `setup`, as before; another language's only when the first story in
    that language arrives, so an English-only feed never loads it. Each is held in its own
    `apache_beam.utils.shared.Shared`, so a worker process loads each model once, whatever its threads."""

    STAGE = "analyze"
    warm_up_stories = WARM_UP_STORIES

    def __init__(
        self, model_name: str, shared_model: shared.Shared, max_payload_bytes: int,
        max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES,
        models: dict[str, str] | None = None, shared_models: dict[str, shared.Shared] | None = None,
    ):
        super().__init__(max_payload_bytes)
        self.model_name = model_name
        self.shared_model = shared_model
        # language -> model package, and the Shared handle that keeps it loaded once per worker
        self.model_names = {ENGLISH: model_name, **(models or {})}
        self.shared_models = {ENGLISH: shared_model, **(shared_models or {})}
        for language in self.model_names:
            self.shared_models.setdefault(language, shared.Shared())
        self.max_entities = max_entities
        self.max_stances = max_stances
        self.stories_annotated = counter("stories_annotated")
        self.stories_skipped = counter("stories_skipped_language")
        self._annotator: Annotator | None = None  # English, acquired in setup
        self._annotators: dict[str, Annotator] = {}  # the other languages, as their stories arrive

    def setup(self) -> None:
        self._annotator = self._annotator_for(ENGLISH)

    def _annotator_for(self, language: str) -> Annotator:
        """The worker's model for `language`, loaded on first use (once per process, through Shared)."""
        annotator = self._annotator if language == ENGLISH else self._annotators.get(language)
        if annotator is None:
            from wirestream.transforms.nlp.model import Annotator, load_nlp

            name = self.model_names[language]
            annotator = self.shared_models[language].acquire(
                lambda: Annotator(load_nlp(name), self.warm_up_stories), tag=name
            )
            if language != ENGLISH:
                self._annotators[language] = annotator
        return annotator

    @property
    def loaded_languages(self) -> list[str]:
        """The languages whose model this DoFn has acquired so far."""
        return sorted([*([ENGLISH] if self._annotator is not None else []), *self._annotators])

    def process(self, batch: list[Story]) -> Iterator[Story | pvalue.TaggedOutput]:
        skipped = [story for story in batch if story.analysis != COMPLETE or story.nlp_language not in self.model_names]
        self.stories_skipped.inc(len(skipped))
        yield from (story if story.analysis != COMPLETE else story.replace(analysis=SKIPPED_LANGUAGE) for story in skipped)
        by_language: dict[str, list[Story]] = {}
        for story in batch:
            if story.analysis == COMPLETE and story.nlp_language in self.model_names:
                by_language.setdefault(story.nlp_language, []).append(story)
        for language, stories in by_language.items():
            yield from self._annotate_batch(self._annotator_for(language), stories)

    def _annotate_batch(self, annotator: Annotator, batch: list[Story]) -> Iterator[Story | pvalue.TaggedOutput]:
        with annotator.session(len(batch)):
            try:
                results = list(annotator.annotate(batch, self.max_entities, self.max_stances))
            except Exception:  # a failure outside any one story's analysis: find the culprit story by story
                results = [self._annotate_alone(annotator, story) for story in batch]
        for story, result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                yield self.reject(story, "NLP error", repr(result))
            else:
                self.stories_annotated.inc()
                yield result

    def _annotate_alone(self, annotator: Annotator, story: Story) -> Story | Exception:
        try:
            (result,) = annotator.annotate([story], self.max_entities, self.max_stances)
        except Exception as error:
            return error
        return result


class AnalyzeStories(beam.PTransform):
    """Story -> (stories with entities and stances, dead_letters), in batches for `nlp.pipe`."""

    def __init__(
        self, model_name: str, max_payload_bytes: int, max_batch_size: int = BATCH_SIZE,
        max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES, models: dict[str, str] | None = None,
    ):
        super().__init__()
        self.model_name = model_name
        self.models = {FRENCH: DEFAULT_MODEL_FR} if models is None else dict(models)
        self.max_payload_bytes = max_payload_bytes
        self.max_batch_size = max_batch_size
        self.max_entities = max_entities
        self.max_stances = max_stances
        self.shared_model = shared.Shared()
        self.shared_models = {language: shared.Shared() for language in self.models}

    def expand(self, stories):
        outputs = (
            stories
            | "Batch" >> beam.BatchElements(min_batch_size=self.max_batch_size, max_batch_size=self.max_batch_size)
            | "Annotate" >> run_stage(AnnotateBatchFn(
                self.model_name, self.shared_model, self.max_payload_bytes, self.max_entities, self.max_stances,
                self.models, self.shared_models,
            ))
        )
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
