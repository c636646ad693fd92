"""The words of the Universal Dependencies stance rules (nlp/stances/ud.py), read once per process from a
per-language file (`stance_lexicon.<lang>.json`)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from wirestream.transforms.wire.data import NLP_DATA, json_data


class VerbTable(dict):
    """Cue verbs by lemma (-> label, or -> {preposition: label}) that also know their regular -er verbs by
    stem, so a form the model did not lemmatise ("conteste") is found with a few lookups instead of a scan
    of the table for every token."""

    def __init__(self, entries: dict) -> None:
        super().__init__(entries)
        self._order = {verb: i for i, verb in enumerate(self)}
        self._by_stem: dict[str, list[str]] = {}
        for verb in self:
            if verb.endswith("er") and len(verb) > 5:
                self._by_stem.setdefault(verb[:-2], []).append(verb)

    def regular_verb(self, lower: str) -> str | None:
        """The first verb of the table (in its order) whose stem `lower` starts with, at most 3 letters of
        ending beyond the verb's length."""
        found = [verb for end in range(4, len(lower) + 1) for verb in self._by_stem.get(lower[:end], ())
                 if len(lower) - len(verb) <= 3]
        return min(found, key=self._order.__getitem__, default=None)


@dataclass(frozen=True)
class UdStanceLexicon:
    verbs: VerbTable  # verb -> label
    verb_preps: VerbTable  # verb -> {preposition: label}
    reflexive_only: frozenset[str]
    nouns: dict[str, tuple[str, frozenset[str]]]
    light_verbs: frozenset[str]
    adjectives: dict[str, tuple[str, frozenset[str]]]
    negations: frozenset[str]
    refusal_governors: frozenset[str]
    hedges: frozenset[str]
    hypothetical_marks: frozenset[str]
    speech_verbs: frozenset[str]
    report_preps: frozenset[str]
    first_person: frozenset[str]
    group_nouns: frozenset[str]
    time_nouns: frozenset[str]
    member_nouns: frozenset[str]
    third_person: dict[str, frozenset[str]]
    target_drop_deps: frozenset[str]
    leading_words: frozenset[str]
    forms: dict[str, str]  # inflected form of an irregular cue verb -> its lemma


@cache
def load_ud_lexicon(name: str) -> UdStanceLexicon:
    """The lexicon file `name` in nlp/data/, read once per process."""
    raw = json_data(NLP_DATA, name)

    def cues(table: dict) -> dict[str, tuple[str, frozenset[str]]]:
        return {word: (label, frozenset(preps)) for word, (label, preps) in table.items()}

    return UdStanceLexicon(
        verbs=VerbTable({_plain(v): label for label, verbs in raw["verbs"].items() for v in verbs}),
        verb_preps=VerbTable({verb: dict(preps) for verb, preps in raw["verb_preps"].items()}),
        reflexive_only=frozenset(raw["reflexive_only"]),
        nouns=cues(raw["nouns"]),
        light_verbs=frozenset(_plain(v) for v in raw["light_verbs"]),
        adjectives=cues(raw["adjectives"]),
        negations=frozenset(raw["negations"]),
        refusal_governors=frozenset(raw["refusal_governors"]),
        hedges=frozenset(raw["hedges"]),
        hypothetical_marks=frozenset(raw["hypothetical_marks"]),
        speech_verbs=frozenset(_plain(v) for v in raw["speech_verbs"]),
        report_preps=frozenset(raw["report_preps"]),
        first_person=frozenset(raw["first_person"]),
        group_nouns=frozenset(raw["group_nouns"]),
        time_nouns=frozenset(raw["time_nouns"]),
        member_nouns=frozenset(raw["member_nouns"]),
        third_person={word: frozenset(labels) for word, labels in raw["third_person"].items()},
        target_drop_deps=frozenset(raw["target_drop_deps"]),
        leading_words=frozenset(raw["leading_words"]),
        forms={form: verb for verb, forms in raw.get("forms", {}).items() for form in forms},
    )


def _plain(verb: str) -> str:
    """A lexicon verb without its reflexive pronoun ("s'opposer" -> "opposer", "se féliciter" -> "féliciter")."""
    for prefix in ("se ", "s'", "s’"):
        if verb.startswith(prefix):
            return verb[len(prefix):]
    return verb
