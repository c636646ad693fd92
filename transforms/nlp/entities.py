"""Entities per referent from a parsed story: one entry per person, organisation or place.

Mentions come from `doc.ents` as corrected by the `wirestream_ner_fixes` component (nlp/ner/).
Here they are grouped within the story: same name, surname -> full name, acronym <-> expansion, and a
country's short forms ("the U.S.", "US", "United States"). A capital stays its own place: metonymy
("Washington said") is not guessed.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.tokens import Doc, Span

from wirestream.transforms.nlp.languages import entity_lexicon
from wirestream.transforms.nlp.ner import POSSESSIVES, acronym_of, after_title, company_short_name
from wirestream.transforms.wire import geo
from wirestream.transforms.wire.record import Entity

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART")
PLACE_LABELS = ("GPE", "LOC", "FAC")
ACRONYM = re.compile(r"[A-Z]{2,6}")


class Referent(NamedTuple):
    """An entity with its mentions in the Doc: the stance step reads both, the record only the entity."""

    entity: Entity
    spans: list[Span]


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
        """The label most of the referent's mentions carry, so one mislabelled mention ("Dana Whitlock" as an
        organisation once, a person five times as "Whitlock") does not decide it; on a tie, the label of the
        fullest form's mentions, then of the first."""
        if self._label is None:
            canonical = self.canonical
            votes = Counter(s.label_ for s in self.spans)
            fullest = Counter(s.label_ for s, f in zip(self.spans, self.forms) if f == canonical)
            self._label = max(votes, key=lambda label: (votes[label], fullest[label]))
        return self._label


def extract_entities(doc: Doc, body_offset: int = 0, skip: tuple[int, int] | None = None) -> list[Referent]:
    """One Referent per referent, in order of first mention; spans overlapping `skip` (the dateline,
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
    merged = _merge(list(groups.values()), spans, doc.lang_)
    merged.sort(key=lambda g: min(s.start for s in g.spans))
    return _to_entities(merged, body_offset, doc.lang_)


def mention_form(span: Span) -> str:
    """A mention's name: no leading article, no title before a person, no trailing possessive."""
    doc, start, end = span.doc, span.start, span.end
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    if span.label_ == "PERSON":
        start = after_title(doc, start, end, entity_lexicon(doc.lang_))
    while end > start and doc[end - 1].text in POSSESSIVES:
        end -= 1
    text = doc[start:end].text if end > start else ""
    return re.sub(r"['’]s$", "", text).strip()


def norm(text: str) -> str:
    """Matching key: case, accents, dots and spacing ignored ("U.S." == "US")."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.casefold().replace(".", "").split())


def _merge(groups: list[_Group], spans: list[Span], lang: str = "en") -> list[_Group]:
    """Joins groups of one referent: country forms, a surname (or a family name written first) with
    the one full name it belongs to, an acronym with its expansion (`lang`: the model's language, whose
    lexicon and country names count)."""
    lexicon = entity_lexicon(lang)
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
            and (code := geo.country_code(g.canonical, lang))
            and not geo.is_country_part(g.canonical)
        ):
            union(i, by_country.setdefault(code, i))

    persons = [(i, norm(g.canonical).split()) for i, g in enumerate(groups) if g.label == "PERSON"]
    for i, g in enumerate(groups):
        words = norm(g.canonical).split()
        if g.label != "PERSON" and (len(words) > 1 or geo.country_code(g.canonical, lang)):
            continue
        fuller = {find(j) for j, full in persons if len(full) > len(words) and full[-len(words) :] == words}
        if not fuller and len(words) == 1:  # "Xi" of "Xi Jinping": family name first
            fuller = {find(j) for j, full in persons if len(full) > 1 and full[0] == words[0]}
        if len(fuller) == 1:  # a name shared by two people in the story stays unresolved
            union(i, fuller.pop())

    expansions: dict[str, set[int]] = {}
    for i, g in enumerate(groups):
        if g.label == "ORG" and (acronym := acronym_of(g.canonical.split(), lexicon)):
            expansions.setdefault(acronym, set()).add(i)
    for i, g in enumerate(groups):
        acronym = g.canonical.replace(".", "")
        if ACRONYM.fullmatch(acronym) and len(found := {find(j) for j in expansions.get(acronym, ())}) == 1:
            union(i, found.pop())

    by_name = {norm(g.canonical): i for i, g in enumerate(groups) if g.label == "ORG"}
    for i, g in enumerate(groups):  # "Lufthansa AG" and "Lufthansa": a company with and without legal form
        short = company_short_name(g.canonical.split(), lexicon) if g.label == "ORG" else None
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


def _to_entities(groups: list[_Group], body_offset: int, lang: str = "en") -> list[Referent]:
    found, mentions = [], []
    for g in groups:
        order = sorted(range(len(g.spans)), key=lambda k: g.spans[k].start)
        spans = [g.spans[k] for k in order]
        canonical = g.canonical
        aliases = tuple(dict.fromkeys(g.forms[k] for k in order if g.forms[k] != canonical))
        first_body = next((s for s in spans if s.start_char >= body_offset), None)
        entity = Entity(
            text=canonical, label=g.label, aliases=aliases, mentions=len(spans),
            in_headline=spans[0].start_char < body_offset,
            start=first_body.start_char - body_offset if first_body is not None else None,
            end=first_body.end_char - body_offset if first_body is not None else None,
        )
        found.append(entity)
        mentions.append(spans)
    codes = _country_codes(found, lang)
    return [Referent(_located(dataclasses.replace(entity, country_code=code)), spans)
            for entity, code, spans in zip(found, codes, mentions, strict=True)]


def _located(entity: Entity) -> Entity:
    """A place the story resolved to a country, with its coordinates when its name means one place there."""
    if entity.label not in PLACE_LABELS or not entity.country_code:
        return entity
    return dataclasses.replace(entity, **geo.point_fields(geo.place_point(entity.text, entity.country_code)))


def _country_codes(entities: list[Entity], lang: str = "en") -> list[str | None]:
    """Countries code themselves; other places are resolved preferring the story's main country. Only
    a GPE is looked up among cities; a region or facility ("New South Wales") takes the country of a
    province of that name only if the story names that country, so "the Gulf" does not become
    Papua New Guinea's Gulf Province."""
    codes: list[str | None] = [None] * len(entities)
    countries = Counter()
    for i, e in enumerate(entities):
        if e.label in PLACE_LABELS and (code := geo.country_code(e.text, lang)):
            codes[i] = code
            countries[code] += e.mentions
        elif e.label == "NORP":
            codes[i] = geo.demonym_country(e.text)
    prefer = countries.most_common(1)[0][0] if countries else None
    for i, e in enumerate(entities):
        if e.label == "GPE" and codes[i] is None:
            codes[i] = geo.place_country(e.text, prefer=prefer, language=lang)
        elif e.label in PLACE_LABELS and codes[i] is None:
            code = geo.region_country(e.text, prefer=prefer)
            codes[i] = code if code in countries else None
    return codes
