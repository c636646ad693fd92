"""The model's own lemmatizer, asked once per distinct (word, part of speech, morphology) instead of once
per token.

spaCy's rule lemmatizer is a pure function of a token's text, POS and morphology, but it runs in Python
token by token, and it caches only the forms it looks up in its tables: singular nouns, base-form verbs,
proper nouns and punctuation, most of a story, are worked out anew every time. This component keeps every
answer, reads the keys of a whole Doc from its attribute arrays and sets its lemmas in one call; a key it
has not seen goes to the model's lemmatizer itself. tests/test_table_components.py checks that every
token's lemma is the stock component's.
"""
from __future__ import annotations

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

LEMMAS = "wirestream_lemmas"
STOCK_LEMMATIZER = "lemmatizer"
PURE_MODES = ("rule", "lookup")  # modes whose answer depends on nothing but the token's text, POS, morphology
# Distinct keys kept; past this the table starts again (a worker reading new names for months stays bounded).
MAX_KEYS = 500_000


class Lemmas:
    """Sets each token's lemma as `lemmatizer` would, remembering its answer per (ORTH, POS, MORPH)."""

    def __init__(self, lemmatizer: Lemmatizer):
        self.lemmatizer = lemmatizer
        self.known: dict[tuple[int, int, int], str] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        if len(self.known) > MAX_KEYS:
            self.known.clear()
        strings, overwrite = doc.vocab.strings, self.lemmatizer.overwrite
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma and not overwrite:  # set before, by the attribute rules: kept, as the stock component does
                lemmas.append(lemma)
                continue
            key = (orth, pos, morph)
            text = self.known.get(key)
            if text is None:
                text = self.known[key] = self.lemmatizer.lemmatize(doc[i])[0]
            lemmas.append(strings.add(text))
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64))
        return doc


@Language.factory(LEMMAS, default_config={"source": STOCK_LEMMATIZER})
def make_lemmas(nlp: Language, name: str, source: str) -> Lemmas:
    """Built around the pipeline's component `source`, which `use_lemmas` then disables."""
    return Lemmas(nlp.get_pipe(source))


def use_lemmas(nlp: Language) -> None:
    """Puts Lemmas in place of the stock lemmatizer, if the pipeline has one whose answers are pure. The
    stock lemmatizer stays in the pipeline, disabled: Lemmas asks it, and `nlp.to_disk` saves its tables."""
    if STOCK_LEMMATIZER not in nlp.pipe_names or nlp.get_pipe(STOCK_LEMMATIZER).mode not in PURE_MODES:
        return
    nlp.add_pipe(LEMMAS, after=STOCK_LEMMATIZER)
    nlp.disable_pipe(STOCK_LEMMATIZER)
