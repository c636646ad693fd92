"""Builds the spaCy pipeline every NLP stage shares, so it loads once per worker.

`wirestream_ner_fixes` corrects the small model's systematic newswire errors in `doc.ents`. Each rule is
a plain function `(doc, ents, lexicon) -> ents` so it can be tested and switched off on its own; the
component keeps only its read-only lexicon, never per-story state, so `nlp.pipe` batches are safe.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from wirestream.transforms.wire import geo
from wirestream.transforms.wire.data import NLP_DATA, json_data

NER_FIXES = "wirestream_ner_fixes"

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"})
PROPER_TAGS = frozenset({"NNP", "NNPS"})
DASHES = frozenset({"-", "--", "–", "—"})
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
# A city named before an office's title ("Kyiv Mayor X") must be at least this big to be believed.
_PLACE_TITLE_POPULATION = 100_000


@dataclass(frozen=True)
class EntityLexicon:
    """Closed-class words the rules key on, lower-cased (transforms/nlp/data/entity_lexicon.json)."""

    titles: frozenset[str]
    office_words: frozenset[str]
    function_words: frozenset[str]
    acronym_skip_words: frozenset[str]
    org_heads: frozenset[str]
    event_heads: frozenset[str]
    fac_heads: frozenset[str]
    fac_nouns: frozenset[str]
    fac_exceptions: frozenset[str]
    bare_regions: frozenset[str]
    event_prefixes: frozenset[str]
    place_nouns: frozenset[str]
    place_titles: frozenset[str]
    locative_preps: frozenset[str]
    ownership_nouns: frozenset[str]
    legal_forms: frozenset[str]  # case-sensitive, as written
    corporate_words: frozenset[str]  # case-sensitive, as written
    regnal_titles: frozenset[str]
    generic_institutions: frozenset[str]
    org_final_heads: frozenset[str]
    loc_heads: frozenset[str]
    loc_prefixes: frozenset[str]
    fac_prefixes: frozenset[str]
    holiday_heads: frozenset[str]
    org_descriptors: frozenset[str]
    org_after_nouns: frozenset[str]
    of_heads: Mapping[str, str]

    @classmethod
    def from_dict(cls, data: dict) -> EntityLexicon:
        return cls(**{
            name: MappingProxyType(dict(data[name])) if isinstance(data[name], dict) else frozenset(data[name])
            for name in cls.__dataclass_fields__
        })

    def is_title(self, token_text: str) -> bool:
        """Title or role word ("President", "Mr.", "spokesman"); dots ignored."""
        return token_text.lower().rstrip(".") in self.titles

    def is_title_prefix_word(self, token_text: str) -> bool:
        """A word of a title phrase ("Prime", "Foreign", "Minister")."""
        word = token_text.lower().rstrip(".")
        return word in self.titles or word in self.office_words


Rule = Callable[[Doc, list[Span], EntityLexicon], list[Span]]


def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return Span(doc, start, end, label=label) if end > start else None


def _relabel(span: Span, label: str) -> Span:
    return Span(span.doc, span.start, span.end, label=label)


def _is_caps_word(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def acronym_of(tokens: Iterable[str], lexicon: EntityLexicon) -> str | None:
    """Initials of a multi-word name ("Russian Olympic Committee" -> "ROC"), function words skipped."""
    words = [w for w in tokens if w.lower() not in lexicon.acronym_skip_words and w[:1].isalpha()]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def company_short_name(words: tuple[str, ...] | list[str], lexicon: EntityLexicon) -> tuple[str, ...] | None:
    """A company's name without its legal form or "Group" ("Fincantieri SpA" -> "Fincantieri", "Mitsui &
    Co. Ltd" -> "Mitsui"), or None when it has none."""
    words = tuple(words)
    end = len(words)
    while end > 1 and (words[end - 1] in lexicon.legal_forms or words[end - 1] in lexicon.corporate_words or words[end - 1] in ("&", ",")):
        end -= 1
    return words[:end] if 0 < end < len(words) and words[0][:1].isupper() else None


