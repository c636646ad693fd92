"""Entities per referent from a parsed story: one entry per person, organisation or place.

Mentions come from `doc.ents` as corrected by the `wirestream_ner_fixes` component (transforms/nlp.py).
Here they are grouped within the story: same name, surname -> full name, acronym <-> expansion, and a
country's short forms ("the U.S.", "US", "United States"). A capital stays its own place: metonymy
("Washington said") is not guessed.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from transforms import geo
from transforms.nlp import POSSESSIVES, acronym_of, after_title, company_short_name, default_lexicon

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART")
PLACE_LABELS = ("GPE", "LOC", "FAC")
ACRONYM = re.compile(r"[A-Z]{2,6}")


@dataclass
class Entity:
    """One referent of a story; `spans` are its mentions in the Doc (not serialized)."""

    text: str
    label: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    country_code: str | None = None
    in_headline: bool = False
    start: int | None = None  # body offsets of the first mention in the body
    end: int | None = None
    spans: list[Span] = field(default_factory=list, repr=False, compare=False)


@dataclass
class _Group:
    """Mentions believed to share a referent while grouping; read `canonical` and `label` only once all its
    mentions are in (they are worked out on first use, then kept)."""

    spans: list[Span]
    forms: list[str]  # each mention's name as written, without "the", titles or possessive
    _canonical: str | None = field(default=None, repr=False)
    _label: str | None = field(default=None, repr=False)

    @property
    def canonical(self) -> str:
        """The fullest form: most words, then not all capitals (a headline's "RUSSIA"), then most
        characters, then first written."""
        if self._canonical is None:
            ranked = max(enumerate(self.forms),
                         key=lambda p: (len(p[1].split()), not p[1].isupper(), len(p[1]), -p[0]))
            self._canonical = ranked[1]
        return self._canonical

    @property
    def label(self) -> str:
        if self._label is None:
            canonical = self.canonical
            labels = [s.label_ for s, f in zip(self.spans, self.forms) if f == canonical]
            self._label = Counter(labels).most_common(1)[0][0]
        return self._label


def extract_entities(doc: Doc, body_offset: int = 0, skip: tuple[int, int] | None = None) -> list[Entity]:
    """One Entity per referent, in order of first mention; spans overlapping `skip` (the dateline,
    reported separately) are left out."""
    spans = [
        s
        for s in doc.ents
        if s.label_ in ENTITY_LABELS and not (skip and s.start_char < skip[1] and s.end_char > skip[0])
    ]
    groups: dict[str, _Group] = {}
    for span in spans:
        form = mention_form(span)
        if form:
            group = groups.setdefault(norm(form), _Group([], []))
            group.spans.append(span)
            group.forms.append(form)
    merged = _merge(list(groups.values()), spans)
    merged.sort(key=lambda g: min(s.start for s in g.spans))
    return _to_entities(merged, body_offset)


def mention_form(span: Span) -> str:
    """A mention's name: no leading article, no title before a person, no trailing possessive."""
    doc, start, end = span.doc, span.start, span.end
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    if span.label_ == "PERSON":
        start = after_title(doc, start, end, default_lexicon())
    while end > start and doc[end - 1].text in POSSESSIVES:
        end -= 1
    text = doc[start:end].text if end > start else ""
    return re.sub(r"['’]s$", "", text).strip()


def norm(text: str) -> str:
    """Matching key: case, accents, dots and spacing ignored ("U.S." == "US")."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.casefold().replace(".", "").split())


def _merge(groups: list[_Group], spans: list[Span]) -> list[_Group]:
    """Joins groups of one referent: country forms, a surname (or a family name written first) with
    the one full name it belongs to, an acronym with its expansion."""
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_country: dict[str, int] = {}
    for i, g in enumerate(groups):  # "Britain" and "UK" meet; "England" or "Scotland" stay apart
        if (
            g.label in PLACE_LABELS
            and (code := geo.country_code(g.canonical))
            and not geo.is_country_part(g.canonical)
        ):
            union(i, by_country.setdefault(code, i))

    persons = [(i, norm(g.canonical).split()) for i, g in enumerate(groups) if g.label == "PERSON"]
    for i, g in enumerate(groups):
        words = norm(g.canonical).split()
        if g.label != "PERSON" and (len(words) > 1 or geo.country_code(g.canonical)):
            continue
        fuller = {find(j) for j, full in persons if len(full) > len(words) and full[-len(words) :] == words}
        if not fuller and len(words) == 1:  # "Xi" of "Xi Jinping": family name first
            fuller = {find(j) for j, full in persons if len(full) > 1 and full[0] == words[0]}
        if len(fuller) == 1:  # a name shared by two people in the story stays unresolved
            union(i, fuller.pop())

    expansions: dict[str, set[int]] = {}
    for i, g in enumerate(groups):
        if g.label == "ORG" and (acronym := acronym_of(g.canonical.split(), default_lexicon())):
            expansions.setdefault(acronym, set()).add(i)
    for i, g in enumerate(groups):
        acronym = g.canonical.replace(".", "")
        if ACRONYM.fullmatch(acronym) and len(found := {find(j) for j in expansions.get(acronym, ())}) == 1:
            union(i, found.pop())

    by_name = {norm(g.canonical): i for i, g in enumerate(groups) if g.label == "ORG"}
    for i, g in enumerate(groups):  # "Lufthansa AG" and "Lufthansa": a company with and without legal form
        short = company_short_name(g.canonical.split(), default_lexicon()) if g.label == "ORG" else None
        if short and (j := by_name.get(norm(" ".join(short)))) is not None:
            union(j, i)

    index = {(s.start, s.end): i for i, g in enumerate(groups) for s in g.spans}
    for span in spans:  # "Doctors Without Borders (MSF)": the story spells the acronym out
        doc, after = span.doc, span.end
        if after + 2 < len(doc) and doc[after].text == "(" and (span.start, span.end) in index:
            inner = index.get((after + 1, after + 2))
            if inner is not None and doc[after + 2].text == ")" and ACRONYM.fullmatch(doc[after + 1].text):
                union(inner, index[(span.start, span.end)])

    merged: dict[int, _Group] = {}
    for i, g in enumerate(groups):
        root = merged.setdefault(find(i), _Group([], []))
        root.spans.extend(g.spans)
        root.forms.extend(g.forms)
    return list(merged.values())


def _to_entities(groups: list[_Group], body_offset: int) -> list[Entity]:
    entities = []
    for g in groups:
        order = sorted(range(len(g.spans)), key=lambda k: g.spans[k].start)
        spans = [g.spans[k] for k in order]
        canonical = g.canonical
        aliases = list(dict.fromkeys(g.forms[k] for k in order if g.forms[k] != canonical))
        entity = Entity(text=canonical, label=g.label, aliases=aliases, mentions=len(spans), spans=spans)
        entity.in_headline = spans[0].start_char < body_offset
        first_body = next((s for s in spans if s.start_char >= body_offset), None)
        if first_body is not None:
            entity.start, entity.end = first_body.start_char - body_offset, first_body.end_char - body_offset
        entities.append(entity)
    _add_country_codes(entities)
    return entities


def _add_country_codes(entities: list[Entity]) -> None:
    """Countries code themselves; other places are resolved preferring the story's main country. Only
    a GPE is looked up among cities; a region or facility ("New South Wales") takes the country of a
    province of that name only if the story names that country, so "the Gulf" does not become
    Papua New Guinea's Gulf Province."""
    countries = Counter()
    for e in entities:
        if e.label in PLACE_LABELS and (code := geo.country_code(e.text)):
            e.country_code = code
            countries[code] += e.mentions
        elif e.label == "NORP":
            e.country_code = geo.demonym_country(e.text)
    prefer = countries.most_common(1)[0][0] if countries else None
    for e in entities:
        if e.label == "GPE" and e.country_code is None:
            e.country_code = geo.place_country(e.text, prefer=prefer)
        elif e.label in PLACE_LABELS and e.country_code is None:
            code = geo.region_country(e.text, prefer=prefer)
            e.country_code = code if code in countries else None
