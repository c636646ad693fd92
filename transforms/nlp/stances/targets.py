"""Targets: the phrase a stance is about, and one triple per (holder, label, target)."""
from __future__ import annotations

import re

from spacy.tokens import Token

from wirestream.transforms.nlp.stances.index import MAX_TARGET_TOKENS, WH_WORDS, Story, misparsed_verb, prep_children
from wirestream.transforms.wire.record import Stance

TARGET_PREPS = frozenset({"of", "on", "for", "against", "over"})
NP_LEFT_DEPS = frozenset({"compound", "amod", "nmod", "nummod", "npadvmod"})
NP_DROP_DEPS = frozenset({"det", "poss", "case", "predet", "cc", "conj", "prep", "relcl", "acl", "appos"})
STOPWORDS = frozenset("a an the of to in on for and or by with from at as its their his her this that these those "
                      "any all some new".split())


def _np_text(tok: Token, with_pp: bool = True) -> str:
    """A compact noun phrase: head with its compounds/adjectives and one short of/on/for-PP, no determiners."""
    keep: list[Token] = [tok]
    for c in tok.lefts:
        if c.dep_ in NP_LEFT_DEPS and not misparsed_verb(c):
            keep.extend(t for t in c.subtree if t.dep_ not in NP_DROP_DEPS or t is c)
    if with_pp:
        for prep in prep_children(tok, TARGET_PREPS):
            objs = [c for c in prep.children if c.dep_ == "pobj"]
            if objs and objs[0].pos_ != "PRON":
                inner = _np_text(_split_misparsed_coordination(objs[0]), with_pp=False)
                if len(keep) + 1 + len(inner.split()) <= MAX_TARGET_TOKENS:
                    return _join(keep) + f" {prep.text} {inner}"
            break
    return _join(keep)


def _split_misparsed_coordination(tok: Token) -> Token:
    """ "of sport and demonstrative boycotts" is often parsed as one noun phrase headed by "boycotts" with
    "sport" as a modifier coordinated with the adjective; the object of "of" is then the first conjunct."""
    for c in tok.lefts:
        if c.dep_ in ("nmod", "compound") and c.pos_ == "NOUN" and any(
                k.dep_ == "conj" and k.pos_ == "ADJ" for k in c.children) and any(k.dep_ == "cc" for k in c.children):
            return c
    return tok


def _join(tokens: list[Token]) -> str:
    toks = sorted(set(tokens), key=lambda t: t.i)
    return "".join(t.text_with_ws if k + 1 < len(toks) and toks[k + 1].i == t.i + 1 else t.text + " "
                   for k, t in enumerate(toks)).strip()


def target_phrase(story: Story, tok: Token) -> tuple[str, str | None] | None:
    if tok.pos_ == "PRON" or tok.lower_ in WH_WORDS or tok.like_num:
        return None
    ent = story.ent_of.get(tok.i)
    if ent is not None:
        return ent.text, ent.label
    if tok.pos_ in ("VERB", "AUX"):
        span = list(tok.subtree)
        if len(span) > MAX_TARGET_TOKENS + 1:
            objects = [c for c in tok.children if c.dep_ == "dobj"]
            return (f"{tok.text} {_np_text(objects[0])}", None) if objects else None
        return _join([t for t in span if t.dep_ not in ("det", "punct")]), None
    if tok.pos_ not in ("NOUN", "PROPN", "ADJ"):
        return None
    return _np_text(tok), None


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.casefold()) if w not in STOPWORDS}


def _same_target(a: str, b: str) -> bool:
    """Targets sharing at least half the content words of the shorter one are one target stated twice."""
    wa, wb = _content(a), _content(b)
    return bool(wa and wb) and len(wa & wb) * 2 >= min(len(wa), len(wb))


def dedupe(stances: list[Stance]) -> list[Stance]:
    kept: list[Stance] = []
    for s in stances:
        for k, other in enumerate(kept):
            if (other.holder, other.label) == (s.holder, s.label) and _same_target(other.target, s.target):
                if s.confidence > other.confidence:
                    kept[k] = s
                break
        else:
            kept.append(s)
    return kept
