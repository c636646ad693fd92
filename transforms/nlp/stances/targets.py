"""Targets: the phrase a stance is about, and one triple per (holder, label, target)."""
from __future__ import annotations

import re

from spacy.tokens import Token

from wirestream.transforms.nlp.stances.index import (
    MAX_TARGET_TOKENS,
    SUBJECT_DEPS,
    WH_WORDS,
    Story,
    misparsed_verb,
    prep_children,
)
from wirestream.transforms.wire.record import Stance

TARGET_PREPS = frozenset({"of", "on", "for", "against", "over"})
NP_LEFT_DEPS = frozenset({"compound", "amod", "nmod", "nummod", "npadvmod"})
NP_DROP_DEPS = frozenset({"det", "poss", "case", "predet", "cc", "conj", "prep", "relcl", "acl", "appos"})
TEMPORAL_PREPS = frozenset({"by", "until", "at", "during", "after", "before", "since", "within", "from"})
CLAUSE_DROP_DEPS = frozenset({"punct", "relcl", "advcl", "appos", "cc", "conj", "mark", "aux", "det", "parataxis",
                              "advmod", "npadvmod"})
MAX_CLAUSE_TOKENS = 14
DEFINITE = frozenset({"the", "this", "that", "these", "those"})
MAX_ANTECEDENT_DISTANCE = 400
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
            if objs and _temporal(prep):
                continue  # "the vote on Monday": when, not what
            if objs and objs[0].pos_ != "PRON":
                inner = _np_text(_split_misparsed_coordination(objs[0]), with_pp=False)
                if len(keep) + 1 + len(inner.split()) <= MAX_TARGET_TOKENS:
                    return _join(keep) + f" {prep.text} {inner}"
            break
    return _join(keep)


def _bare_definite(tok: Token) -> bool:
    """ "the decision", "these restrictions": a definite head noun with nothing that says which."""
    return tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in DEFINITE for c in tok.children) and not any(
        c.dep_ in NP_LEFT_DEPS or c.dep_ in ("prep", "acl", "poss") for c in tok.children)


def _antecedent(tok: Token) -> Token | None:
    """The nearest earlier mention of the same noun that says which ("the plan to close the plant")."""
    for j in range(tok.i - 1, max(-1, tok.i - MAX_ANTECEDENT_DISTANCE), -1):
        cand = tok.doc[j]
        if cand.lemma_ == tok.lemma_ and cand.pos_ == "NOUN" and not _bare_definite(cand) and any(
                c.dep_ in NP_LEFT_DEPS or c.dep_ in ("prep", "acl", "poss") for c in cand.children):
            return cand
    return None


def _temporal(prep: Token) -> bool:
    """A PP that says when or how much ("by March", "on Thursday", "for 10 years"), not what."""
    objs = [o for o in prep.children if o.dep_ == "pobj"]
    return prep.lower_ in TEMPORAL_PREPS or any(
        o.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY") or o.like_num for o in objs)


def clause_phrase(verb: Token, with_subject: bool = False) -> str:
    """What a request or obligation asks for: the verb with its particle, object (and that object's PP),
    or its first PP that says what; with its own subject for a that-clause ("the talks resume").
    No auxiliaries, adverbs, relative or adverbial clauses, appositions, or PPs of time and quantity."""
    keep = [verb]
    has_object = any(c.dep_ == "dobj" for c in verb.children)

    def add(tok: Token, depth: int) -> None:
        for c in tok.children:
            if c.dep_ in CLAUSE_DROP_DEPS or (c.dep_ == "acl" and depth > 1):
                continue
            if c.dep_ == "prep" and (_temporal(c) or (tok is verb and has_object)):
                continue
            if c.dep_ in SUBJECT_DEPS and not (with_subject and tok is verb):
                continue
            keep.append(c)
            add(c, depth + 1)

    add(verb, 0)
    toks = sorted(set(keep), key=lambda t: t.i)
    toks = [t for t in toks if t.i - verb.i < MAX_CLAUSE_TOKENS + 4 and not t.is_space][:MAX_CLAUSE_TOKENS]
    return " ".join(t.text for t in toks)


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


def target_phrase(story: Story, tok: Token, clause: str = "", inferred: bool = False) -> tuple[str, str | None] | None:
    """The text and entity label of a target token. `inferred`: the stance itself is inferred (from a request),
    so an anaphor ("to lift the restrictions") must be resolved to an antecedent that names it, or no triple."""
    if clause:
        return clause_phrase(tok, with_subject=clause == "subject"), None
    if inferred and _bare_definite(tok):
        antecedent = _antecedent(tok)
        if antecedent is None:
            return None
        tok = antecedent
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
    if tok.lower_ in story.lex.title_nouns and not any(
            t.is_title or t.is_upper for t in tok.lefts if t.dep_ in NP_LEFT_DEPS):
        return None  # "backed security chief X's plan": the title is not the target, and nor is "your excellency"
    if tok.lemma_ in story.lex.proposal_nouns:
        plans = [c for c in tok.children if c.dep_ == "acl" and c.pos_ == "VERB"
                 and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
        if plans:  # "the decision to raise port fees": what was decided
            return f"{_np_text(tok, with_pp=False)} to {clause_phrase(plans[0])}", None
    return _np_text(tok), None


def coordinated_phrase(story: Story, toks: list[Token]) -> str:
    """ "recent arrests and jailing of activists": common nouns coordinated under one cue, the later ones
    without a determiner of their own, are one target (named conjuncts stay one stance each); "" when
    `toks` are not such a coordination."""
    if len(toks) < 2 or any(t.pos_ != "NOUN" or story.ent_of.get(t.i) is not None for t in toks) or any(
            t.head is not toks[0] and t.head not in toks for t in toks[1:]) or any(
            c.dep_ in ("det", "poss") for t in toks[1:] for c in t.children):
        return ""  # "the blockade and the sanctions": each with its own determiner, two things
    texts = [_np_text(t, with_pp=False) for t in toks]
    # the shared PP hangs off the last conjunct or, as often, off the first: "arrests and detention of X"
    pp = next((full[len(bare):] for t, bare in ((toks[-1], texts[-1]), (toks[0], texts[0]))
               if (full := _np_text(t)) != bare and full.startswith(bare)), "")
    return ", ".join(texts[:-1]) + " and " + texts[-1] + pp


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
