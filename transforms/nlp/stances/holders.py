"""Holders: the story entity behind a holder token (names, pronouns, quote speakers, roles, groups)."""
from __future__ import annotations

import bisect

from spacy.tokens import Token

from wirestream.transforms.nlp.stances.index import (
    HOLDER_LABELS,
    SUBJECT_DEPS,
    Quote,
    Story,
    conjoined,
    pobjs,
    prep_children,
)
from wirestream.transforms.nlp.stances.scope import clause_subjects
from wirestream.transforms.wire.record import Entity

FIRST_PERSON = frozenset({"we", "i", "us", "me", "our", "my"})
PRONOUN_CLASSES = {
    "he": frozenset({"PERSON"}), "she": frozenset({"PERSON"}), "his": frozenset({"PERSON"}),
    "her": frozenset({"PERSON"}), "it": frozenset({"ORG", "GPE", "NORP"}), "its": frozenset({"ORG", "GPE", "NORP"}),
}
PLURAL_PRONOUNS = frozenset({"they", "their"})  # resolved only syntactically: too often non-entity groups
SENTENCE_END = frozenset({".", "!", "?"})


def _entity(story: Story, tok: Token) -> Entity | None:
    ent = story.ent_of.get(tok.i)
    return ent if ent is not None and ent.label in HOLDER_LABELS else None


def resolve_holder(story: Story, tok: Token, depth: int = 0) -> list[tuple[Entity, float]]:
    """Maps a holder token to story entities: the entity covering it, the speaker of a quote for we/I,
    a pronoun's antecedent, a coordinated group for "both", or the entity behind a role noun."""
    if tok.i in story.dateline:
        return []
    ent = _entity(story, tok)
    if ent is not None:
        return [(ent, 1.0)]
    lower = tok.lower_
    if lower in FIRST_PERSON:
        quote = story.quote_of(tok)
        speaker = _speaker(story, quote) if quote is not None else None
        return [(speaker, 0.9)] if speaker is not None else []
    if lower in PRONOUN_CLASSES or lower in PLURAL_PRONOUNS:
        if story.quote_of(tok) is not None:
            return []
        found = _resolve_pronoun(story, tok)
        return [(found, 0.8)] if found is not None else []
    if lower == "both" or (tok.lemma_ in story.lex.group_nouns and tok.tag_ in ("NNS", "NNPS") and any(
            c.lower_ in ("both", "two") for c in tok.children)):
        return [(e, 0.8) for e in _group(story, tok)]
    if tok.pos_ not in ("NOUN", "PROPN") or depth > 1:
        return []
    for c in tok.children:
        if c.dep_ == "appos" and (ent := _entity(story, c)) is not None:
            return [(ent, 0.95)]
    members = [e for c in prep_children(tok, frozenset({"including"})) for o in pobjs(c)
               if (e := _entity(story, o)) is not None]
    if members:
        return [(e, 0.85) for e in members]  # "several member states, including Hungary, opposed X"
    if tok.lemma_ not in story.lex.holder_roles and tok.lower_ not in story.lex.holder_roles:
        return _reporter(story, tok)
    for c in tok.children:
        if c.dep_ in ("poss", "compound"):
            found = resolve_holder(story, c, depth + 1)
            if found:
                return [(e, f * 0.9) for e, f in found]
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "of", "from", "at"):
            ents = [e for o in pobjs(c) if (e := _entity(story, o)) is not None]
            if ents:
                return [(e, 0.85) for e in ents]
    return _reporter(story, tok)


def _reporter(story: Story, tok: Token) -> list[tuple[Entity, float]]:
    """ "Mayor Carla Jennings said the city backed the event": a bare description ("the city", "the
    government") as subject of a reported clause speaks for the named entity that reports it."""
    if tok.lemma_ not in story.lex.description_nouns or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in tok.children) or tok.dep_ not in SUBJECT_DEPS:
        return []
    node = tok.head
    for _ in range(3):
        if node.dep_ == "ccomp" and node.head.lemma_ in story.lex.report_verbs:
            ents = [e for subj in clause_subjects(node.head, story) if (e := _entity(story, subj)) is not None]
            return [(ents[0], 0.8)] if ents else []
        if node.dep_ not in ("conj", "xcomp") or not story.same_para(node.head, node):
            return []
        node = node.head
    return []


