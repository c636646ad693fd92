"""Clause analysis: subject inheritance, negation, modality.

Precision first: a cue yields a triple only when its holder maps to a story entity and its target is a
concrete noun phrase or entity. Policy for negation and modality (see `Scope`):
- negated cue ("did not oppose", "did not back") -> no triple, because not opposing is not favouring;
  two exceptions, where rejection is what the negation says, give the opposite label at reduced confidence:
  the small `negation_flips` lexicon class ("would not accept X", "cannot sign X"), and support refused
  ("will not back X", "refused to support X": a modal or refuse/decline governing a negated FAVOR cue);
- epistemic hedge ("may reject", "could back") and hypothetical clauses ("if", "whether") -> no triple;
- would/will -> triple at slightly reduced confidence (a stated intention is a stance);
- must/should/ought/need to/have to -> triple only with a first-person holder ("we must reject X"):
  "Germany should back X" or "X must be approved by parliament" is a demand on the holder, not its stance;
- "did not take a position on X", "remained neutral on X", "abstained on X" -> NEUTRAL.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from wirestream.transforms.nlp.stances.index import SUBJECT_DEPS, WH_WORDS, Story, conjoined
from wirestream.transforms.nlp.stances.lexicon import StanceLexicon


@dataclass
class Scope:
    """Negation and modality of a cue's clause, gathered up its chain of governing clauses."""

    negated: bool = False
    refusal: bool = False  # the negation refuses: "will not", "refused to"
    blocked: bool = False  # hedge, hypothesis, or a negated reporting clause: no triple
    deontic: bool = False  # must/should/ought/need to/have to: an obligation, a stance only in the first person
    factor: float = 1.0


def _climb(tok: Token) -> Token | None:
    """The governing clause whose subject a subjectless clause inherits (xcomp, conj, advcl, "in V-ing")."""
    if tok.dep_ in ("xcomp", "conj", "advcl"):
        return tok.head
    if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
        return tok.head.head
    return None


def clause_subjects(scope: Token, story: Story) -> list[Token]:
    """The clause's subject, inherited from governing clauses; arcs across a paragraph break are untrusted."""
    lex = story.lex
    node = scope
    for _ in range(6):
        subj = [c for c in node.children if c.dep_ in SUBJECT_DEPS and story.same_para(c, node)]
        if subj and all(c.i in story.dateline for c in subj[:1]):
            # the parser makes the dateline a subject: "BERLIN, Dec 7 (dpa) - Bitkom warned" has two nsubj
            # arcs, "LAUSANNE, ... (UPI) -- A and B backed" makes A and B the dateline's conjuncts
            rest = [c for c in subj if c.i not in story.dateline]
            if rest:
                subj = rest
            else:
                named = [k for k in subj[0].conjuncts if k.i not in story.dateline]
                return named
        if subj:
            if subj[0].lower_ in WH_WORDS and node.dep_ == "relcl":
                return conjoined(node.head)  # "Germany, which backed the plan"
            return conjoined(subj[0])
        if node.dep_ == "relcl" and node.head.pos_ in ("NOUN", "PROPN") and node.tag_ == "VBG":
            return []
        parent = _climb(node)
        if parent is None or not story.same_para(parent, node):
            return []
        if node.dep_ == "xcomp" and (parent.lemma_ in lex.request_verbs
                                     or any(c.dep_ == "dobj" for c in parent.children)):
            return []  # "urged Germany to back X" is not Germany's stance
        node = parent
    return []


def _clause_flags(node: Token, lex: StanceLexicon, scope: Scope) -> None:
    negated = False
    for c in node.children:
        if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in ("never", "no longer")):
            scope.negated = negated = True
        elif c.dep_ in ("aux", "advmod") and c.lower_ in lex.hedges:
            scope.blocked = True
        elif c.dep_ == "aux" and c.lower_ in lex.weak_modals | {"'ll", "wo", "ca"}:
            scope.factor = min(scope.factor, 0.85)
            if c.lower_ in lex.deontic_modals:
                scope.deontic = True
        elif c.dep_ == "mark" and c.lower_ in lex.hypothetical_marks:
            scope.blocked = True
        elif c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in lex.hypothetical_marks for m in c.children):
            scope.blocked = True  # "would back X if ...": a condition, not a stance
    if negated and any(c.dep_ == "aux" and c.lower_ in lex.refusal_modals for c in node.children):
        scope.refusal = True  # "will not back X", "cannot support X"


def scope_of(cue_scope: Token, story: Story) -> Scope:
    """Negation/modality of the cue's clause and of the clauses it depends on ("refused to back",
    "did not say it opposed", "may want to back"); a conjunct shares its head's auxiliaries only if it has none."""
    lex = story.lex
    scope = Scope()
    node = cue_scope
    _clause_flags(node, lex, scope)
    for _ in range(6):
        dep, parent = node.dep_, node.head
        if not story.same_para(parent, node):
            break
        if dep == "conj":
            if not any(c.dep_ in ("aux", "neg") for c in node.children):
                _clause_flags(parent, lex, scope)
            node = parent
            continue
        if dep == "pcomp" and parent.dep_ == "prep":
            node = parent.head
            continue
        if dep not in ("xcomp", "ccomp"):
            break
        if dep == "xcomp" and parent.lemma_ in lex.negating_governors:
            scope.negated = True
            scope.refusal |= parent.lemma_ in lex.refusal_governors
        if dep == "xcomp" and node is cue_scope and parent.lemma_ in lex.deontic_governors:
            scope.deontic = True  # "needs to approve X", "has to back X"
        outer = Scope()
        _clause_flags(parent, lex, outer)
        if dep == "ccomp" and parent.lemma_ in lex.negating_governors:
            scope.blocked = True  # "denied that it opposed X"
        if outer.negated:
            if dep == "xcomp":
                scope.negated = True  # "did not agree to back X"
                scope.refusal |= outer.refusal  # "will not agree to back X"
            else:
                scope.blocked = True  # "did not say it opposed X"
        scope.blocked |= outer.blocked
        node = parent
    return scope
