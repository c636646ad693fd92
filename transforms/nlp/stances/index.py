"""The per-Doc index the rules look things up in (entities by token, quotes, paragraphs, the dateline)
and the small dependency-tree helpers every step shares."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.attrs import LEMMA
from spacy.tokens import Doc, Token

from wirestream.transforms.nlp.context import dateline_span, doc_text
from wirestream.transforms.nlp.entities import Referent
from wirestream.transforms.nlp.stances.lexicon import StanceLexicon
from wirestream.transforms.wire.record import Entity

HOLDER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
WH_WORDS = frozenset({"that", "which", "who", "whom", "what"})
SUBJECT_DEPS = ("nsubj", "nsubjpass")
QUOTE_MARKS = re.compile("[\"“”'‘’]")
MAX_TARGET_TOKENS = 9


@dataclass
class Quote:
    start: int
    end: int
    para: int
    speaker: Entity | None = None
    resolved: bool = False


@dataclass
class Story:
    """Per-Doc indexes (entities by token, quotes, paragraphs) so each rule is a lookup, not a scan."""

    doc: Doc
    lex: StanceLexicon
    text: str = ""
    ent_of: dict[int, Entity] = field(default_factory=dict)
    quotes: list[Quote] = field(default_factory=list)
    quote_starts: list[int] = field(default_factory=list)
    para_starts: list[int] = field(default_factory=list)
    subject_mentions: list[tuple[int, Entity]] = field(default_factory=list)
    speech_by_para: dict[int, list[Token]] = field(default_factory=dict)
    dateline: set[int] = field(default_factory=set)
    by_name: dict[str, Entity] = field(default_factory=dict)  # casefolded entity text -> entity

    @classmethod
    def build(cls, doc: Doc, referents: list[Referent], lex: StanceLexicon) -> Story:
        story = cls(doc, lex)
        for ent, spans in referents:
            story.by_name.setdefault(ent.text.casefold(), ent)
            for span in spans:
                if span.doc is doc:
                    for i in range(span.start, span.end):
                        story.ent_of.setdefault(i, ent)
        text = story.text = doc_text(doc)
        story.para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
        story.quotes = _find_quotes(text, story.para_starts)
        story.quote_starts = [q.start for q in story.quotes]
        story.dateline = _dateline_tokens(doc)
        for i in sorted(story.ent_of):
            tok, ent = doc[i], story.ent_of[i]
            if ent.label in HOLDER_LABELS and story.quote_of(tok) is None and _is_subject_mention(tok):
                story.subject_mentions.append((i, ent))
        lemmas = doc.to_array(LEMMA).tolist() if len(doc) else []
        for i in [i for i, lemma in enumerate(lemmas) if lemma in lex.speech_lemmas]:
            tok = doc[i]
            if tok.pos_ == "VERB" and story.quote_of(tok) is None:
                story.speech_by_para.setdefault(story.para_of(tok.idx), []).append(tok)
        return story

    def same_para(self, a: Token, b: Token) -> bool:
        return self.para_of(a.idx) == self.para_of(b.idx)

    def para_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1

    def quote_of(self, tok: Token) -> Quote | None:
        i = bisect.bisect_right(self.quote_starts, tok.idx) - 1
        if i >= 0 and self.quotes[i].start <= tok.idx < self.quotes[i].end:
            return self.quotes[i]
        return None


def _find_quotes(text: str, para_starts: list[int]) -> list[Quote]:
    """Quoted stretches per paragraph: straight or curly double quotes, and single quotes used as quotes.

    An unclosed quote ends with its paragraph (wire style reopens quotes in each paragraph)."""
    quotes: list[Quote] = []
    bounds = para_starts + [len(text)]
    for para, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
        open_at: int | None = None
        single = False
        for mark in QUOTE_MARKS.finditer(text, lo, hi):
            i, c = mark.start(), mark.group()
            prev = text[i - 1] if i > lo else " "
            nxt = text[i + 1] if i + 1 < hi else " "
            if open_at is None:
                if c in "\"“":
                    open_at, single = i, False
                elif c in "'‘" and (prev.isspace() or prev in "(—-") and nxt.isalnum():
                    open_at, single = i, True
            elif not single and c in "\"”":
                quotes.append(Quote(open_at, i + 1, para))
                open_at = None
            elif single and c in "'’" and prev in ",.!?…" and (nxt.isspace() or nxt in ",.;:)"):
                quotes.append(Quote(open_at, i + 1, para))
                open_at = None
        if open_at is not None:
            quotes.append(Quote(open_at, hi, para))
    return quotes


def _dateline_tokens(doc: Doc) -> set[int]:
    """Tokens of the story's dateline ("NAIROBI, Kenya (AFP) -"), as wire/dateline.py found it: the parser
    often makes the city the subject of the first sentence, and a dateline never holds a stance."""
    chars = dateline_span(doc)
    span = doc.char_span(*chars, alignment_mode="contract") if chars is not None else None
    return set(range(span.start, span.end)) if span is not None else set()


def _is_subject_mention(tok: Token) -> bool:
    """A mention in subject position (directly, or as the name in apposition/compound to the subject)."""
    node = tok
    while node.dep_ in ("compound", "flat") and node.head is not node:
        node = node.head
    if node.dep_ == "appos":
        node = node.head
    return node.dep_ in SUBJECT_DEPS


# --- dependency-tree helpers -----------------------------------------------------------------------------


def conjoined(tok: Token) -> list[Token]:
    return [tok, *tok.conjuncts] if tok.dep_ != "conj" else [tok]


def pobjs(prep: Token) -> list[Token]:
    """Objects of a preposition with their conjuncts, or its clausal complement."""
    for c in prep.children:
        if c.dep_ == "pobj":
            return conjoined(c)
    return [c for c in prep.children if c.dep_ == "pcomp"][:1]


def prep_children(tok: Token, preps: frozenset[str]) -> list[Token]:
    return [c for c in tok.children if c.dep_ == "prep" and c.lower_ in preps]


def is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def agents_of(tok: Token) -> list[Token]:
    return [o for c in tok.children if c.dep_ == "agent" for o in pobjs(c)]


def misparsed_verb(tok: Token) -> bool:
    """ "supported X but opposed Y" is often parsed with "opposed" as an adjective of Y and Y as a conjunct
    of "supported": a verb-tagged modifier right after the conjunction is the second verb."""
    return (tok.dep_ == "amod" and tok.pos_ == "VERB" and tok.i > 0 and tok.doc[tok.i - 1].dep_ == "cc"
            and tok.head.dep_ == "conj" and tok.head.head.pos_ in ("VERB", "AUX"))