def fix_dateline_agency(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops the agency in a dateline ("BRUSSELS, March 3 (Reuters) -"): it is the source, not a party."""
    kept = []
    for span in ents:
        start = span.start
        if (
            span.label_ == "ORG"
            and 0 < start
            and span.end < len(doc)
            and doc[start - 1].text == "("
            and doc[span.end].text == ")"
            and _in_dateline_prefix(doc, start - 1)
        ):
            continue
        kept.append(span)
    return kept


def _in_dateline_prefix(doc: Doc, index: int) -> bool:
    """Whether `index` is within a few tokens of a paragraph start that opens with an all-caps word."""
    first = index
    while first > 0 and "\n" not in doc[first - 1].text and index - first < 10:
        first -= 1
    if first > 0 and "\n" not in doc[first - 1].text:
        return False
    return doc[first].is_upper and doc[first].is_alpha and len(doc[first]) > 1


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


def fix_trim(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Trims leading articles, titles before a person ("Treasurer Mei Lin Harper") and trailing
    possessives, punctuation and lower-case words ("Lower Saxony's", "Yunnan province", "The Games in")."""
    result = []
    for span in ents:
        if span.label_ not in NAME_LABELS:
            result.append(span)
            continue
        start, end = span.start, span.end
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        if span.label_ == "PERSON":
            if _only_title(doc, start, end, lexicon):
                continue
            start = after_title(doc, start, end, lexicon)
        while end > start and (
            doc[end - 1].text in POSSESSIVES
            or (doc[end - 1].is_lower and not _hyphen_joined(doc, end - 1))
            or (doc[end - 1].is_punct and doc[end - 1].text != ".")
        ):
            end -= 1
        if (start, end) == (span.start, span.end):
            result.append(span)
        elif (trimmed := _span(doc, start, end, span.label_)) is not None:
            result.append(trimmed)
    return result


def _only_title(doc: Doc, start: int, end: int, lexicon: EntityLexicon) -> bool:
    """Whether tokens start..end are only title words ("Brig", "Lt. Gen") before a name or a dot: not a
    person, though a lone surname that is also a title ("Major said") is kept."""
    if end <= start or not all(lexicon.is_title_prefix_word(t.text) or t.text == "." for t in doc[start:end]):
        return False
    nxt = doc[end] if end < len(doc) else None
    return nxt is not None and (nxt.text == "." or nxt.text[:1].isupper())


def _hyphen_joined(doc: Doc, i: int) -> bool:
    """Whether token `i` ends a hyphenated word with no spaces ("un" of "Kim Jong-un", "sik" of
    "Won-sik"), so it is part of the name before it."""
    return (
        i >= 2
        and doc[i - 1].text == "-"
        and not doc[i - 2].whitespace_
        and not doc[i - 1].whitespace_
        and doc[i - 2].is_alpha
        and doc[i].is_alpha
    )


def after_title(doc: Doc, start: int, end: int, lexicon: EntityLexicon) -> int:
    """Where a person's name starts after a title phrase ("Russian President", "Prime Minister")."""
    i, seen_title = start, False
    while i < end - 1:
        token = doc[i]
        if lexicon.is_title(token.text):
            seen_title = True
        elif not (
            lexicon.is_title_prefix_word(token.text)
            or token.tag_ == "JJ"
            or token.text in DASHES
            or (token.text == "." and seen_title)
        ):
            break
        i += 1
    return i if seen_title else start


def fix_not_names(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops spans that cannot be names: no capitalised word ("boycotts"), or a lone adjective
    modifying a common noun ("Olympic diplomatic boycott"), which is kept only as a demonym (NORP)."""
    result = []
    for span in ents:
        if span.label_ not in NAME_LABELS:
            result.append(span)
            continue
        if not any(_is_caps_word(t.text) for t in span):
            continue
        if len(span) == 1 and span.label_ != "NORP" and span[0].tag_ == "JJ" and span[0].dep_ == "amod":
            if geo.demonym_country(span.text):
                result.append(_relabel(span, "NORP"))
            continue
        result.append(span)
    return result


def fix_title_fragments(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops portfolio words of a title tagged as names ("Trade" in "Trade Commissioner X",
    "Cabinet" in "Chief Cabinet Secretary X", "State" in "Secretary of State X")."""
    result = []
    for span in ents:
        if span.label_ not in ("PERSON", "NORP") and all(t.lower_ in lexicon.office_words for t in span):
            before = span.start - 1
            if before >= 1 and doc[before].lower_ == "of" and lexicon.is_title(doc[before - 1].text):
                continue  # "Secretary of State", "Minister of Finance"
            i = span.end
            while i < len(doc) and doc[i].lower_ in lexicon.office_words and not lexicon.is_title(doc[i].text):
                i += 1
            if i < len(doc) and lexicon.is_title(doc[i].text):
                continue
        result.append(span)
    return result


def fix_role_person(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Relabels as PERSON a two-to-four-word capitalised name right after a role word
    ("WHO official Helena Brandt", "its director, Marit Holm") that the model called something else."""
    result = []
    for span in ents:
        if span.label_ != "PERSON" and span.label_ in NAME_LABELS and _looks_like_person(span, lexicon):
            before = span.start - 1
            if before > 0 and doc[before].text == ",":
                before -= 1
            if before >= 0 and lexicon.is_title(doc[before].text) and not doc[before].ent_type_:
                span = _relabel(span, "PERSON")
        result.append(span)
    return result


def _looks_like_person(span: Span, lexicon: EntityLexicon) -> bool:
    words = [t for t in span if t.is_alpha]
    if not 2 <= len(span) <= 4 or len(words) != len(span) or not words[0].is_title or not words[-1].is_title:
        return False
    organisational = lexicon.org_heads | lexicon.fac_heads | lexicon.event_heads | lexicon.office_words
    if any(t.lower_ in organisational or lexicon.is_title(t.text) for t in span):
        return False
    return geo.country_code(span.text) is None


def fix_extend_compounds(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Extends a name left over proper-noun compounds the model left out ("GreenBelt Alliance"),
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


def fix_heads(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Relabels by the name's head word: events ("Beijing Winter Olympics") and facilities
    ("China-Laos Railway", "the Fukushima Daiichi plant") the model called places or organisations."""
    result = []
    for span in ents:
        last = span[-1].lower_
        if span.label_ in ("GPE", "LOC", "FAC", "PERSON") and last in lexicon.event_heads:
            span = _relabel(span, "EVENT")
        elif (
            span.label_ in ("ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW")
            and last in lexicon.fac_heads
            and span[-1].is_title
            and span.text.lower().removeprefix("the ") not in lexicon.fac_exceptions
        ):
            span = _relabel(span, "FAC")
        elif len(span) >= 2 and span[-1].is_title and (
            span.label_ in ("GPE", "LOC", "FAC", "PERSON") and last in lexicon.org_final_heads
        ):
            span = _relabel(span, "ORG")
        elif len(span) >= 2 and span.label_ in ("GPE", "LOC", "FAC", "ORG") and last in lexicon.holiday_heads and span[-1].is_title:
            span = _relabel(span, "EVENT")
        elif (
            len(span) >= 2
            and span.label_ in ("ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "NORP")
            and not any(t.lower_ in lexicon.org_heads for t in span)
            and (
                (last in lexicon.loc_heads and span[-1].is_title)
                or (span[0].lower_.rstrip(".") in lexicon.loc_prefixes and span[0].is_title)
            )
        ):
            span = _relabel(span, "LOC")
        elif (
            len(span) >= 2
            and span.label_ in ("ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "NORP", "GPE")
            and span[0].lower_ in lexicon.fac_prefixes
            and span[0].is_title
        ):
            span = _relabel(span, "FAC")
        elif (
            span.label_ in ("PERSON", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW")
            and span.end < len(doc)
            and doc[span.end].lower_ in lexicon.fac_nouns
            and doc[span.end].is_lower
            and span.start > 0
            and doc[span.start - 1].lower_ == "the"
        ):
            span = _relabel(span, "FAC")
        result.append(span)
    return result


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


def fix_caseless_lines(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """In all-caps or all-title-case lines (headlines) the model tags by case, not meaning: keep there
    only names also found in the normally cased text, or country names, with their labels."""
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
            if match is None and doc[i].is_alpha and geo.country_code(doc[i].text.title()):
                match = Span(doc, i, i + 1, label="GPE")
            if match is not None:
                kept.append(match)
                i = match.end
            else:
                i += 1
    return kept


def _caseless_lines(doc: Doc, lexicon: EntityLexicon) -> list[tuple[int, int]]:
    """Token ranges of lines whose case carries no information: every content word capitalised.
    Lines are screened as strings first so most stories cost no token walk."""
    lines, offset = [], 0
    for line in doc.text.split("\n"):
        words = [w for w in (w.strip(".,:;!?\"'()") for w in line.split()) if w[:1].isalpha()]
        content = [w for w in words if w.lower() not in lexicon.function_words]
        if len(words) >= 3 and content and all(w[0].isupper() for w in content):
            span = doc.char_span(offset, offset + len(line), alignment_mode="expand")
            if span is not None:
                lines.append((span.start, span.end))
        offset += len(line) + 1
    return lines


def fix_propagate(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Makes the story consistent with itself: every occurrence of a name the model found once is
    tagged (and completes a shorter tag, "Saxony" -> "Lower Saxony"), a word of exactly one person's
    name that ends or starts it ("Meiners", "Xi") is a PERSON, an organisation's acronym an ORG, and
    each name gets the label most of its mentions have."""
    labels: dict[tuple[str, ...], list[str]] = {}
    for span in ents:
        if span.label_ in NAME_LABELS:
            labels.setdefault(tuple(t.text for t in span), []).append(span.label_)
    known = {key: max(found, key=found.count) for key, found in labels.items()}
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


def fix_country_person(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A "person" whose name is a country ("Malawi", "Mali") or, written as one word, a national capital
    ("support for Kyiv") is the place, unless the story names a person with that name."""
    names = {t.text for s in ents if s.label_ == "PERSON" and len(s) > 1 for t in (s[0], s[-1])}
    return [
        _relabel(s, "GPE")
        if s.label_ == "PERSON"
        and s.text not in names
        and (geo.country_code(s.text) or (len(s) == 1 and geo.is_capital(s.text)))
        else s
        for s in ents
    ]


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


def fix_named_storms(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A name opening with a storm word ("Typhoon Yagi", "Hurricane Ian") is an event, whatever the
    model said."""
    return [
        _relabel(s, "EVENT")
        if s.label_ in NAME_LABELS and s.label_ != "EVENT" and len(s) > 1 and s[0].lower_ in lexicon.event_prefixes
        and s[0].is_title
        else s
        for s in ents
    ]


_JOINERS = frozenset({"of", "for"})
_ROMAN = re.compile(r"(?:X{0,3})(?:IX|IV|V?I{0,3})")
_NAME_PARTICLES = frozenset({"bin", "bint", "ibn", "al", "el", "de", "del", "da", "van", "von", "der", "la"})


def _same_line(doc: Doc, start: int, end: int) -> bool:
    return not any("\n" in t.text or "\n" in t.whitespace_ for t in doc[start : max(start, end - 1)])


def _name_token(token) -> bool:
    """A word that can be part of a proper name: capitalised (or "easyJet"-style), tagged a proper noun."""
    return token.tag_ in PROPER_TAGS and token.is_alpha and any(c.isupper() for c in token.text)


def fix_join_names(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Re-joins one name the model split in two: around "of"/"for" after an organisation's head word
    ("Siberian Branch" of "the Russian Academy of Sciences", "Alliance" for "the Republic", "the Port of"
    "Hamburg"), around "and" between two places before an organisation's head ("England and Wales Cricket
    Board"), and a name glued to an organisation or facility it opens ("Reagan" "Washington National
    Airport"). A country after "of" is only joined to a name without "of" ("Communist Party of China", but
    "Ministry of Defence" of "Ukraine" stays apart)."""
    ents = sorted(ents, key=lambda s: s.start)
    starts = {s.start: s for s in ents if s.label_ in NAME_LABELS}
    covered = {i for s in ents for i in range(s.start, s.end)}
    result, skip = [], set()
    for span in ents:
        if (span.start, span.end) in skip:
            continue
        joined = _join_after(doc, span, starts, covered, lexicon) if span.label_ in NAME_LABELS else None
        if joined is not None:
            new, swallowed = joined
            skip.update((s.start, s.end) for s in swallowed)
            result = [r for r in result if (r.start, r.end) not in skip]
            span = new
        result.append(span)
    return result


def _head_word(span: Span) -> str:
    words = [t for t in span if t.lower_ not in ("the", "of", "for", "and")]
    return words[-1].lower_ if words else ""


def _join_after(doc: Doc, span: Span, starts: dict[int, Span], covered: set[int], lexicon: EntityLexicon):
    end = span.end
    # the model's "the Port of" + "Hamburg": the joiner is inside the first span
    if span[-1].lower_ in _JOINERS and len(span) > 1 and (nxt := starts.get(end)) is not None:
        head = _head_word(span[:-1])
        if head in lexicon.of_heads and nxt.label_ != "PERSON" and _same_line(doc, span.start, nxt.end):
            return Span(doc, span.start, nxt.end, label=lexicon.of_heads[head]), [nxt]
    head = _head_word(span)
    if end < len(doc) and doc[end].lower_ in _JOINERS and span.label_ != "PERSON" and head in lexicon.of_heads:
        j = end + 1
        if j < len(doc) and doc[j].lower_ == "the":
            j += 1
        nxt = starts.get(j) or starts.get(end + 1)
        if nxt is not None and nxt.label_ not in ("PERSON", "DATE") and _same_line(doc, span.start, nxt.end):
            tail = nxt.text.removeprefix("the ").removeprefix("The ")
            if not (geo.country_code(tail) and any(t.lower_ == "of" for t in span)):
                return Span(doc, span.start, nxt.end, label=lexicon.of_heads[head]), [nxt]
        elif nxt is None:  # an untagged tail of capitalised words ("for the Republic")
            k = j
            while k < len(doc) and k - j < 5 and k not in covered and (
                _name_token(doc[k]) or (doc[k].lower_ in ("of", "and", "the") and k + 1 < len(doc) and _name_token(doc[k + 1]))
            ):
                k += 1
            if k > j and _name_token(doc[k - 1]) and _same_line(doc, span.start, k) and not geo.country_code(doc[j:k].text):
                return Span(doc, span.start, k, label=lexicon.of_heads[head]), []
    nxt = starts.get(end)
    if nxt is not None and nxt.label_ in ("ORG", "FAC", "EVENT", "GPE", "LOC") and len(nxt) >= 2 and _same_line(doc, span.start, nxt.end):
        last = nxt[-1].lower_
        if span.label_ in ("PERSON", "GPE") and nxt[-1].is_title and (
            last in lexicon.org_final_heads or last in lexicon.fac_heads
        ):
            return Span(doc, span.start, nxt.end, label="FAC" if last in lexicon.fac_heads else "ORG"), [nxt]
        if span.label_ == "NORP" and len(span) == 1 and geo.demonym_country(span.text):
            return Span(doc, span.start, nxt.end, label=nxt.label_), [nxt]
    if (
        end + 1 < len(doc)
        and doc[end].lower_ == "and"
        and span.label_ in ("GPE", "LOC")
        and (nxt := starts.get(end + 1)) is not None
        and nxt.label_ == "ORG"
        and len(nxt) >= 2
        and nxt[-1].lower_ in lexicon.org_final_heads
        and (geo.country_code(nxt[0].text) or geo.region_country(nxt[0].text))
    ):
        return Span(doc, span.start, nxt.end, label="ORG"), [nxt]
    return None


def fix_generic_institutions(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops an institution noun used alone ("the Party said", "the Centre", "the Executive Board"): it
    names no particular body the reader could tell from the word."""
    return [
        s
        for s in ents
        if not (
            s.label_ in NAME_LABELS
            and " ".join(t.lower_ for t in s if t.lower_ not in ("the", "a", "an")) in lexicon.generic_institutions
        )
    ]


def fix_regnal_names(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A monarch's or cleric's name after a regnal title ("King Felipe VI", "Crown Princess Leonor") is a
    person, with a regnal number ("Abdullah II") kept; a person's name followed by a regnal number takes it
    in."""
    covered = {i: s for s in ents for i in range(s.start, s.end)}
    result = []
    for span in ents:
        end = span.end
        if span.label_ == "PERSON" and end < len(doc) and _is_roman(doc[end]) and end not in covered:
            span = Span(doc, span.start, end + 1, label="PERSON")
        result.append(span)
    ents = result
    covered = {i: s for s in ents for i in range(s.start, s.end)}
    added, replaced = [], set()
    for token in doc:
        if not (token.is_title and token.lower_ in lexicon.regnal_titles):
            continue
        i = token.i + 1
        while i < len(doc) and doc[i].is_title and lexicon.is_title(doc[i].text):  # "Crown Princess"
            i += 1
        start, j = i, i
        while j < len(doc) and j - start < 5 and (
            (_name_token(doc[j]) and not lexicon.is_title(doc[j].text))
            or (doc[j].lower_ in _NAME_PARTICLES and j > start and j + 1 < len(doc) and _name_token(doc[j + 1]))
        ):
            j += 1
        if j == start:
            continue
        if j < len(doc) and _is_roman(doc[j]):
            j += 1
        name = doc[start:j]
        if any(t.lower_ in lexicon.place_nouns or t.lower_ in lexicon.org_heads or t.lower_ in lexicon.fac_heads
               or t.lower_ in lexicon.loc_heads for t in name):
            continue
        owners = {covered[k] for k in range(token.i, j) if k in covered}
        if any(o.start < token.i or o.end > j for o in owners):
            continue
        if any(o.label_ == "PERSON" and o.start >= start for o in owners) or geo.country_code(name.text):
            continue
        replaced.update((o.start, o.end) for o in owners)
        added.append(Span(doc, start, j, label="PERSON"))
    return [s for s in ents if (s.start, s.end) not in replaced] + added


def _is_roman(token) -> bool:
    return token.is_upper and 1 <= len(token.text) <= 5 and bool(_ROMAN.fullmatch(token.text)) and token.text != "I"


def fix_person_tail(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Completes a person's name the model cut short: a hyphenated given name ("Kang Shin" + "-chul") or a
    last proper-noun word of a three-part name ("Yoon Suk" + "Yeol's")."""
    covered = {i for s in ents for i in range(s.start, s.end)}
    result = []
    for span in ents:
        end = span.end
        if span.label_ == "PERSON" and len(span) >= 2 and end < len(doc) and end not in covered:
            if end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_ and doc[end + 1].is_alpha:
                end += 2
            elif (
                _name_token(doc[end])
                and doc[end].is_title
                and doc[end - 1].whitespace_ == " "
                and not lexicon.is_title_prefix_word(doc[end].text)
                and (end + 1 >= len(doc) or not doc[end + 1].text[:1].isupper())
                and _same_line(doc, span.start, end + 1)
            ):
                end += 1
        result.append(span if end == span.end else Span(doc, span.start, end, label="PERSON"))
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


def fix_described_orgs(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A short name the text describes as an organisation is one: after a lower-case kind of organisation
    ("grid operator X", "videogame maker X Y"), before "party"/"union" ("the ruling X party", "the X and Y
    unions"), or followed by ", the ... company". A word of another person's name is left alone, and a
    known place stays a place ("the Texas company")."""
    person_words = {t.text for s in ents if s.label_ == "PERSON" and len(s) > 1 for t in s}
    covered = {i for s in ents for i in range(s.start, s.end)}
    result = []
    for span in ents:
        if span.label_ in ("PERSON", "GPE", "LOC", "NORP", "PRODUCT", "WORK_OF_ART") and _described_org(doc, span.start, span.end, lexicon):
            if not (len(span) == 1 and span.text in person_words) and not _known_place(span.text):
                if span.label_ != "NORP" or not geo.demonym_country(span.text):
                    span = _relabel(span, "ORG")
        result.append(span)
    for token in doc:  # untagged: "the Unite union", "Naftogaz, the state energy company,"
        i = token.i
        if i in covered or not _name_token(token) or not (token.is_upper or token.is_title) or len(token) < 2:
            continue
        if i > 0 and _name_token(doc[i - 1]) or i + 1 < len(doc) and _name_token(doc[i + 1]):
            continue  # part of a longer untagged name
        if lexicon.is_title_prefix_word(token.text) or token.lower_ in lexicon.function_words:
            continue
        after_noun = i + 1 < len(doc) and doc[i + 1].lower_ in lexicon.org_after_nouns and doc[i + 1].is_lower
        if (after_noun or _described_org(doc, i, i + 1, lexicon, appositive_only=True)) and not _known_place(token.text):
            result.append(Span(doc, i, i + 1, label="ORG"))
            covered.add(i)
    return result


def _described_org(doc: Doc, start: int, end: int, lexicon: EntityLexicon, appositive_only: bool = False) -> bool:
    if not appositive_only:
        before = doc[start - 1] if start > 0 else None
        if end - start <= 2 and before is not None and before.is_lower and before.lower_ in lexicon.org_descriptors and before.tag_ in ("NN", "NNS"):
            return not (start > 1 and doc[start - 2].lower_ in ("a", "an"))
        if end < len(doc) and doc[end].is_lower and doc[end].lower_ in lexicon.org_after_nouns and end - start <= 2:
            return True
        if end + 2 < len(doc) and doc[end].lower_ == "and" and doc[end + 2].lower_ in lexicon.org_after_nouns and doc[end + 2].lower_.endswith("s") and _name_token(doc[end + 1]):
            return True
    # appositive: "X, the state energy company," / "X, a shipbuilder."
    if end + 2 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in ("the", "a", "an"):
        k = end + 2
        while k < len(doc) and k - end <= 5 and doc[k].is_lower and doc[k].is_alpha:
            if doc[k].lower_ in lexicon.org_descriptors and doc[k].tag_ in ("NN", "NNS"):
                return k + 1 < len(doc) and doc[k + 1].text in (",", ".", ";")
            k += 1
    return False


def _known_place(text: str) -> bool:
    return bool(
        geo.country_code(text) or geo.region_country(text)
        or geo.canonical_city(text, min_population=_PLACE_TITLE_POPULATION)
    )


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


@cache
def default_lexicon() -> EntityLexicon:
    """The packaged lexicon, read once per process."""
    return EntityLexicon.from_dict(json_data(NLP_DATA, "entity_lexicon.json"))


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
