"""The NER fixes, by kind (spans, names, labels, places, consistency; shared words and helpers in lexicon).

`wirestream_ner_fixes` corrects the small model's systematic newswire errors in `doc.ents`. Each rule is
a plain function `(doc, ents, lexicon) -> ents` so it can be tested and switched off on its own; the
component keeps only its read-only lexicon, never per-story state, so `nlp.pipe` batches are safe.
"""
from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from wirestream.transforms.nlp.ner.consistency import fix_caseless_lines, fix_propagate
from wirestream.transforms.nlp.ner.labels import (
    fix_country_person,
    fix_described_orgs,
    fix_generic_institutions,
    fix_heads,
    fix_named_storms,
)
from wirestream.transforms.nlp.ner.lexicon import (
    DASHES,
    NAME_LABELS,
    NER_FIXES,
    POSSESSIVES,
    PROPER_TAGS,
    EntityLexicon,
    Rule,
    acronym_of,
    after_title,
    company_short_name,
    default_lexicon,
)
from wirestream.transforms.nlp.ner.names import (
    fix_join_names,
    fix_not_names,
    fix_person_tail,
    fix_regnal_names,
    fix_role_person,
    fix_title_fragments,
)
from wirestream.transforms.nlp.ner.places import fix_bare_regions, fix_places
from wirestream.transforms.nlp.ner.spans import (
    fix_dateline_agency,
    fix_extend_compounds,
    fix_fragments,
    fix_legal_forms,
    fix_split_dashes,
    fix_trim,
)

__all__ = [
    "DASHES",
    "NAME_LABELS",
    "NER_FIXES",
    "POSSESSIVES",
    "PROPER_TAGS",
    "EntityLexicon",
    "Rule",
    "acronym_of",
    "after_title",
    "company_short_name",
    "default_lexicon",
    "RULES",
    "NerFixes",
    "make_ner_fixes",
    "fix_dateline_agency",
    "fix_split_dashes",
    "fix_join_names",
    "fix_trim",
    "fix_fragments",
    "fix_not_names",
    "fix_generic_institutions",
    "fix_title_fragments",
    "fix_role_person",
    "fix_regnal_names",
    "fix_person_tail",
    "fix_extend_compounds",
    "fix_legal_forms",
    "fix_heads",
    "fix_described_orgs",
    "fix_bare_regions",
    "fix_caseless_lines",
    "fix_country_person",
    "fix_places",
    "fix_named_storms",
    "fix_propagate",
]

RULES: dict[str, Rule] = {
    "dateline_agency": fix_dateline_agency,
    "split_dashes": fix_split_dashes,
    "join_names": fix_join_names,
    "trim": fix_trim,
    "fragments": fix_fragments,
    "not_names": fix_not_names,
    "generic_institutions": fix_generic_institutions,
    "title_fragments": fix_title_fragments,
    "role_person": fix_role_person,
    "regnal_names": fix_regnal_names,
    "person_tail": fix_person_tail,
    "extend_compounds": fix_extend_compounds,
    "legal_forms": fix_legal_forms,
    "heads": fix_heads,
    "described_orgs": fix_described_orgs,
    "bare_regions": fix_bare_regions,
    "caseless_lines": fix_caseless_lines,
    "country_person": fix_country_person,
    "places": fix_places,
    "named_storms": fix_named_storms,
    "propagate": fix_propagate,
}


class NerFixes:
    """Applies the configured rules in order and writes the result back to `doc.ents`."""

    def __init__(self, lexicon: EntityLexicon, rules: list[str]):
        unknown = set(rules) - RULES.keys()
        if unknown:
            raise ValueError(f"unknown NER fix rules: {sorted(unknown)}")
        self.lexicon = lexicon
        self.rules = [RULES[name] for name in rules]

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        for rule in self.rules:
            ents = rule(doc, ents, self.lexicon)
        doc.ents = filter_spans(ents)
        return doc


@Language.factory(
    NER_FIXES,
    default_config={"lexicon_path": None, "rules": list(RULES)},
    requires=["doc.ents", "token.tag", "token.dep"],
    assigns=["doc.ents"],
)
def make_ner_fixes(nlp: Language, name: str, lexicon_path: str | None, rules: list[str]) -> NerFixes:
    """`lexicon_path` None means the packaged transforms/nlp/data/entity_lexicon.json."""
    if lexicon_path:
        return NerFixes(EntityLexicon.from_dict(json.loads(Path(lexicon_path).read_text(encoding="utf-8"))), rules)
    return NerFixes(default_lexicon(), rules)
