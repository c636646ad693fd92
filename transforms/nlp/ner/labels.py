"""NER fixes of labels by the words of the name or around it: head words, described organisations, generic
institutions, countries read as persons, named storms."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from wirestream.transforms.nlp.ner.lexicon import (
    NAME_LABELS,
    EntityLexicon,
    _known_place,
    _name_token,
    _relabel,
    big_place,
    sports_copy,
)
from wirestream.transforms.wire import geo


def fix_heads(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Relabels by the name's head word: events ("Beijing Winter Olympics") and facilities
    ("Andes-Pacific Railway", "the Kestrel Point plant") the model called places or organisations."""
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


def fix_demonyms(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A nationality or people ("Briton", "Tajik", "Chechens", "ex-Soviet") is NORP, whatever the model said."""
    return [
        _relabel(s, "NORP")
        if s.label_ in ("PERSON", "ORG", "GPE", "LOC") and len(s) <= 2 and _demonym(s.text) and not geo.country_code(s.text)
        else s
        for s in ents
    ]


def _demonym(text: str) -> bool:
    word = text.removeprefix("ex-")
    return bool(geo.demonym_country(word) or (word.endswith("s") and geo.demonym_country(word[:-1])))


def fix_competitions(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A name ending in a competition's head word ("... Cup", "... Open", "... Tour") is an event, also when
    the model called it an organisation."""
    return [
        _relabel(s, "EVENT")
        if s.label_ in ("ORG", "PERSON", "GPE", "LOC") and len(s) >= 2 and s[-1].is_title
        and s[-1].lower_ in lexicon.competition_heads
        else s
        for s in ents
    ]


def fix_sports_clubs(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """In team-sport copy a place's name stands for its club: a region, county or big city named anywhere but
    after a locative preposition, or a smaller place beside a fixture cue ("beat X", "X 2"), is an
    organisation in every mention; so is "<Place> <Nicknames>" ("Denver Comets") and its nickname alone.
    Countries stay places (national sides), and a word of a person's name stays the person's."""
    if not sports_copy(doc, lexicon):
        return ents
    person_words = {t.text for s in ents if s.label_ == "PERSON" and len(s) > 1 for t in s}
    teams, nicknames = set(), set()
    for s in ents:
        if (
            len(s) >= 2 and s.label_ != "PERSON" and s[-1].is_title and s[-1].text.endswith("s")
            and big_place(doc[s.start : s.end - 1].text)
        ):
            nicknames.add(s[-1].text)
            teams.update((s.text.casefold(), doc[s.start : s.end - 1].text.casefold()))
    for s in ents:
        if s.label_ not in _CLUB_MISREADS or len(s) > 3 or s.text in person_words or geo.country_code(s.text):
            continue
        prev = doc[s.start - 1].lower_ if s.start > 0 else ""
        if prev in lexicon.locative_preps or prev in ("at", "of") or (
            prev == "," and s.start > 1 and doc[s.start - 2].lower_ in ("in", "at")
        ):
            continue
        nxt = doc[s.end] if s.end < len(doc) else None
        cue = prev in lexicon.fixture_words or (nxt is not None and (nxt.lower_ in lexicon.fixture_words or nxt.is_digit))
        text = s.text if not s.text.isupper() else s.text.title()
        if big_place(text) or (cue and (geo.canonical_city(text) or geo.region_country(text))):
            teams.add(s.text.casefold())
    if not teams and not nicknames:
        return ents
    return [
        _relabel(s, "ORG")
        if s.label_ in _CLUB_MISREADS and (s.text.casefold() in teams or (len(s) == 1 and s.text in nicknames))
        else s
        for s in ents
    ]


_CLUB_MISREADS = frozenset({"GPE", "LOC", "PERSON", "NORP", "FAC"})


def fix_fixtures(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """In team-sport copy the capitalised names on either side of "v" ("Kent v Essex") are the sides: a
    country is the national side (a place), anything else a club (an organisation)."""
    if not sports_copy(doc, lexicon):
        return ents
    covered = {i for s in ents for i in range(s.start, s.end)}
    added = []
    for token in doc:
        if token.lower_ not in _VERSUS or token.i in covered:
            continue
        for side in (_name_run(doc, token.i - 1, -1, covered), _name_run(doc, token.i + 1, 1, covered)):
            if side is not None:
                label = "GPE" if geo.country_code(doc[side[0] : side[1]].text) else "ORG"
                added.append(Span(doc, side[0], side[1], label=label))
                covered.update(range(*side))
    return ents + added


_VERSUS = frozenset({"v", "v.", "vs", "vs."})


def _name_run(doc: Doc, i: int, step: int, covered: set[int]) -> tuple[int, int] | None:
    """The run of up to three untagged capitalised words from token `i` going `step`, on one line."""
    j = i
    while 0 <= j < len(doc) and abs(j - i) < 3 and j not in covered and doc[j].is_alpha and doc[j].text[:1].isupper():
        if step < 0 and j < i and "\n" in doc[j].whitespace_ or step > 0 and j > i and "\n" in doc[j - 1].whitespace_:
            break
        j += step
    if j == i:
        return None
    start, end = (j + 1, i + 1) if step < 0 else (i, j)
    return start, end


def fix_venues(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """In team-sport copy a name met only after "at" ("at Millbrook Park", "at the Riverside ground") is the
    ground, a place, not a club, and so is a town after its ground ("at Mill Lane, Derby")."""
    if not sports_copy(doc, lexicon):
        return ents
    venue: dict[str, bool] = {}
    for s in ents:
        if s.label_ not in NAME_LABELS or len(s) > 3:
            continue
        i = s.start - 1
        if i >= 0 and doc[i].lower_ == "the":
            i -= 1
        at = i >= 0 and doc[i].lower_ == "at"
        if not at and i >= 1 and doc[i].text == ",":
            before = next((v for v in ents if v.end == i), None)
            at = before is not None and before.start > 0 and doc[before.start - 1].lower_ == "at"
        key = s.text.casefold()
        venue[key] = venue.get(key, True) and at
    return [
        _relabel(s, "FAC" if len(s) > 1 else "GPE")
        if s.label_ in ("ORG", "PERSON") and venue.get(s.text.casefold()) and not any(t.lower_ in lexicon.org_heads for t in s)
        else s
        for s in ents
    ]
