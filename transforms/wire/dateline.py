"""Finds and normalises the dateline that opens a wire story ("MOSCOW, December 30. /TASS/.").

A wrong dateline silently corrupts analytics, so every form needs an anchor that prose does not have:
an agency credit in parentheses or slashes, an all-capitals city before a dash, or a line holding only
the place (and an ISO date); the text before the anchor must parse as place, qualifiers and date.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from wirestream.transforms.wire import geo
from wirestream.transforms.wire.data import WIRE_DATA, tsv_rows


@dataclass(frozen=True)
class Dateline:
    """A story's dateline; `start`/`end` are offsets in the body (`end` is where the lede starts), None
    for one taken from ninjs `located` instead of the text."""

    raw: str
    city: str | None
    country_code: str | None
    date: datetime.date | None
    agency: str | None
    start: int | None = None
    end: int | None = None
    admin1: str | None = None  # GeoNames code of a state or province qualifier ("Ore." -> "OR"), for coordinates
    geonames_id: int | None = None  # where the city is, when the name resolves to one place (geo.place_point)
    latitude: float | None = None
    longitude: float | None = None


def _fold_month(word: str) -> str:
    """Comparison form of a month word: no accents, no case, no dot ("Déc." and "DEC" meet)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold().rstrip(".")


# Month names and abbreviations of every language in dateline_months.tsv ("December", "Dec", "décembre",
# "janv"), accented or not; longest first, so that "mars" is not read as "mar" and a stray "s".
_MONTHS = {_fold_month(word): int(month) for word, month, _language in tsv_rows(WIRE_DATA, "dateline_months.tsv")}
_MONTH_FORMS = {form for word, _month, _language in tsv_rows(WIRE_DATA, "dateline_months.tsv")
                for form in (word, _fold_month(word))}
_MONTH = rf"(?:{'|'.join(re.escape(f) for f in sorted(_MONTH_FORMS, key=lambda f: (-len(f), f)))})"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DATE = (
    rf"(?i:(?P<mon>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<mon2>{_MONTH})\.?(?:,?\s+(?P<year2>\d{{4}}))?"
    rf"|(?P<nday>\d{{1,2}})/(?P<nmon>\d{{1,2}})(?:/(?P<nyear>\d{{4}}))?(?![\d/])"  # day/month[/year]: Belga, MAP
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<wday>{_WEEKDAY}))"
)
_LETTER = r"[^\W\d_]"
_CAP_WORD = rf"(?:[A-ZÀ-ÖØ-Þ]{_LETTER}*(?:['’-]{_LETTER}+)*(?:\.(?:{_LETTER}{{1,2}}\.)*)?)"
_PARTICLES = frozenset("de da do dos das del della di du des la le les el al am an au on upon of sur en y and".split())
_PARTICLE = rf"(?:{'|'.join(sorted(_PARTICLES))})"
_PLACE = rf"{_CAP_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_CAP_WORD}){{0,4}}"
_NOT_DATE = rf"(?!(?i:{_MONTH}|{_WEEKDAY})\b)"
# Place, optional qualifiers (state, province, country) and optional date, all before the anchor.
_PREFIX = re.compile(
    rf"(?P<city>{_NOT_DATE}{_PLACE})(?P<quals>(?:\s*,\s*{_NOT_DATE}{_PLACE})*)(?:\s*[,.]?\s*{_DATE})?\s*[,.]?"
)
_DATE_ONLY = re.compile(rf"(?:{_DATE})?\s*[,.]?")
_PAREN = re.compile(r"\((?P<agency>[^()\n]{1,40})\)")
_SLASHED = re.compile(r"/(?P<agency>[A-Z][A-Za-z-]{1,20})/\.?")
_DASH = re.compile(r"\s+(?:-{1,2}|[—–]{1,2})\s+")
_SEPARATOR = re.compile(r"\s*(?:\.?\s*(?:-{1,3}|[—–]{1,2})|\.-|:|=)?\s*")
_LEDE_START = re.compile(r"[\"“‘'«(\[A-Z0-9À-Þ]")
_BYLINE = re.compile(r"By\s+[A-Z][^\n]{0,80}$")
# "By Jane Doe LONDON, ..." on one line: names in mixed case, then the capitals of the dateline.
_INLINE_BYLINE = re.compile(r"By\s+(?:(?:[A-Z][a-z'’][\w'’-]*|[A-Z]\.)\s+(?:and\s+)?){1,6}(?=[A-Z]{2})")
_AGENCY_LIKE = re.compile(r"[A-Z][A-Za-z&'-]*(?:\s+[A-Z][A-Za-z&'-]*){0,3}")
ENGLISH = "en"
_STRICT_POPULATION = 100_000  # without an agency credit, only a city this big is taken as a dateline
_MAX_UNKNOWN_CITY = 40  # an all-capitals place the gazetteer lacks is still a short name
_MAX_PLACE_LINE = 60  # a line holding only the place (and an ISO date) is short
_MAX_LINES = 4  # the dateline sits on one of the first lines (after a headline or byline)
_PROSE_LINE = 200  # a longer line that is not a dateline is the lede: stop looking


