"""The stance lexicon (nlp/data/stance_lexicon.json) and the labels it assigns."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.strings import hash_string

from wirestream.transforms.wire.data import NLP_DATA, json_data

FAVOR, AGAINST, NEUTRAL = "FAVOR", "AGAINST", "NEUTRAL"


@dataclass(frozen=True)
class StanceLexicon:
    """The stance lexicon (transforms/nlp/data/stance_lexicon.json), so wording changes need no code change."""

    verbs: dict[str, str]
    verb_weights: dict[str, float]
    no_place_target: frozenset[str]
    verb_preps: dict[str, dict[str, str]]  # preposition -> governing verb lemma -> label
    nouns: dict[str, tuple[str, frozenset[str]]]
    in_phrases: dict[str, str]
    light_verbs: frozenset[str]
    adjectives: dict[str, tuple[str, frozenset[str]]]
    neutral_adjectives: dict[str, frozenset[str]]
    neutral_verbs: dict[str, frozenset[str]]
    position_nouns: frozenset[str]
    position_verbs: frozenset[str]
    negation_flips: dict[str, str]
    negating_governors: frozenset[str]
    refusal_governors: frozenset[str]
    refusal_modals: frozenset[str]
    hedges: frozenset[str]
    intensifiers: frozenset[str]
    weak_modals: frozenset[str]
    deontic_modals: frozenset[str]
    deontic_governors: frozenset[str]
    hypothetical_marks: frozenset[str]
    request_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    report_verbs: frozenset[str]
    holder_roles: frozenset[str]
    adjudicators: frozenset[str]
    legal_filings: frozenset[str]
    violence_context: frozenset[str]
    group_nouns: frozenset[str]
    description_nouns: frozenset[str]
    acquiring_verbs: frozenset[str]
    cue_lemmas: frozenset[int] = field(init=False, repr=False)  # hashes of every lemma that can start a cue
    cue_lowers: frozenset[int] = field(init=False, repr=False)  # ... and of every lower-cased form
    speech_lemmas: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Hash sets, so that a story's cue candidates are found in the Doc's attribute arrays, without a
        Token object per token: only tokens these match can yield a cue in `find_cues`."""
        lemmas = (self.verbs.keys() | self.negation_flips.keys() | self.nouns.keys() | self.in_phrases.keys()
                  | self.neutral_verbs.keys() | self.position_nouns)
        lowers = self.adjectives.keys() | self.verb_preps.keys() | self.neutral_adjectives.keys()
        object.__setattr__(self, "cue_lemmas", _hashes(lemmas))
        object.__setattr__(self, "cue_lowers", _hashes(lowers))
        object.__setattr__(self, "speech_lemmas", _hashes(self.speech_verbs))


def _hashes(words) -> frozenset[int]:
    return frozenset(hash_string(w) for w in words)


@lru_cache(maxsize=1)
def load_lexicon() -> StanceLexicon:
    """Reads the lexicon once per process (workers call this for every story)."""
    raw = json_data(NLP_DATA, "stance_lexicon.json")

    def cues(table: dict) -> dict[str, tuple[str, frozenset[str]]]:
        return {k: (v["label"], frozenset(v["preps"])) for k, v in table.items()}

    def labels_by_head(entries: dict | list) -> dict[str, str]:
        return {head: e["label"] for e in (entries if isinstance(entries, list) else [entries]) for head in e["heads"]}

    neutral = raw["neutral"]
    return StanceLexicon(
        verbs={lemma: label for label, lemmas in raw["verbs"].items() for lemma in lemmas},
        verb_weights=dict(raw["verb_weights"]),
        no_place_target=frozenset(raw["no_place_target"]),
        verb_preps={p: labels_by_head(v) for p, v in raw["verb_preps"].items()},
        nouns=cues(raw["nouns"]),
        in_phrases=dict(raw["in_phrases"]),
        light_verbs=frozenset(raw["light_verbs"]),
        adjectives=cues(raw["adjectives"]),
        neutral_adjectives={k: frozenset(v) for k, v in neutral["adjectives"].items()},
        neutral_verbs={k: frozenset(v) for k, v in neutral["verbs"].items()},
        position_nouns=frozenset(neutral["position_nouns"]),
        position_verbs=frozenset(neutral["position_verbs"]),
        negation_flips=dict(raw["negation_flips"]),
        negating_governors=frozenset(raw["negating_governors"]),
        refusal_governors=frozenset(raw["refusal_governors"]),
        refusal_modals=frozenset(raw["refusal_modals"]),
        hedges=frozenset(raw["hedges"]),
        intensifiers=frozenset(raw["intensifiers"]),
        weak_modals=frozenset(raw["weak_modals"]),
        deontic_modals=frozenset(raw["deontic_modals"]),
        deontic_governors=frozenset(raw["deontic_governors"]),
        hypothetical_marks=frozenset(raw["hypothetical_marks"]),
        request_verbs=frozenset(raw["request_verbs"]),
        speech_verbs=frozenset(raw["speech_verbs"]),
        report_verbs=frozenset(raw["report_verbs"]),
        holder_roles=frozenset(raw["holder_roles"]),
        adjudicators=frozenset(raw["adjudicators"]),
        legal_filings=frozenset(raw["legal_filings"]),
        violence_context=frozenset(raw["violence_context"]),
        group_nouns=frozenset(raw["group_nouns"]),
        description_nouns=frozenset(raw["description_nouns"]),
        acquiring_verbs=frozenset(raw["acquiring_verbs"]),
    )
