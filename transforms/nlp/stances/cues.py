"""Cues: where the parse states a stance (verbs, nouns, adjectives, prepositions, neutrality)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Token

from wirestream.transforms.nlp.stances.index import (
    MAX_TARGET_TOKENS,
    SUBJECT_DEPS,
    WH_WORDS,
    Story,
    agents_of,
    conjoined,
    is_passive,
    misparsed_verb,
    pobjs,
    prep_children,
)
from wirestream.transforms.nlp.stances.lexicon import FAVOR, NEUTRAL, StanceLexicon
from wirestream.transforms.nlp.stances.scope import clause_subjects


@dataclass
class Cue:
    """A stance predicate found in the parse: `scope` carries the clause (subject, negation, modality)."""

    label: str
    weight: float
    scope: Token
    targets: list[Token]
    holders: list[Token] | None = None  # explicit holders (agent, possessor); None: the scope's subject
    lemma: str = ""
    neutral_if_negated: bool = False
    evidence_tok: Token | None = None


def cue_candidates(doc: Doc, lex: StanceLexicon) -> list[int]:
    """Indexes of the tokens whose lemma or lower-cased form is in the lexicon, in document order."""
    if not len(doc):
        return []
    forms = doc.to_array([LEMMA, LOWER]).tolist()
    return [i for i, (lemma, lower) in enumerate(forms) if lemma in lex.cue_lemmas or lower in lex.cue_lowers]


def find_cues(tok: Token, story: Story) -> list[Cue]:
    lex = story.lex
    cues: list[Cue] = []
    lemma, lower = tok.lemma_, tok.lower_
    if lower in lex.adjectives and tok.dep_ in ("acomp", "oprd") or (
            lower in lex.adjectives and tok.pos_ == "VERB" and is_passive(tok) and not agents_of(tok)):
        label, preps = lex.adjectives[lower]
        scope = tok.head if tok.dep_ in ("acomp", "oprd") else tok
        for prep in prep_children(tok, preps):
            cues.append(Cue(label, 0.85, scope, pobjs(prep), lemma=lower, evidence_tok=tok))
        return cues
    if tok.pos_ == "VERB" and (lemma in lex.verbs or lemma in lex.negation_flips):
        cues.extend(_verb_cues(tok, story))
    if tok.dep_ == "prep" and (label := lex.verb_preps.get(lower, {}).get(tok.head.lemma_)):
        cues.append(Cue(label, 0.85, tok.head, pobjs(tok), lemma=tok.head.lemma_, evidence_tok=tok))
    if tok.pos_ in ("NOUN", "PROPN") and lemma in lex.nouns:
        cues.extend(_noun_cues(tok, story))
    if tok.dep_ == "pobj" and lemma in lex.in_phrases and tok.head.lower_ == "in" and tok.head.head.pos_ in ("VERB", "AUX"):
        for prep in prep_children(tok, frozenset({"of"})):
            cues.append(Cue(lex.in_phrases[lemma], 0.85, tok.head.head, pobjs(prep), evidence_tok=tok))
    cues.extend(_neutral_cues(tok, lex))
    return cues


def _verb_cues(tok: Token, story: Story) -> list[Cue]:
    lex = story.lex
    # flip-only verbs ("sign") carry no label of their own: they count only when negated
    label, weight = lex.verbs.get(tok.lemma_, ""), lex.verb_weights.get(tok.lemma_, 0.9)
    if misparsed_verb(tok):
        return [Cue(label, weight, tok.head.head, [tok.head], lemma=tok.lemma_)] if label else []
    antecedent = tok.head if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN") else None
    if is_passive(tok) or (tok.dep_ == "acl" and tok.tag_ == "VBN"):
        agents = agents_of(tok)
        if not agents:
            return []  # "the motion was rejected 52-48": nobody holds the stance
        subjects = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if subjects and subjects[0].lower_ not in WH_WORDS:
            targets = conjoined(subjects[0])
        elif antecedent is not None:
            targets = [antecedent]
        else:
            return []
        return [Cue(label, weight, tok, targets, holders=agents, lemma=tok.lemma_)]
    objects = [c for c in tok.children if c.dep_ == "dobj" and story.same_para(c, tok)]
    if objects and objects[0].lower_ not in WH_WORDS:
        targets = conjoined(objects[0])
    elif (orphan := _orphan_object(tok, story)) is not None:
        targets = [orphan]
    elif antecedent is not None and not any(c.dep_ == "nsubj" and c.lower_ in WH_WORDS for c in tok.children):
        targets = [antecedent]  # "a move that Germany backed"
    else:
        return []
    return [Cue(label, weight, tok, targets, lemma=tok.lemma_)]


def _orphan_object(verb: Token, story: Story) -> Token | None:
    """The object the parser attached across a paragraph break: without preset paragraph boundaries a
    headline's last noun phrase ("... in rejecting [EU budget cuts]") hangs off the body's first sentence.
    Taken only if the rest of the verb's paragraph is a short run ending in a noun that attaches nowhere
    before the verb, and part of it attaches across the break."""
    run = []
    for tok in verb.doc[verb.i + 1:verb.i + MAX_TARGET_TOKENS + 2]:
        if not story.same_para(tok, verb) or tok.is_space:
            break
        run.append(tok)
    if not run or len(run) > MAX_TARGET_TOKENS or run[-1].pos_ not in ("NOUN", "PROPN"):
        return None
    inside = {t.i for t in run}
    crossing = False
    for tok in run:
        if tok.head.i in inside:
            continue
        if story.same_para(tok.head, verb):
            return None
        crossing = True
    return run[-1] if crossing else None


def _noun_cues(tok: Token, story: Story) -> list[Cue]:
    """ "X's support for Y", "X voiced objections to Y": the holder is the possessor or the light verb's subject;
    "Y has the backing of X": the holder is the object of "of", the target the subject."""
    lex = story.lex
    label, preps = lex.nouns[tok.lemma_]
    if label == FAVOR and tok.dep_ == "dobj" and tok.head.lemma_ in lex.acquiring_verbs:
        holders = [o for prep in prep_children(tok, frozenset({"of", "from"})) for o in pobjs(prep)]
        targets = [_named_appositive(story, s) for s in clause_subjects(tok.head, story)]
        return [Cue(label, 0.8, tok.head, targets, holders=holders, evidence_tok=tok)] if holders and targets else []
    targets = [o for prep in prep_children(tok, preps) for o in pobjs(prep)]
    if not targets:
        return []
    possessors = [c for c in tok.children if c.dep_ == "poss"]
    if possessors:
        return [Cue(label, 0.8, tok.head if tok.dep_ in SUBJECT_DEPS else tok, targets,
                     holders=conjoined(possessors[0]), evidence_tok=tok)]
    if tok.dep_ == "dobj" and tok.head.lemma_ in lex.light_verbs:
        return [Cue(label, 0.85, tok.head, targets, evidence_tok=tok)]
    return []


def _named_appositive(story: Story, tok: Token) -> Token:
    """ "Bell's main rival, Renee Fowler, ...": the name in apposition stands for the description."""
    if story.ent_of.get(tok.i) is None:
        for c in tok.children:
            if c.dep_ == "appos" and story.ent_of.get(c.i) is not None:
                return c
    return tok


def _neutral_cues(tok: Token, lex: StanceLexicon) -> list[Cue]:
    """Only explicit statements of neutrality: "neutral on", "abstained on", "took no position on"."""
    if tok.lower_ in lex.neutral_adjectives and tok.dep_ == "acomp":
        preps = lex.neutral_adjectives[tok.lower_]
        return [Cue(NEUTRAL, 0.8, tok.head, pobjs(p), evidence_tok=tok) for p in prep_children(tok, preps)]
    if tok.pos_ == "VERB" and tok.lemma_ in lex.neutral_verbs:
        preps = lex.neutral_verbs[tok.lemma_]
        return [Cue(NEUTRAL, 0.8, tok, pobjs(p)) for p in prep_children(tok, preps)]
    if tok.lemma_ in lex.position_nouns and tok.dep_ == "dobj" and tok.head.lemma_ in lex.position_verbs:
        verb = tok.head
        targets = [o for p in prep_children(tok, frozenset({"on"})) + prep_children(verb, frozenset({"on"}))
                   for o in pobjs(p)]
        if any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
            return [Cue(NEUTRAL, 0.8, verb, targets, evidence_tok=tok)]
        return [Cue(NEUTRAL, 0.8, verb, targets, neutral_if_negated=True, evidence_tok=tok)]
    return []