@lru_cache(maxsize=1)
def _agencies() -> dict[str, tuple[str, str]]:
    """Written agency (case-folded) -> (canonical name, home country)."""
    return {written.casefold(): (canonical, home) for written, canonical, home in tsv_rows(WIRE_DATA, "dateline_agencies.tsv")}


@lru_cache(maxsize=1)
def _states() -> dict[str, tuple[str, str | None]]:
    """AP state/province abbreviation or full name (dots and case ignored) -> (country, GeoNames admin1 code)."""
    table: dict[str, tuple[str, str | None]] = {}
    for abbreviation, name, country, admin1 in tsv_rows(WIRE_DATA, "dateline_ap_states.tsv"):
        table[_plain(abbreviation)] = table[_plain(name)] = (country, admin1 or None)
    return table


@lru_cache(maxsize=1)
def _standalone() -> dict[str, tuple[str, str | None]]:
    """AP stand-alone dateline city (dots and case ignored) -> (canonical name, country)."""
    return {_plain(form): (name, country or None) for form, name, country in tsv_rows(WIRE_DATA, "dateline_ap_standalone.tsv")}


def _plain(text: str) -> str:
    """Comparison form of AP abbreviations: "N.Y." and "NY", "St. Louis" and "ST LOUIS" meet."""
    return " ".join(text.replace(".", " ").upper().split())


def _canonical_agency(written: str) -> tuple[str, str | None] | None:
    """Canonical agency and home country; an unknown one is kept as written if it looks like a name."""
    written = " ".join(written.split())
    known = _agencies().get(written.casefold())
    if known:
        return known
    if "reuters" in written.casefold():
        return _agencies()["reuters"]
    if len(written) <= 30 and _AGENCY_LIKE.fullmatch(written) and not re.search(rf"(?i)\b{_MONTH}\b", written):
        return written, None
    return None