def _resolve_pronoun(story: Story, tok: Token) -> Entity | None:
    """he/she/it (and possessives): the subject of the reporting verb this clause depends on
    ("Van Wyk said his government opposed ..."), else the nearest preceding compatible subject mention."""
    allowed = PRONOUN_CLASSES.get(tok.lower_, frozenset({"ORG", "GPE", "NORP"}))
    node = tok.head if tok.dep_ != "poss" else tok.head.head
    for _ in range(6):
        if node.dep_ == "ccomp" and node.head.lemma_ in story.lex.report_verbs:
            named, subj_ents = False, []
            for subj in clause_subjects(node.head, story):
                if subj.lower_ in PRONOUN_CLASSES or subj.lower_ in PLURAL_PRONOUNS:
                    continue
                named = True
                for ent, _f in resolve_holder(story, subj, depth=1):
                    if ent.label in allowed:
                        return ent
                # "The Greens party said it ...": a name modifying a generic head noun
                subj_ents += [e for c in subj.children if c.dep_ in ("compound", "appos", "flat")
                              and (e := _entity(story, c)) is not None and e.label in allowed]
            if named and subj_ents:
                return subj_ents[0]
            if named:
                # "Civil society group X said it opposed ...": the antecedent is the reporting subject even
                # when it is no (compatible) entity; an earlier subject elsewhere would be a guess
                return None
            break
        if node.head is node:
            break
        node = node.head
    if tok.lower_ in PLURAL_PRONOUNS:
        return None
    sent_start = tok.sent.start
    i = bisect.bisect_left(story.subject_mentions, tok.i, key=lambda m: m[0]) - 1
    while i >= 0:
        idx, ent = story.subject_mentions[i]
        if tok.doc[idx].sent.start < sent_start - 80:
            break  # too far back to be a safe antecedent
        if ent.label in allowed:
            return ent
        i -= 1
    return None


def _group(story: Story, tok: Token) -> list[Entity]:
    """ "both"/"the two countries": the nearest preceding coordination of entities ("Russia and China")."""
    lo = max(0, tok.sent.start - 60)
    for j in range(tok.i - 1, lo - 1, -1):
        cand = tok.doc[j]
        ent = _entity(story, cand)
        if ent is None or cand.dep_ == "conj":
            continue
        members = [e for c in conjoined(cand) if (e := _entity(story, c)) is not None]
        if len(members) >= 2 and len({e.text for e in members}) == len(members):
            return members
    return []


def _speaker(story: Story, quote: Quote) -> Entity | None:
    """The quoted speaker: a reporting verb right after the quote ("..., Putin said") or introducing it
    ("Putin said: ..."), in the same paragraph and sentence stretch; else the previous quote's speaker."""
    if quote.resolved:
        return quote.speaker
    quote.resolved = True
    best: tuple[int, Entity] | None = None
    for verb in story.speech_by_para.get(quote.para, []):
        if verb.idx >= quote.end:
            gap = story.doc.char_span(quote.end, verb.idx, alignment_mode="expand")
            dist = verb.idx - quote.end
        elif verb.idx < quote.start:
            gap = story.doc.char_span(verb.idx + len(verb), quote.start, alignment_mode="expand")
            dist = quote.start - verb.idx
        else:
            continue
        if gap is not None and any(t.text in SENTENCE_END and story.quote_of(t) is None for t in gap):
            continue
        for subj in clause_subjects(verb, story):
            found = resolve_holder(story, subj)
            if found and (best is None or dist < best[0]):
                best = (dist, found[0][0])
                break
    if best is not None:
        quote.speaker = best[1]
    else:
        earlier = [q for q in story.quotes if q.para == quote.para and q.end <= quote.start]
        quote.speaker = _speaker(story, earlier[-1]) if earlier else None
    return quote.speaker
