"""Stance triples (holder FOR/AGAINST target) from a parsed story, by rules over spaCy's dependency parse.

Precision first: a cue yields a triple only when its holder maps to a story entity and its target is a
concrete noun phrase or entity. The steps, one module each: `cues` (where the parse states a stance),
`scope` (subject, negation, modality: the policy is in its docstring), `holders`, `targets`; `index` is the
per-Doc index they look things up in, `lexicon` the word lists.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from wirestream.transforms.nlp import languages
from wirestream.transforms.nlp.entities import Referent
from wirestream.transforms.nlp.stances.cues import Cue, cue_candidates, find_cues
from wirestream.transforms.nlp.stances.holders import FIRST_PERSON, country_of_capital, resolve_holder
from wirestream.transforms.nlp.stances.index import Story
from wirestream.transforms.nlp.stances.lexicon import AGAINST, FAVOR, NEUTRAL, StanceLexicon, load_lexicon
from wirestream.transforms.nlp.stances.scope import clause_subjects, scope_of
from wirestream.transforms.nlp.stances.targets import coordinated_phrase, dedupe, target_phrase
from wirestream.transforms.nlp.stances.ud import extract_ud_stances
from wirestream.transforms.wire.record import Stance

__all__ = ["AGAINST", "FAVOR", "NEUTRAL", "StanceLexicon", "extract_stances", "load_lexicon"]
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def extract_stances(doc: Doc, referents: list[Referent]) -> list[Stance]:
    """All stance triples of the story, each (holder, label, target) once with its strongest evidence.
    A model whose parser uses Universal Dependencies (nlp/data/languages.json: "stance_rules": "ud") gets
    the rules of `ud`, with its language's lexicon."""
    settings = languages.config(doc.lang_)
    if settings.get("stance_rules") == "ud":
        return extract_ud_stances(doc, referents, settings["stance_lexicon"])
    lex = load_lexicon()
    story = Story.build(doc, referents, lex)
    found: list[Stance] = []
    for i in cue_candidates(doc, lex):
        for cue in find_cues(doc[i], story):
            found.extend(_realise(cue, story))
    return dedupe(found)


def _realise(cue: Cue, story: Story) -> list[Stance]:
    lex = story.lex
    scope = scope_of(cue.scope, story)
    label, factor = cue.label, scope.factor
    if scope.blocked:
        return []
    if scope.negated:
        if cue.neutral_if_negated:
            label = NEUTRAL
        elif cue.lemma in lex.negation_flips:
            label, factor = lex.negation_flips[cue.lemma], factor * 0.7
        elif scope.refusal and label == FAVOR:
            label, factor = AGAINST, factor * 0.7
        else:
            return []
    elif cue.neutral_if_negated or not label:
        return []  # "took a position on X" says nothing about which; "signed X" is not lexicon-polar
    if any(c.dep_ == "advmod" and c.lower_ in lex.intensifiers for c in cue.scope.children):
        factor *= 1.1  # "strongly backs": the stronger statement of a repeated stance wins the dedupe
    sentence = (cue.evidence_tok or cue.scope).sent
    if cue.lemma in lex.no_place_target and any(
            t.lower_ in lex.violence_context or t.lemma_.casefold() in lex.violence_context for t in sentence):
        return []  # "Russia attacked energy infrastructure", "troops fought rebels": force, not a position
    holder_toks = cue.holders if cue.holders is not None else clause_subjects(cue.scope, story)
    if scope.deontic and not any(t.lower_ in FIRST_PERSON for t in holder_toks):
        return []  # "Germany should back the plan", "must be approved by parliament": a demand on, not of, X
    holders = [(country, f * 0.95) if (country := country_of_capital(story, e)) is not None else (e, f)
               for t in holder_toks for e, f in resolve_holder(story, t)]
    if not holders:
        return []
    adjudicating = any(_is_adjudicator(t, lex) for t in holder_toks) or any(
        e.text.split()[-1].casefold() in lex.adjudicators for e, _f in holders)
    evidence = story.text[sentence.start_char:sentence.end_char].strip()
    out: list[Stance] = []
    coordinated = not cue.clause and coordinated_phrase(story, cue.targets)
    for t in cue.targets[:1] if coordinated else cue.targets:
        target = (coordinated, None) if coordinated else target_phrase(story, t, cue.clause, cue.inferred)
        if target is None:
            continue
        if target[1] in PLACE_LABELS and cue.lemma in lex.no_place_target:
            continue
        if adjudicating and t.lemma_.casefold() in lex.legal_filings:
            continue  # "the court rejected the appeal" is a ruling on a filing, not a position on it
        for ent, hf in holders:
            if ent.text == target[0]:
                continue
            out.append(Stance(ent.text, ent.label, target[0], target[1], label, evidence,
                              round(min(1.0, cue.weight * hf * factor), 3)))
    return out


def _is_adjudicator(tok: Token, lex: StanceLexicon) -> bool:
    """A court, tribunal or judge as the holder phrase ("the appeals court", "Judge Ana Ruiz")."""
    words = {t.lower_ for t in tok.subtree if t.dep_ in ("compound", "amod", "nmod") or t is tok}
    return bool(words & lex.adjudicators)
