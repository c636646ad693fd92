"""NER fixes that tell places from the persons and organisations the model took them for."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from wirestream.transforms.nlp.ner.lexicon import _PLACE_TITLE_POPULATION, PROPER_TAGS, EntityLexicon, _relabel
from wirestream.transforms.wire import geo


def fix_places(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Relabels as a place (GPE) a person, organisation or non-demonym "NORP" the text says is a place: before a
    lower-case place noun ("Quang Ninh province", "Santa Fe provinces"), after one and "of" ("the town
    of Marcos Juarez"), or a known place before the title of an office held for it ("Maharashtra Chief
    Minister X", "Ontario Premier X"); or an organisation that is a known region or city where places go
    (see `_located_place`)."""
    places = {i for s in ents if s.label_ in ("GPE", "LOC") for i in range(s.start, s.end)}
    person_words = frozenset(t.text for s in ents if s.label_ == "PERSON" and len(s) > 1 for t in s)
    result = []
    for span in ents:
        misread = span.label_ in ("PERSON", "ORG") or (span.label_ == "NORP" and not geo.demonym_country(span.text))
        if misread and (_named_as_place(doc, span, lexicon) or _located_place(doc, span, places, lexicon, person_words)):
            span = _relabel(span, "GPE")
        result.append(span)
    return result


def _located_place(doc: Doc, span: Span, places: set[int], lexicon: EntityLexicon, person_words: frozenset[str] = frozenset()) -> bool:
    """An organisation that is the gazetteer's region or big city and sits where places go: after a
    locative preposition ("units in Sevastopol", "troops into Crimea") or joined by "and" to a place
    ("Lower Saxony and Bremen"). A stake or shares "in" something are not a location."""
    if span.label_ not in ("ORG", "PERSON", "NORP") or any(t.lower_ in lexicon.org_heads for t in span):
        return False
    if span.label_ == "ORG" and len(span) == 1 and (geo.country_code(span.text) or geo.is_capital(span.text)):
        return True  # "Budapest welcomed": a capital's metonymy is still the place
    if not (geo.region_country(span.text) or geo.canonical_city(span.text, min_population=_PLACE_TITLE_POPULATION)):
        return False
    if span.label_ == "PERSON" and (len(span) > 1 or span.text in person_words):
        return False
    prep = doc[span.start - 1] if span.start > 0 else None
    if prep is not None and prep.lower_ in lexicon.locative_preps:
        return prep.head.lower_ not in lexicon.ownership_nouns
    if span.end + 1 < len(doc) and doc[span.end].text == "," and geo.country_code(doc[span.end + 1].text):
        return True  # "Debrecen, Hungary"
    around = [span.start - 2, span.end + 1]
    joined = [i for i, cc in zip(around, (span.start - 1, span.end)) if 0 <= cc < len(doc) and doc[cc].lower_ == "and"]
    return any(i in places for i in joined)


def _named_as_place(doc: Doc, span: Span, lexicon: EntityLexicon) -> bool:
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.lower_ in ("and", ","):  # "the Poltava and Sumy regions"
        k = span.end + 1
        while k < len(doc) and k - span.end <= 3 and doc[k].is_title:
            k += 1
        if k > span.end + 1 and k < len(doc) and doc[k].is_lower and doc[k].lower_ in lexicon.place_nouns and doc[k].lower_.endswith("s"):
            return True
    if after is not None and after.is_lower and after.lower_ in lexicon.place_nouns:
        return not (span.end + 1 < len(doc) and doc[span.end + 1].lower_ == "of")  # "X city of"
    if span.start >= 2 and doc[span.start - 1].lower_ == "of":
        noun = doc[span.start - 2]
        if noun.is_lower and noun.lower_ in lexicon.place_nouns:
            return True
    i = span.end
    while i < len(doc) and lexicon.is_title_prefix_word(doc[i].text) and not doc[i].is_lower:
        if doc[i].lower_.rstrip(".") in lexicon.place_titles:
            return bool(geo.country_code(span.text) or geo.region_country(span.text)
                        or geo.canonical_city(span.text, min_population=_PLACE_TITLE_POPULATION))
        i += 1
    return False


def fix_bare_regions(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Tags "the West" as a region (LOC), whatever the model said, when it stands alone (not as in
    "the West Bank")."""
    regions = {
        token.i
        for token in doc
        if token.text in lexicon.bare_regions
        and token.i > 0
        and doc[token.i - 1].lower_ == "the"
        and not (token.i + 1 < len(doc) and doc[token.i + 1].tag_ in PROPER_TAGS)
    }
    result = [s for s in ents if not any(i in regions for i in range(s.start, s.end))]
    return result + [Span(doc, i, i + 1, label="LOC") for i in sorted(regions)]
