"""The story model and the parsing of raw inputs (wire copy or ninjs) into stories.

Plain functions with no Beam in them: the parse stage wraps them, tests call them directly.
"""
from __future__ import annotations

import dataclasses
import datetime
import html.parser
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from wirestream.transforms import limits
from wirestream.transforms.wire.dateline import Dateline, find_dateline, located_dateline
from wirestream.transforms.wire.hygiene import clean_text
from wirestream.transforms.wire.language import declared_code, story_language
from wirestream.transforms.wire.record import Entity, Stance

TEXT = "text"
NINJS = "ninjs"

HEADER_DATE = re.compile(r"\A[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*(?:\r?\n)?", re.IGNORECASE)
PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")
BYLINE = re.compile(r"\A\s*By\s+[A-Z]")
STORY_WORD = re.compile(r"[^\W\d_]{2,}")  # a body needs one after its dateline
MAX_HEADLINE_CHARS = 200
COMPLETE = "complete"  # the `analysis` status of a story the NLP read
SKIPPED_LANGUAGE = "skipped_language"  # ... of one it left alone: in a language it has no model for
CONTROL_CHARS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
SURROGATE = re.compile("[\ud800-\udfff]")  # only JSON escapes can make one: the bytes were strict UTF-8
# ninjs nests a few levels (associations of items with subjects); far deeper is an attack or garbage.
# A string, or an unterminated one to the end of the text: a match from every quote, never a failure to
# backtrack from, so the scan is linear (a pattern that needs the closing quote rescans the rest of the text
# from every escaped quote: 60,000 of them took 40 s).
JSON_STRING = re.compile(r'"(?:[^"\\]+|\\.)*(?:"|\\?\Z)', re.DOTALL)
JSON_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class Rejected(Exception):
    """An input that is not a processable story; `reason` says why in words."""

    def __init__(self, reason: str, detail: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class RawInput:
    """One input as a source delivers it: a story file, a .jsonl line or a Pub/Sub message."""

    payload: bytes
    source: str
    default_id: str
    content_type: str | None = None  # TEXT, NINJS or None (sniffed)
    attributes: dict[str, str] = field(default_factory=dict)
    published_at: datetime.datetime | None = None
    size: int | None = None  # original size when `payload` was cut short

    @property
    def payload_size(self) -> int:
        return len(self.payload) if self.size is None else self.size


@dataclass(frozen=True)
class Story:
    """A story as it moves through the stages; each stage fills in its own fields."""

    story_id: str
    source: str
    body: str
    payload: bytes = field(repr=False)
    headline: str | None = None
    language: str | None = None
    version: str | None = None
    published_at: datetime.datetime | None = None
    reference_date: datetime.date | None = None
    located: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    dateline: Dateline | None = None
    entities: tuple[Entity, ...] = ()
    stances: tuple[Stance, ...] = ()
    analysis: str = COMPLETE
    warnings: tuple[str, ...] = ()
    model: str | None = None  # the spaCy pipeline that analysed it (package==version)

    def replace(self, **changes: Any) -> Story:
        return dataclasses.replace(self, **changes)

    @property
    def nlp_language(self) -> str:
        """Which language's model reads the story: its own if the NLP has one, else English (a story of
        unknown language is read as English; one in another language is `skipped_language` and not read)."""
        return self.language if self.language in limits.ANALYSED_LANGUAGES else limits.ENGLISH

    @property
    def dateline_span(self) -> tuple[int, int] | None:
        """Where the dateline found in the body is (body offsets): the NLP leaves it out of the entities."""
        if self.dateline is None or self.dateline.start is None:
            return None
        return self.dateline.start, self.dateline.end


def parse_story(raw: RawInput, max_bytes: int) -> Story:
    """Turns one raw input into a Story, or raises Rejected with the reason."""
    text = decode_text(raw.payload, raw.payload_size, max_bytes)
    content_type = raw.content_type or (NINJS if text.lstrip().startswith("{") else TEXT)
    if content_type == NINJS:
        return clean_story(_story_from_ninjs(raw, text))
    return clean_story(_story_from_wire_copy(raw, text))


def normalize_dateline(story: Story) -> Story:
    """The story with its dateline found in the body, else taken from ninjs `located`; Rejected when nothing
    but a dateline is left."""
    dateline = find_dateline(story.body, story.reference_date, story.language)
    if dateline is None:
        if story.located:
            return story.replace(dateline=located_dateline(story.located, story.reference_date))
        return story
    if not STORY_WORD.search(story.body[dateline.end:]):
        raise Rejected("no story body: nothing follows the dateline", dateline.raw)
    return story.replace(dateline=dateline)


def clean_story(story: Story) -> Story:
    """Text hygiene on headline and body, then the language: a story in a language the NLP has no model
    for (limits.ANALYSED_LANGUAGES) is kept, with the status that tells the NLP to leave it alone."""
    body, warnings = clean_text(story.body)
    headline, headline_warnings = clean_text(story.headline) if story.headline else ("", [])
    _require_words(body)
    if story.language and not declared_code(story.language):
        warnings.append(f"declared language ignored: {story.language[:20]!r}")
    language = story_language(f"{headline}\n\n{body}" if headline else body, story.language)
    return story.replace(
        body=body.strip(),
        headline=headline.strip() or None,
        language=language.code,
        analysis=COMPLETE if language.english or language.code in limits.ANALYSED_LANGUAGES else SKIPPED_LANGUAGE,
        warnings=tuple(dict.fromkeys([*story.warnings, *headline_warnings, *warnings])),
    )


def decode_text(payload: bytes, size: int, max_bytes: int) -> str:
    """Checks that the payload is UTF-8 text of a sensible size and returns it decoded."""
    if size == 0:
        raise Rejected("empty input")
    if size > max_bytes:
        raise Rejected(f"over the size limit: {size} bytes > {max_bytes} (--max_story_bytes)")
    control = len(CONTROL_CHARS.findall(payload))
    if b"\x00" in payload or control > max(2, len(payload) // 100):
        raise Rejected("binary, not text", f"{control} control bytes in {len(payload)}")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected("not valid UTF-8", str(error)) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise Rejected("no text: only whitespace")
    return text


def _story_from_wire_copy(raw: RawInput, text: str) -> Story:
    reference_date, text = split_header(text)
    headline, body = split_headline(text)
    _require_words(body)
    return Story(
        story_id=raw.attributes.get("story_id") or raw.default_id,
        source=raw.source,
        body=body,
        payload=raw.payload,
        headline=headline,
        version=raw.attributes.get("version"),
        language=raw.attributes.get("language"),
        published_at=raw.published_at,
        reference_date=reference_date or _date_of(raw.published_at),
        attributes=raw.attributes,
    )


def split_header(text: str) -> tuple[datetime.date | None, str]:
    """Strips a leading ` date YYYY-MM-DD` header line; its date is the story's reference date."""
    match = HEADER_DATE.match(text)
    if not match:
        return None, text
    try:
        return datetime.date.fromisoformat(match.group(1)), text[match.end():]
    except ValueError:
        return None, text


def split_headline(text: str) -> tuple[str | None, str]:
    """Takes the first paragraph as headline when it is one short line that reads like one."""
    stripped = text.strip()
    parts = PARAGRAPH_BREAK.split(stripped, maxsplit=1)
    if len(parts) == 2:
        first, rest = parts[0].strip(), parts[1].strip()
        if (
            rest
            and "\n" not in first
            and len(first) <= MAX_HEADLINE_CHARS
            and not first.endswith((".", ",", ":", ";", "-", "—", "–"))
            and not BYLINE.match(first)
            and not _looks_like_dateline(first)
        ):
            return first, rest
    return None, stripped


def _looks_like_dateline(line: str) -> bool:
    found = find_dateline(line)
    return found is not None and found.end >= len(line.rstrip()) - 1


def json_depth(text: str) -> int:
    """How deep the brackets of a JSON text nest (outside its strings), in C-speed steps: the check runs
    before `json.loads`, whose recursion would otherwise decide, at a depth that depends on the caller's stack."""
    brackets = JSON_NOT_BRACKETS.sub("", JSON_STRING.sub("", text))
    return max(itertools.accumulate(map(BRACKET_STEP.__getitem__, brackets)), default=0)


def _story_from_ninjs(raw: RawInput, text: str) -> Story:
    if text.count("[") + text.count("{") > limits.MAX_JSON_DEPTH and (depth := json_depth(text)) > limits.MAX_JSON_DEPTH:
        raise Rejected("JSON nested too deeply", f"{depth} levels > {limits.MAX_JSON_DEPTH}")
    try:
        item = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected("invalid JSON", str(error)) from None

    if not isinstance(item, dict):
        raise Rejected("not a ninjs object", f"JSON {type(item).__name__}")
    body = item.get("body_text")
    if not (isinstance(body, str) and body.strip()) and isinstance(item.get("body_html"), str):
        body = html_to_text(item["body_html"])
    if not (isinstance(body, str) and body.strip()):
        raise Rejected("no story body: ninjs without body_text or body_html")
    _require_words(body)
    headline = item.get("headline")
    if SURROGATE.search(body) or (isinstance(headline, str) and SURROGATE.search(headline)):
        raise Rejected("invalid Unicode: an unpaired surrogate escape in the JSON text")
    published_at = parse_timestamp(item.get("versioncreated")) or raw.published_at
    return Story(
        story_id=_text_field(item, "uri") or raw.attributes.get("story_id") or raw.default_id,
        source=raw.source,
        body=body.strip(),
        payload=raw.payload,
        headline=headline.strip() if isinstance(headline, str) and headline.strip() else None,
        language=_text_field(item, "language"),
        version=_text_field(item, "version") or _text_field(item, "versioncreated") or raw.attributes.get("version"),
        published_at=published_at,
        reference_date=_date_of(published_at),
        located=_text_field(item, "located"),
        attributes=raw.attributes,
    )


def _require_words(body: str) -> None:
    if not re.search(r"[^\W\d_]{2,}", body):
        raise Rejected("not a story: no words in the body")


def _text_field(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    return str(value).strip() or None


def parse_timestamp(value: Any) -> datetime.datetime | None:
    """Reads an RFC 3339 timestamp; a naive one is taken as UTC."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)



def _date_of(moment: datetime.datetime | None) -> datetime.date | None:
    return moment.astimezone(datetime.timezone.utc).date() if moment else None


class _TextExtractor(html.parser.HTMLParser):
    BLOCKS: ClassVar[frozenset[str]] = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"})
    # Elements whose content is code, markup or a widget, never story text (void elements have no content).
    NOT_TEXT: ClassVar[frozenset[str]] = frozenset({
        "script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg", "math", "canvas",
        "audio", "video", "select", "textarea", "button", "applet", "frameset", "noframes",
    })

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # the open NOT_TEXT elements

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.NOT_TEXT:
            self.hidden.append(tag)
        elif tag in self.BLOCKS and not self.hidden:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in self.NOT_TEXT:  # `<svg/>` opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.hidden:
            del self.hidden[len(self.hidden) - 1 - self.hidden[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Flattens ninjs body_html to paragraphs of plain text; script, style and other elements that are not
    text (NOT_TEXT) are left out with their content."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    text = "".join(extractor.parts)
    return "\n\n".join(p.strip() for p in PARAGRAPH_BREAK.split(text) if p.strip())
