"""NER fixes of people's names and what is no name: joined and completed names, regnal names, a person after a
role word, portfolio words of titles."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from wirestream.transforms.nlp.context import doc_text
from wirestream.transforms.nlp.ner.lexicon import (
    NAME_LABELS,
    EntityLexicon,
    _is_caps_word,
    _name_token,
    _relabel,
    _same_line,
    big_place,
    opens_with_given_name,
)
from wirestream.transforms.wire import geo

_JOINERS = frozenset({"of", "for"})


_ROMAN = re.compile(r"(?:X{0,3})(?:IX|IV|V?I{0,3})")


_NAME_PARTICLES = frozenset({"bin", "bint", "ibn", "al", "el", "de", "del", "da", "van", "von", "der", "la"})


def fix_not_names(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Drops spans that cannot be names: no capitalised word ("boycotts"), a unit's or statistic's
    abbreviation ("GMT", "RBI"), or a lone adjective
    modifying a common noun ("Olympic diplomatic boycott"), which is kept only as a demonym (NORP)."""
    result = []
    for span in ents:
        if span.label_ not in NAME_LABELS:
            result.append(span)
            continue
        if not any(_is_caps_word(t.text) for t in span):
            continue
        if len(span) == 1 and span[0].lower_ in lexicon.abbreviations:
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
    ("WHO official Ingrid Solberg", "its director, Astrid Nyberg") that the model called something else."""
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


def fix_list_items(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """Reads a line-up or squad as a list ("Team: A B, C D, E F, G H"): on a line of at least four comma-
    separated items of one to four capitalised words and almost no lower-case words, where at least three
    items are persons (the model's, or opening with a given name) and twice as many as the items the model
    called something else, every item of two words or more is a person: untagged, or tagged whole as anything
    but a place or nationality. Countries and titles are not."""
    found = []
    spans = None
    offset = 0
    for line in doc_text(doc).split("\n"):
        line_offset, offset = offset, offset + len(line) + 1
        if line.count(",") < 3:
            continue
        span = doc.char_span(line_offset, line_offset + len(line), alignment_mode="expand")
        if span is None or not _list_of_names(span, lexicon):
            continue
        items = _list_items(span, lexicon)
        if len(items) < 4:
            continue
        if spans is None:
            spans = {i: s for s in ents for i in range(s.start, s.end)}
        persons = others = 0
        for start, end in items:
            owner = spans.get(start)
            if (owner is not None and owner.label_ == "PERSON") or opens_with_given_name(doc[start:end]):
                persons += 1
            elif owner is not None and owner.label_ in NAME_LABELS and not geo.country_code(owner.text):
                others += 1  # the team's country heading its line-up is no vote against
        if persons < 3 or persons < 2 * others:
            continue
        for start, end in items:
            owners = {spans[i] for i in range(start, end) if i in spans}
            if lexicon.is_title(doc[start].text) or geo.country_code(doc[start:end].text):
                continue
            if not owners:
                found.append(Span(doc, start, end, label="PERSON"))
            elif (
                end - start >= 2 and len(owners) == 1 and (owner := owners.pop()).label_ not in _PLACE_OR_PEOPLE
                and (owner.start, owner.end) == (start, end) and owner.label_ != "PERSON"
            ):
                found.append(owner)
    if not found:
        return ents
    relabelled = {(s.start, s.end) for s in found}
    return [s for s in ents if (s.start, s.end) not in relabelled] + [_relabel(s, "PERSON") for s in found]


_PLACE_OR_PEOPLE = frozenset({"GPE", "LOC", "FAC", "NORP"})


def _list_of_names(line: Span, lexicon: EntityLexicon) -> bool:
    words = [t for t in line if t.is_alpha]
    lower = [t for t in words if t.is_lower and t.lower_ not in lexicon.list_particles]
    return len(words) >= 6 and len(lower) <= 0.15 * len(words)


def _list_items(line: Span, lexicon: EntityLexicon) -> list[tuple[int, int]]:
    """Runs of capitalised words (name particles inside) of one to four tokens."""
    items, start = [], None
    for t in line:
        word = t.is_alpha or ("'" in t.text and len(t) > 2) or ("-" in t.text and t.text != "-")
        if word and (t.text[:1].isupper() or (start is not None and t.lower_ in _NAME_PARTICLES)):
            if start is None:
                start = t.i
            continue
        if start is not None:
            items.append((start, t.i))
        start = None
    if start is not None:
        items.append((start, line.end))
    return [(s, e) for s, e in items if e - s <= 4]


def fix_given_names(doc: Doc, ents: list[Span], lexicon: EntityLexicon) -> list[Span]:
    """A two- or three-word name the model called an organisation or a place is a person when it opens with a
    given name and holds no title, head word, legal form or place ("Marcus Ellery" ORG); a lone word that is
    the surname of such a person elsewhere in the story is that person too."""
    organisational = lexicon.org_heads | lexicon.fac_heads | lexicon.event_heads | lexicon.loc_heads | lexicon.office_words
    result = []
    for s in ents:
        if (
            s.label_ in ("ORG", "GPE") and 2 <= len(s) <= 3 and all(t.is_alpha and t.is_title for t in s)
            and opens_with_given_name(s) and not s[-1].text.endswith("s")
            and not any(t.lower_ in organisational or lexicon.is_title(t.text) or t.text in lexicon.legal_forms
                        or t.text in lexicon.corporate_words for t in s)
            and not (geo.country_code(s.text) or big_place(s.text) or geo.canonical_city(s.text)
                     or geo.country_code(s[-1].text))
        ):
            s = _relabel(s, "PERSON")
        result.append(s)
    surnames = {s[-1].text for s in result if s.label_ == "PERSON" and len(s) >= 2}
    return [
        _relabel(s, "PERSON") if len(s) == 1 and s.label_ in ("ORG", "GPE", "LOC", "FAC") and s.text in surnames else s
        for s in result
    ]
