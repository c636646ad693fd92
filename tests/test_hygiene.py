"""Text hygiene, language detection and per-story limits, with the real ftfy, lingua and spaCy model."""
import json

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.analyze import AnalyzeStories, annotate
from transforms.hygiene import MOJIBAKE, clean_text
from transforms.language import story_language
from transforms.nlp import DEFAULT_MODEL
from transforms.story import COMPLETE, NINJS, SKIPPED_LANGUAGE, TEXT, RawInput, Rejected, Story, parse_story

LIMIT = 1 << 20
FRENCH = ("PARIS (AFP) - Le gouvernement a présenté mardi un projet de loi sur les retraites, que les syndicats "
          "rejettent en bloc. Le ministre du Travail a défendu une réforme « juste et nécessaire » devant les "
          "députés.")


def parse(text: str, content_type: str = TEXT, **attributes: str) -> Story:
    return parse_story(RawInput(text.encode("utf-8"), "test", "test-id", content_type, attributes), LIMIT)


def test_mojibake_is_repaired_and_said():
    text, warnings = clean_text("The minister visited SÃ£o Paulo and said â€œweâ€™ll back the planâ€\x9d.")
    assert text == "The minister visited São Paulo and said “we’ll back the plan”."
    assert warnings == [MOJIBAKE]


@pytest.mark.parametrize("text", [
    "Plain ASCII wire copy.",
    "“Curly quotes” and a dash — stay; so do Zürich, Łódź and 北京.",
])
def test_clean_text_leaves_good_text_alone(text):
    assert clean_text(text) == (text, [])


def test_control_and_invisible_characters_are_removed_and_counted():
    text, warnings = clean_text("Kyiv\x07 said\u200b the \u202eplan\u202c was\x00 agreed.\n\nNext paragraph.")
    assert text == "Kyiv said the plan was agreed.\n\nNext paragraph."
    assert warnings == ["control characters removed: 5"]


def test_unicode_is_nfc_normalized():
    decomposed = "Cafe\u0301 owners in Mu\u0308nchen"
    assert clean_text(decomposed)[0] == "Café owners in München"


@pytest.mark.parametrize("text, declared, expected", [
    (FRENCH, None, "fr"),
    ("BERLIN (Reuters) - Germany's cabinet approved the budget on Wednesday after weeks of talks.", None, "en"),
    ("Der Kanzler sagte am Dienstag in Berlin, die Regierung unterstütze den Plan der Kommission.", None, "de"),
    ("Apple unveils iPhone", None, None),  # too short to tell: taken as English
    (FRENCH, "en-GB", "en"),  # a declared language is trusted
    ("Ministers back pact on fishing quotas in the Atlantic, officials said on Monday.", "ES", "es"),
])
def test_story_language(text, declared, expected):
    assert story_language(text, declared) == expected


def test_a_story_not_in_english_is_kept_with_a_status_not_rejected():
    story = parse(FRENCH)
    assert (story.language, story.analysis) == ("fr", SKIPPED_LANGUAGE)
    english = parse("BERLIN (Reuters) - Germany's cabinet approved the budget on Wednesday after weeks of talks.")
    assert (english.language, english.analysis) == ("en", COMPLETE)


def test_parse_cleans_headline_and_body_and_records_why():
    story = parse("Minister backs SÃ£o Paulo rail plan\n\nSÃO PAULO (Reuters) - The\x0b minister backed the plan.")
    assert story.headline == "Minister backs São Paulo rail plan" and "\x0b" not in story.body
    assert story.warnings == (MOJIBAKE, "control characters removed: 1")


def test_deeply_nested_json_is_rejected_with_a_reason():
    with pytest.raises(Rejected) as rejected:
        parse("[" * 100_000 + "]" * 100_000, NINJS)
    assert rejected.value.reason == "invalid JSON: nested too deeply"
    with pytest.raises(Rejected):
        parse(json.dumps({"body_text": "x"}) + "{" * 50_000, NINJS)


def test_the_nlp_stage_passes_stories_not_in_english_through_untouched():
    french = parse(FRENCH)
    with TestPipeline() as p:
        stories, dead = p | beam.Create([french]) | AnalyzeStories(DEFAULT_MODEL, LIMIT)
        assert_that(stories, equal_to([french]), label="Unchanged")
        assert_that(dead, equal_to([]), label="NoDeadLetters")


def test_entities_and_stances_beyond_the_limits_are_cut_with_a_warning(nlp):
    names = ["Maria Alvarado", "John Okafor", "Li Schmidt", "Olga Nakamura", "Carlos Petrova"]
    body = " ".join(f"{name} backed the plan." for name in names)
    story = Story("limits", "test", body, body.encode())
    full = annotate(story, nlp(body), 0)
    cut = annotate(story, nlp(body), 0, max_entities=3, max_stances=2)
    assert len(full.entities) == 5 and len(full.stances) == 5 and full.warnings == ()
    assert [e["text"] for e in cut.entities] == names[:3]
    assert [s["holder"] for s in cut.stances] == names[:2]
    assert cut.warnings == ("entities truncated at 3 of 5", "stances truncated at 2 of 5")
