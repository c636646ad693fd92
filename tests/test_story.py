"""Parse logic: wire copy and ninjs into stories, and every kind of bad input rejected with a reason."""
import datetime
import json

import pytest

from wirestream.transforms.wire.story import (
    NINJS,
    TEXT,
    RawInput,
    Rejected,
    html_to_text,
    parse_story,
    split_header,
    split_headline,
)

LIMIT = 10_000


def raw(payload: bytes, content_type=None, default_id="story-1", **kwargs) -> RawInput:
    return RawInput(payload, f"in/{default_id}", default_id, content_type, **kwargs)


def test_wire_copy_with_headline_and_date_header():
    text = b" date 2022-12-31\nRates rise again\n\nSYDNEY, January 1 (Reuters) - The central bank raised rates.\n"
    story = parse_story(raw(text, TEXT), LIMIT)
    assert story.story_id == "story-1"
    assert story.headline == "Rates rise again"
    assert story.body == "SYDNEY, January 1 (Reuters) - The central bank raised rates."
    assert story.reference_date == datetime.date(2022, 12, 31)


def test_header_on_the_same_line_as_the_dateline():
    date, rest = split_header(" date 2021-12-29 MOSCOW, December 30. /TASS/. Text.")
    assert date == datetime.date(2021, 12, 29)
    assert rest == "MOSCOW, December 30. /TASS/. Text."


@pytest.mark.parametrize(
    "text, headline",
    [
        ("Putin backs China in rejecting boycott\n\nPresident Vladimir Putin said on Tuesday ...",
         "Putin backs China in rejecting boycott"),
        ("The minister said on Friday that talks would resume.\n\nMore text follows here.", None),
        ("By Jane Doe\n\nLONDON (Reuters) - Shares fell.", None),
        ("One paragraph story without any headline at all", None),
    ],
)
def test_headline_is_a_short_first_line_that_reads_like_one(text, headline):
    assert split_headline(text)[0] == headline


def test_ninjs_fields_and_story_id_from_uri():
    item = {
        "uri": "urn:x:1", "headline": "Talks resume", "body_text": "GENEVA (Reuters) - Talks resumed.",
        "versioncreated": "2023-11-09T14:05:00Z", "language": "en", "located": "Geneva",
    }
    story = parse_story(raw(json.dumps(item).encode(), NINJS), LIMIT)
    assert (story.story_id, story.headline, story.language) == ("urn:x:1", "Talks resume", "en")
    assert story.located == "Geneva"
    assert story.published_at == datetime.datetime(2023, 11, 9, 14, 5, tzinfo=datetime.timezone.utc)
    assert story.reference_date == datetime.date(2023, 11, 9)
    assert story.version == "2023-11-09T14:05:00Z"


def test_ninjs_body_html_is_flattened_and_content_type_is_sniffed():
    item = {"body_html": "<p>PARIS (AFP) - First <b>paragraph</b>.</p><p>Second one.</p>"}
    story = parse_story(raw(json.dumps(item).encode()), LIMIT)
    assert story.body == "PARIS (AFP) - First paragraph.\n\nSecond one."
    assert story.story_id == "story-1"


def test_attributes_give_story_id_and_publish_time_gives_reference_date():
    published = datetime.datetime(2024, 1, 2, 23, 30, tzinfo=datetime.timezone.utc)
    message = raw(b"Some wire copy here.", TEXT, attributes={"story_id": "abc"}, published_at=published)
    story = parse_story(message, LIMIT)
    assert story.story_id == "abc"
    assert story.reference_date == datetime.date(2024, 1, 2)


@pytest.mark.parametrize(
    "payload, content_type, reason",
    [
        (b"", TEXT, "empty input"),
        (b"  \n\t\n  \n", TEXT, "no text: only whitespace"),
        (b"MOSCOW, May 3. /TASS/. \xff\xfe broken bytes", TEXT, "not valid UTF-8"),
        (bytes(range(256)) * 4, TEXT, "binary, not text"),
        (b'{"uri": "u", "body_text": "cut off', NINJS, "invalid JSON"),
        (b'{"uri": "u", "headline": "No body"}', NINJS, "no story body: ninjs without body_text or body_html"),
        (b'["a", "list"]', NINJS, "not a ninjs object"),
        (rb'{"body_text": "Talks \ud800 resumed."}', NINJS,
         "invalid Unicode: an unpaired surrogate escape in the JSON text"),
        (b"12 34 56 -- 78", TEXT, "not a story: no words in the body"),
    ],
)
def test_bad_inputs_are_rejected_with_a_reason(payload, content_type, reason):
    with pytest.raises(Rejected) as rejected:
        parse_story(raw(payload, content_type), LIMIT)
    assert rejected.value.reason == reason


def test_oversized_input_is_rejected_with_its_real_size():
    with pytest.raises(Rejected, match="over the size limit: 3000000 bytes > 10000"):
        parse_story(raw(b"x" * LIMIT, TEXT, size=3_000_000), LIMIT)


def test_html_to_text_keeps_paragraphs():
    assert html_to_text("<div>One<br>Two</div>") == "One\n\nTwo"


def test_script_style_and_other_non_text_elements_never_reach_the_body():
    markup = ("<html><head><title>Page</title><style>p {color: red}</style></head><body>"
              "<p>PARIS (AFP) - Ministers backed the plan.</p><script>var x = 'Ministers oppose tracking';</script>"
              "<noscript>Enable JavaScript</noscript><svg><text>chart label</text></svg><svg/>"
              "<p>Unions <b>rejected</b> it.</p><template><p>hidden</p></template><iframe>frame</iframe></body></html>")
    assert html_to_text(markup) == "PARIS (AFP) - Ministers backed the plan.\n\nUnions rejected it."
    item = {"uri": "u", "body_html": markup}
    story = parse_story(raw(json.dumps(item).encode(), NINJS), LIMIT)
    assert "tracking" not in story.body and "color" not in story.body and "Enable" not in story.body


def test_crlf_line_breaks_become_lf_in_headline_and_body():
    text = b"Ministers back plan\r\n\r\nLONDON (Reuters) - Ministers backed the plan.\r\nUnions did not.\rEnd."
    story = parse_story(raw(text, TEXT), LIMIT)
    assert story.headline == "Ministers back plan"
    assert story.body == "LONDON (Reuters) - Ministers backed the plan.\nUnions did not.\nEnd."
    ninjs = json.dumps({"uri": "u", "body_text": "One line.\r\nTwo lines.\r\n"}).encode()
    assert parse_story(raw(ninjs, NINJS), LIMIT).body == "One line.\nTwo lines."
