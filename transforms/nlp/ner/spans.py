"""NER fixes of span boundaries: the dateline's agency, dashes and line breaks, articles and titles, fragments,
proper-noun compounds and company legal forms."""
from __future__ import annotations

import calendar
import re

from spacy.tokens import Doc, Span

from wirestream.transforms.nlp.context import dateline_span
from wirestream.transforms.nlp.ner.lexicon import (
    DASHES,
    NAME_LABELS,
    POSSESSIVES,
    PROPER_TAGS,
    EntityLexicon,
    _hyphen_joined,
    _known_place,
    _name_token,
    _only_title,
    _relabel,
    _same_line,
    _span,
    after_title,
    big_place,
    given_names,
    line_start,
)
from wirestream.transforms.wire import geo


def fix_dateline_agency(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops the agency in a dateline ("BRUSSELS, March 3 (Reuters) -"): it is the source, not a party. The
    dateline is the story's own, found by wire/dateline.py and carried on the Doc (nlp/context.py)."""
    dateline = dateline_span(doc)
    if dateline is None:
        return ents
    first, last = dateline
    return [
        span
        for span in ents
        if not (
            span.label_ == "ORG"
            and 0 < span.start
            and span.end < len(doc)
            and doc[span.start - 1].text == "("
            and doc[span.end].text == ")"
            and first <= span.start_char
            and span.end_char <= last
        )
    ]


def _sentence_adverb(token) -> bool:
    """An -ly adverb opening a sentence, which the tagger may call a proper noun there ("Initially"); a given
    name ending so ("Kelly", "Emily") is not one."""
    return (
        (token.tag_ == "RB" or token.is_sent_start) and len(token) > 4 and token.lower_.endswith("ly")
        and token.lower_ not in given_names()
    )


def fix_split_dashes(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Splits spans glued across a spaced dash or a line break ("West - Moscow") into their parts."""
    result = []
    for span in ents:
        start = span.start
        for token in span:
            spaced_dash = token.text in DASHES and token.i > 0 and doc[token.i - 1].whitespace_ and token.whitespace_
            if spaced_dash or "\n" in token.text:
                result.extend(s for s in [_span(doc, start, token.i, span.label_)] if s is not None)
                start = token.i + 1
        if start == span.start:
            result.append(span)
        elif (tail := _span(doc, start, span.end, span.label_)) is not None:
            result.append(tail)
    return result


_SCORE = re.compile(r"[\d.,/+-]*\d[\d.,/+-]*")
_CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.month_name[1:], *calendar.day_name))
_LEADING_MARKS = frozenset({"-", "--", "+", "."})


def fix_trim(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Trims leading articles, months, weekdays and -ly adverbs, titles and nationalities before a person
    ("Treasurer Ruth Ann Calloway", "Australian Darren Lusk") and dashes, and trailing
    possessives, punctuation, lower-case words and scores or numbers ("Lower Saxony's", "Yunnan province",
    "The Games in", "Mexico 2-0"); a span left with no letter goes."""
    result = []
    for span in ents:
        if span.label_ not in NAME_LABELS:
            result.append(span)
            continue
        start, end = span.start, span.end
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        while end - start > 1 and (doc[start].lower_ in _CALENDAR_WORDS or _sentence_adverb(doc[start])):
            start += 1  # "August Chicago NAPM", "Initially Poland"
        if span.label_ == "PERSON":
            if _only_title(doc, start, end, lexicon):
                continue
            start = after_title(doc, start, end, lexicon)
            if end - start >= 3 and geo.demonym_country(doc[start].text) and doc[start + 1].is_title:
                start += 1  # "Australian Darren Lusk"
        while end > start and (
            doc[end - 1].text in POSSESSIVES
            or (doc[end - 1].is_lower and not _hyphen_joined(doc, end - 1))
            or (doc[end - 1].is_punct and doc[end - 1].text != ".")
            or (end - start > 1 and _SCORE.fullmatch(doc[end - 1].text))
        ):
            end -= 1
        while end - start > 1 and doc[start].text in _LEADING_MARKS:
            start += 1
        if not any(c.isalpha() for c in doc[start:end].text):
            continue
        if (start, end) == (span.start, span.end):
            result.append(span)
        elif (trimmed := _span(doc, start, end, span.label_)) is not None:
            result.append(trimmed)
    return result


def fix_fragments(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Repairs names cut at the wrong place: one opening with a capitalised preposition ("Without Borders")
    takes in the untagged name word before it as an organisation ("Doctors Without Borders"); one glued
    across a comma to a title ("Sarawak, Economy" of "Sarawak, Economy Minister X") ends at the comma,
    as a place if the gazetteer knows it; and a word in brackets after an organisation ("X Bhd
    (Petronas)") is that organisation's short name."""
    covered = {i for s in ents for i in range(s.start, s.end)}
    orgs_ending = {s.end for s in ents if s.label_ == "ORG"}
    result = []
    for span in ents:
        if span.label_ in NAME_LABELS:
            first = span[0]
            if (
                len(span) >= 2 and first.is_title and first.lower_ in ("without", "for", "of", "and", "against")
                and span.start > 0 and doc[span.start - 1].is_title and doc[span.start - 1].is_alpha
                and doc[span.start - 1].lower_ not in lexicon.function_words and span.start - 1 not in covered
            ):
                span = Span(doc, span.start - 1, span.end, label="ORG")
            elif any(t.text == "," for t in span[:-1]):
                comma = next(t.i for t in span if t.text == ",")
                if lexicon.is_title_prefix_word(doc[comma + 1].text) and comma > span.start:
                    head = doc[span.start : comma]
                    label = "GPE" if _known_place(head.text) else span.label_
                    span = Span(doc, span.start, comma, label=label)
            elif (
                len(span) == 1 and span.label_ != "ORG" and span.start >= 2 and span.end < len(doc)
                and doc[span.start - 1].text == "(" and doc[span.end].text == ")" and span.start - 1 in orgs_ending
            ):
                span = _relabel(span, "ORG")
        result.append(span)
    return result


def fix_extend_compounds(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Extends a name left over proper-noun compounds the model left out ("BlueHarbor Alliance"),
    never over titles, portfolio words, countries or other entities."""
    covered = {i for span in ents for i in range(span.start, span.end)}
    result = []
    for span in ents:
        start = span.start
        if span.label_ in ("PERSON", "ORG", "FAC", "GPE", "LOC"):
            while start > 0:
                prev = doc[start - 1]
                if (
                    prev.i in covered
                    or prev.tag_ not in PROPER_TAGS
                    or prev.dep_ != "compound"
                    or not span.start <= prev.head.i < span.end
                    or not prev.text[:1].isupper()
                    or lexicon.is_title_prefix_word(prev.text)
                    or prev.lower_ in lexicon.function_words
                    or geo.country_code(prev.text)
                    or geo.demonym_country(prev.text)
                ):
                    break
                start -= 1
        result.append(span if start == span.start else Span(doc, start, span.end, label=span.label_))
    return result


def fix_legal_forms(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A name ending in a company's legal form ("Fincantieri SpA", "Flughafen Muenchen GmbH") is an
    organisation, whatever the model said; a name right before one takes it in ("easyJet" + "plc"); and
    proper nouns before an untagged legal form ("Petroliam Nasional Bhd") become one."""
    covered = {i for s in ents for i in range(s.start, s.end)}
    result = []
    for span in ents:
        if span.label_ in NAME_LABELS and span.label_ not in ("DATE",):
            end = _legal_tail(doc, span.end, covered, lexicon)
            if end > span.end or (len(span) >= 2 and span[-1].text in lexicon.legal_forms):
                covered.update(range(span.end, end))
                span = Span(doc, span.start, end, label="ORG")
        result.append(span)
    for token in doc:
        if token.text not in lexicon.legal_forms or token.i in covered or token.i == 0:
            continue
        start = token.i
        while start > 0 and token.i - start < 5 and start - 1 not in covered and (
            _name_token(doc[start - 1]) and not lexicon.is_title_prefix_word(doc[start - 1].text)
            or (doc[start - 1].text == "&" and start > 1 and _name_token(doc[start - 2]))
        ):
            start -= 1
        if start < token.i and doc[start].text != "&" and _same_line(doc, start, token.i + 1):
            end = _legal_tail(doc, token.i + 1, covered, lexicon)
            covered.update(range(start, end))
            result.append(Span(doc, start, end, label="ORG"))
    return result


def _legal_tail(doc: Doc, end: int, covered: set[int], lexicon: EntityLexicon) -> int:
    """End of the legal forms right after `end` ("Co. Ltd", "& Co.", "Sdn Bhd")."""
    while end < len(doc) and end not in covered:
        if doc[end].text in lexicon.legal_forms and "\n" not in doc[end - 1].whitespace_:
            end += 1
        elif doc[end].text == "&" and end + 1 < len(doc) and doc[end + 1].text in lexicon.legal_forms:
            end += 2
        else:
            break
    return end


def fix_bylines(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops names on the lines between the story's first line (headline or slug) and its dateline: that is
    the byline, the story's writer, not a party to it."""
    dateline = dateline_span(doc)
    if dateline is None:
        return ents
    breaks = []  # tokens ending a line before the dateline (a few: the dateline opens the story)
    for token in doc:
        if token.idx >= dateline[0]:
            break
        if "\n" in token.whitespace_ or "\n" in token.text:
            breaks.append(token.i)
    if len(breaks) < 2:
        return ents
    first, last = breaks[0], breaks[-1]
    return [s for s in ents if not first < s.start <= last]


def fix_field_labels(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops a lone capitalised word opening a "Label: value" line ("Attendance: 15,150", "Scorers: ..."):
    a field label, unless it is a country or a known place (a team list headed by its country)."""
    return [
        s
        for s in ents
        if not (
            len(s) == 1
            and s.label_ in ("PERSON", "ORG", "GPE", "LOC")
            and s.end < len(doc)
            and doc[s.end].text == ":"
            and line_start(doc, s.start)
            and not geo.country_code(s.text)
            and not big_place(s.text)
        )
    ]


def fix_split_places(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Splits a span glued over "at" ("Kent at Canterbury") or over a comma before a known place ("Mill
    Lane, Derbyshire", "Perth, Scotland"): the place after the comma is a place of its own."""
    result = []
    for span in ents:
        cut = next((t.i for t in span[1:-1] if t.lower_ == "at" and t.is_lower), None) if len(span) > 2 else None
        if cut is not None:
            result.extend(s for s in (_span(doc, span.start, cut, span.label_), _span(doc, cut + 1, span.end, span.label_)) if s)
            continue
        comma = next((t.i for t in span[1:-1] if t.text == ","), None) if len(span) > 2 else None
        if comma is not None and _known_place(doc[comma + 1 : span.end].text):
            result.append(Span(doc, span.start, comma, label=span.label_))
            result.append(Span(doc, comma + 1, span.end, label="GPE"))
            continue
        result.append(span)
    return result
