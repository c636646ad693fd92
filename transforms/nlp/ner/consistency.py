"""NER fixes that make a story agree with itself: caseless lines read by the names of the cased text, and every
mention of a name tagged alike."""
from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Span

from wirestream.transforms.nlp.context import doc_text
from wirestream.transforms.nlp.ner.lexicon import (
    NAME_LABELS,
    PROPER_TAGS,
    EntityLexicon,
    acronym_of,
    company_short_name,
    is_list_line,
    opens_with_given_name,
)
from wirestream.transforms.wire import geo


def fix_caseless_lines(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """In all-caps lines and title-case headlines the model tags by case, not meaning: keep there only
    names also found in the normally cased text, or country names, with their labels."""
    lines = _caseless_lines(doc, lexicon)
    if not lines:
        return ents
    inside = {i for start, end in lines for i in range(start, end)}
    kept = [span for span in ents if span.start not in inside]
    known: dict[tuple[str, ...], str] = {}
    for span in kept:
        if span.label_ in NAME_LABELS:
            known.setdefault(tuple(t.lower_ for t in span), span.label_)
            if span.label_ == "PERSON" and len(span) > 1:
                known.setdefault((span[-1].lower_,), "PERSON")
    longest = max((len(key) for key in known), default=0)
    for start, end in lines:
        i = start
        while i < end:
            match = None
            for n in range(min(longest, end - i), 0, -1):
                label = known.get(tuple(t.lower_ for t in doc[i : i + n]))
                if label:
                    match = Span(doc, i, i + n, label=label)
                    break
            if match is None and (doc[i].is_alpha or doc[i].is_upper):
                n = next((n for n in range(min(3, end - i), 0, -1) if geo.country_code(doc[i : i + n].text.title())), 0)
                match = Span(doc, i, i + n, label="GPE") if n else None
            if match is not None:
                kept.append(match)
                i = match.end
            else:
                i += 1
    return kept


def _caseless_lines(doc: Doc, lexicon: EntityLexicon) -> list[tuple[int, int]]:
    """Token ranges of lines whose case carries no information: lines in capitals, and a first line (a
    headline or slug) with every content word capitalised unless it reads as a list. Other title-case lines
    are line-ups, results and sign-offs, whose capitals are names. Lines are screened as strings first so
    most stories cost no token walk."""
    lines, offset, first = [], 0, True
    for line in doc_text(doc).split("\n"):
        if line.strip():
            words = [w for w in (w.strip(".,:;!?\"'()") for w in line.split()) if w[:1].isalpha()]
            if _in_capitals(line, words) or (first and _title_case(words, lexicon) and not is_list_line(line)):
                span = doc.char_span(offset, offset + len(line), alignment_mode="expand")
                if span is not None:
                    lines.append((span.start, span.end))
            first = False
        offset += len(line) + 1
    return lines


def _in_capitals(line: str, words: list[str]) -> bool:
    """Four words in five or more in capitals (a slug or headline keeps a "McDONALD'S" or "vs")."""
    return len(words) >= 2 and sum(w.isupper() for w in words) >= 0.8 * len(words)


def _title_case(words: list[str], lexicon: EntityLexicon) -> bool:
    content = [w for w in words if w.lower() not in lexicon.function_words]
    return len(words) >= 3 and bool(content) and all(w[0].isupper() for w in content)


def fix_propagate(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Makes the story consistent with itself: every occurrence of a name the model found once is
    tagged (and completes a shorter tag, "Saxony" -> "Lower Saxony"), a word of exactly one person's
    name that ends or starts it ("Pfeiffer", "Xi") is a PERSON, an organisation's acronym an ORG, and
    each name gets the label most of its mentions have. An acronym in brackets after an organisation is that
    organisation's, whatever its letters."""
    labels: dict[tuple[str, ...], list[str]] = {}
    spelt_out = []
    for span in ents:
        if span.label_ in NAME_LABELS:
            labels.setdefault(tuple(t.text for t in span), []).append(span.label_)
        if span.label_ == "ORG" and (acronym := _bracketed_acronym(doc, span.end)):
            spelt_out.append(acronym)
    known = {key: max(found, key=found.count) for key, found in labels.items()}
    for acronym in spelt_out:  # "the Union of Coastal Fishers (UPC)": the story says what UPC is
        known.setdefault((acronym,), "ORG")
    surnames: Counter[tuple[str, ...]] = Counter()
    given: Counter[tuple[str, ...]] = Counter()
    for key, label in list(known.items()):
        if label == "PERSON" and len(key) > 1:
            surnames[key[-1:]] += 1
            given[key[:1]] += 1  # "Xi" of "Xi Jinping": family name first
        elif label == "ORG":
            if acronym := acronym_of(key, lexicon):
                known[(acronym,)] = "ORG"
            short = company_short_name(key, lexicon)
            if short and not geo.country_code(" ".join(short)) and (
                short not in known or (known[short] != "PERSON" and len(short) > 1)
            ):
                known[short] = "ORG"  # "Rio Tinto" of "Rio Tinto Group" is the company, not the river
    for name, count in list(given.items()) + list(surnames.items()):
        if count == 1 and len(name[0]) > 1 and surnames[name] + given[name] == 1:
            known[name] = "PERSON"

    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in sorted(known, key=len, reverse=True):
        by_first.setdefault(key[0], []).append(key)
    owner = {i: span for span in ents for i in range(span.start, span.end)}
    result = {(s.start, s.end): s for s in ents}
    i = 0
    while i < len(doc):
        match = next(
            (key for key in by_first.get(doc[i].text, ()) if tuple(t.text for t in doc[i : i + len(key)]) == key),
            None,
        )
        if match is None:
            i += 1
            continue
        end = i + len(match)
        inner = {owner[j] for j in range(i, end) if j in owner}
        # a lone word is tagged anew only where it is a proper noun ("May" the month stays a date)
        fresh_word_ok = len(match) > 1 or doc[i].tag_ in PROPER_TAGS or doc[i].is_upper
        if all(i <= s.start and s.end <= end and s.label_ in NAME_LABELS for s in inner) and (inner or fresh_word_ok):
            for s in inner:
                result.pop((s.start, s.end), None)
            result[(i, end)] = Span(doc, i, end, label=known[match])
        i = end
    return list(result.values())


def fix_company_names(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A name that opens a company's full name in the story ("Harlow" of "Harlow Dynamics Inc", "Pemberton
    Controls" of "Pemberton Controls Ltd") is that company wherever the model took it for a person or a place;
    a country stays a place, and a name opening with a given name stays a person."""
    openings: set[tuple[str, ...]] = set()
    for s in ents:
        if s.label_ == "ORG" and len(s) >= 2 and any(t.text in lexicon.legal_forms for t in s[1:]):
            words = [t.text for t in s]
            end = next(i for i, w in enumerate(words) if i > 0 and w in lexicon.legal_forms)
            openings.update(tuple(words[:n]) for n in range(1, end + 1))
    if not openings:
        return ents
    return [
        Span(doc, s.start, s.end, label="ORG")
        if s.label_ in ("PERSON", "GPE", "LOC") and tuple(t.text for t in s) in openings and s[0].is_title
        and not geo.country_code(s.text) and not opens_with_given_name(s)
        else s
        for s in ents
    ]


BRACKETED_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")


def _bracketed_acronym(doc: Doc, i: int) -> str | None:
    """The acronym in "( ACRONYM )" starting at token `i`, if there is one."""
    if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and BRACKETED_ACRONYM.fullmatch(doc[i + 1].text):
        return doc[i + 1].text
    return None