def _resolve_date(match: re.Match[str], reference: datetime.date | None) -> datetime.date | None:
    """Date of the dateline: a year-less month/day takes the year that puts it nearest the reference."""
    if match.group("iso"):
        try:
            return datetime.date.fromisoformat(match.group("iso"))
        except ValueError:
            return None
    if match.group("wday"):
        wanted = match.group("wday").casefold()
        return reference if reference and reference.strftime("%A").casefold() == wanted else None
    month_word = match.group("mon") or match.group("mon2")
    if match.group("nmon"):
        month, day, year = int(match.group("nmon")), int(match.group("nday")), match.group("nyear")
        if not 1 <= month <= 12:
            return None
    elif not month_word:
        return reference
    else:
        month = _MONTHS[_fold_month(month_word)]
        day = int(match.group("day") or match.group("day2"))
        year = match.group("year") or match.group("year2")
    if year:
        try:
            return datetime.date(int(year), month, day)
        except ValueError:
            return None
    if reference is None:
        return None
    candidates = []
    for y in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(datetime.date(y, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs(d - reference), default=None)



def _title(text: str) -> str:
    """Title case for an all-capitals city the gazetteer lacks ("PORT-AU-PRINCE" -> "Port-au-Prince")."""
    if not text.isupper():
        return text

    def word(w: str) -> str:
        low = w.lower()
        return low if low in _PARTICLES else "'".join(p[:1].upper() + p[1:] for p in low.split("'"))

    return " ".join("-".join(word(part) for part in token.split("-")) for token in text.split())


def _qualifier_country(qualifier: str, prefer: str | None) -> str | None:
    """Country named by what follows the city: a state or province, a country, or a region."""
    state = _states().get(_plain(qualifier))
    return state[0] if state else geo.country_code(qualifier) or geo.region_country(qualifier, prefer)


def _locate(
    city: str, quals: list[str], prefer: str | None, min_population: int, strict: bool = False
) -> tuple[str, str | None] | None:
    """(canonical city, country) from a state/country qualifier, AP's list or the gazetteer; None if unknown.

    Without a qualifier the gazetteer only counts places of at least `min_population`; `strict` (no agency
    credit) also refuses alternate names that are not a spelling of the city's own name, such as
    translations ("WHITE HOUSE" is a GeoNames name of Casablanca).
    """
    city = " ".join(city.split())
    for qualifier in quals:
        country = _qualifier_country(qualifier, prefer)
        if country:
            found = geo.canonical_city(city, prefer, within=country)
            return (found[0] if found else _title(city)), country
    standalone = _standalone().get(_plain(city))
    if standalone:
        return standalone
    found = geo.canonical_city(city, prefer, min_population=min_population, spelling_only=strict)
    country = geo.country_code(city)  # "SINGAPORE", "KUWAIT": the place is the country
    if country and (not found or found[1] != country):
        return (found[0] if found else _title(city)), country
    return found


def _parse_prefix(text: str) -> re.Match[str] | None:
    """Text before an agency credit: a place (with qualifiers and date), a date alone, or nothing."""
    text = text.strip()
    return _PREFIX.fullmatch(text) or _DATE_ONLY.fullmatch(text)


def _build(
    body: str, span: tuple[int, int], prefix: re.Match[str], credit: tuple[str, str | None] | None,
    reference: datetime.date | None, strict: bool,
) -> Dateline | None:
    """Dateline from a parsed prefix; `strict` forms (no agency credit) need a well-known place."""
    city_text = prefix.groupdict().get("city")
    city = country = admin1 = None
    if city_text and _plain(city_text) == "UNDATED":  # AP's dateline for stories from no one place
        city_text = None
    if city_text:
        quals = [q for q in re.split(r"\s*,\s*", prefix.group("quals")) if q.strip()]
        home = credit[1] if credit else None
        located = _locate(city_text, quals, home, _STRICT_POPULATION if strict else 0, strict)
        if located:
            city, country = located
            admin1 = next((state[1] for q in quals if (state := _states().get(_plain(q))) and state[0] == country), None)
        elif strict or not city_text.isupper() or len(city_text) > _MAX_UNKNOWN_CITY:
            return None  # an unknown place is only believed in capitals before an agency credit
        else:
            city = _title(" ".join(city_text.split()))
    elif strict:
        return None
    has_date = any(prefix.group(g) for g in ("mon", "mon2", "nmon", "iso", "wday"))
    date = _resolve_date(prefix, reference) if has_date else reference
    start, end = span
    point = geo.place_point(city, country, admin1=admin1, city=True) if city else None
    return Dateline(
        raw=body[start:end].rstrip(), city=city, country_code=country, date=date,
        agency=credit[0] if credit else None, start=start, end=end, admin1=admin1, **geo.point_fields(point),
    )


def _after_separator(body: str, pos: int, line_end: int) -> int | None:
    """Offset of the lede after an agency credit (the end of `body` if nothing follows), or None when the
    line goes on with something that is not a sentence."""
    sep = _SEPARATOR.match(body, pos, line_end)
    end = sep.end() if sep else pos
    if pos < end < line_end and _LEDE_START.match(body, end):
        return end
    if not body[end:].strip():  # a dateline with no story after it: found, so the caller can reject it
        return len(body)
    return None


def _at_line(
    body: str, start: int, line_end: int, next_line: int | None, reference: datetime.date | None
) -> Dateline | None:
    """Tries every dateline form at the start of one line."""
    line = body[start:line_end]
    paren = _PAREN.search(line, 0, 160)
    slashed = _SLASHED.search(line, 0, 160)
    anchor = min((m for m in (paren, slashed) if m), key=lambda m: m.start(), default=None)
    if anchor:
        credit = _canonical_agency(anchor.group("agency"))
        prefix = _parse_prefix(line[: anchor.start()])
        lede = _after_separator(body, start + anchor.end(), line_end) if credit and prefix else None
        if credit and prefix and lede is not None:
            if prefix.group(0).strip():
                return _build(body, (start, lede), prefix, credit, reference, False)
            # "(ANSA) - ROME, JAN 3 - ..." puts the credit first; "(Bloomberg) -- ..." has no place.
            dash = _DASH.search(line, lede - start, 120)
            inner = _PREFIX.fullmatch(body[lede:start + dash.start()].strip()) if dash else None
            if inner and _LEDE_START.match(body, start + dash.end()):
                found = _build(body, (start, start + dash.end()), inner, credit, reference, False)
                if found:
                    return found
            if credit[1] is not None:  # only a known agency is credit enough without a place
                return _build(body, (start, lede), prefix, credit, reference, False)
            return None
    dash = _DASH.search(line, 0, 120)
    if dash:
        prefix = _PREFIX.fullmatch(line[: dash.start()].strip())
        lede = line[dash.end():]
        if prefix and prefix.group("city").isupper() and _LEDE_START.match(lede) and _is_sentence(lede):
            return _build(body, (start, start + dash.end()), prefix, None, reference, True)
    if next_line is not None and len(line.strip()) <= _MAX_PLACE_LINE:
        prefix = _PREFIX.fullmatch(line.strip())
        if prefix and prefix.group("city").isupper():
            if prefix.group("iso"):  # the Reuters corpus (RCV1) layout: "ROME 1996-12-06" on its own line
                return _build(body, (start, next_line), prefix, _agencies()["reuters"], reference, False)
            dated = any(prefix.group(g) for g in ("mon", "mon2", "nmon", "wday"))
            if not dated and _is_sentence(body[next_line:next_line + 300]):
                # The place alone on its own line ("ANKARA"), the lede below it. Anadolu uses this
                # layout but so do press releases and other wires: the line names no agency, so none
                # is credited.
                return _build(body, (start, next_line), prefix, None, reference, True)
    return None


def _is_sentence(text: str) -> bool:
    """A lede is prose with lower-case words, unlike an all-capitals headline."""
    words = text.split()[:12]
    return len(words) >= 4 and sum(w[:1].islower() for w in words) >= 2


def find_dateline(
    body: str, reference_date: datetime.date | None = None, language: str | None = None
) -> Dateline | None:
    """The dateline at the top of `body` (after any headline or byline lines), or None if it has none.

    `language` is the story's: in copy that is not English the city is named by its English (GeoNames)
    name, so that "GENÈVE" and "GENEVA" meet as Geneva; `raw` keeps the dateline as written. An agency
    credit the dateline lacks may close the story on a line of its own ("(La Presse Canadienne)")."""
    if isinstance(reference_date, datetime.datetime):  # a publish timestamp passed as is
        reference_date = reference_date.date()
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", body[:2000])]
    seen = 0
    for i, (line_start, line_end) in enumerate(lines):
        if seen >= _MAX_LINES:
            break
        start = line_start + len(body[line_start:line_end]) - len(body[line_start:line_end].lstrip())
        inline = _INLINE_BYLINE.match(body, start, line_end)
        if inline:
            start = inline.end()
        elif _BYLINE.match(body, start, line_end):
            continue
        seen += 1
        next_line = lines[i + 1][0] if i + 1 < len(lines) else None
        found = _at_line(body, start, line_end, next_line, reference_date)
        if found:
            if found.agency is None:
                found = dataclasses.replace(found, agency=_closing_credit(body))
            if language and language != ENGLISH and found.city and found.country_code:
                found = dataclasses.replace(found, city=geo.english_city_name(found.city, found.country_code))
            return found
        if line_end - start > _PROSE_LINE:
            break
    return None


def _closing_credit(body: str) -> str | None:
    """A known agency credited on the story's last line alone ("(La Presse Canadienne)"), else None."""
    last = body.rstrip().rpartition("\n")[2].strip()
    match = _PAREN.fullmatch(last)
    credit = _canonical_agency(match.group("agency")) if match else None
    return credit[0] if credit and credit[1] is not None else None


def located_dateline(located: str, reference_date: datetime.date | None) -> Dateline:
    """A dateline from ninjs `located` ("Dakar" or "Dakar, Senegal") for a story whose body has none."""
    city, _, qualifier = (part.strip() for part in located.partition(","))
    country = geo.country_code(qualifier) if qualifier else None
    found = geo.canonical_city(city, within=country)
    country = country or (found[1] if found else None)
    return Dateline(
        raw=located,
        city=found[0] if found else city,
        country_code=country,
        date=reference_date,
        agency=None,
        **geo.point_fields(geo.place_point(found[0], country, city=True) if found else None),
    )
