"""Text hygiene, language detection and per-story limits, with the real ftfy, lingua and spaCy model."""
import json
import subprocess
import sys
import time

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests import avro_files
from tests.conftest import REPO, write_inputs
from wirestream.pipeline.options import WirestreamOptions
from wirestream.transforms.analyze import AnalyzeStories
from wirestream.transforms.limits import DEFAULT_MODEL
from wirestream.transforms.nlp.annotate import annotate
from wirestream.transforms.wire.hygiene import MOJIBAKE, clean_text
from wirestream.transforms.wire.language import story_language
from wirestream.transforms.wire.story import (
    COMPLETE,
    NINJS,
    SKIPPED_LANGUAGE,
    TEXT,
    RawInput,
    Rejected,
    Story,
    json_depth,
    parse_story,
)

LIMIT = 1 << 20
FRENCH = ("PARIS (AFP) - Le gouvernement a présenté mardi un projet de loi sur les retraites, que les syndicats "
          "rejettent en bloc. Le ministre du Travail a défendu une réforme « juste et nécessaire » devant les "
          "députés.")
GERMAN = ("BERLIN (dpa) - Die Bundesregierung hat am Dienstag einen Gesetzentwurf zur Rentenreform vorgestellt, den "
          "die Gewerkschaften geschlossen ablehnen. Der Arbeitsminister verteidigte die Reform im Bundestag.")


def parse(text: str, content_type: str = TEXT, **attributes: str) -> Story:
    return parse_story(RawInput(text.encode("utf-8"), "test", "test-id", content_type, attributes), LIMIT)


def test_mojibake_is_repaired_and_said():
    text, warnings = clean_text("The minister visited SÃ£o Paulo and said â€œweâ€™ll back the planâ€\x9d.")
    assert text == "The minister visited São Paulo and said “we’ll back the plan”."
    assert warnings == [MOJIBAKE]


def test_mojibake_within_good_text_is_repaired_and_said():
    text, warnings = clean_text("SÃO PAULO (Reuters) - Ministers backed the cafÃ© owners’ plan.")
    assert text == "SÃO PAULO (Reuters) - Ministers backed the café owners’ plan."
    assert warnings == [MOJIBAKE]


@pytest.mark.parametrize("text", [
    "Plain ASCII wire copy.",
    "“Curly quotes” and a dash — stay; so do Zürich, Łódź and 北京.",
    "SÃO PAULO, Jan 5 (Reuters) - Brazil's finance minister said.",  # Portuguese, not mojibake
    "新华社北京１２月３０日电，国家主席习近平（右）会见普京。",  # full-width forms are CJK typography
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
    (FRENCH, None, ("fr", False)),
    ("BERLIN (Reuters) - Germany's cabinet approved the budget on Wednesday after weeks of talks.", None,
     ("en", True)),
    ("Der Kanzler sagte am Dienstag in Berlin, die Regierung unterstütze den Plan der Kommission.", None,
     ("de", False)),
    ("Vláda v úterý představila návrh zákona o důchodech, který odbory zcela odmítají.", None, ("cs", False)),
    ("Η κυβέρνηση παρουσίασε την Τρίτη νομοσχέδιο για τις συντάξεις, το οποίο απορρίπτουν.", None, ("el", False)),
    ("新华社北京12月30日电 国家主席习近平30日在北京会见了俄罗斯总统普京。", None, ("zh", False)),  # one "word"
    ("Путин заявил о переговорах", None, (None, False)),  # short: not sure which, but not English
    ("የኢትዮጵያ መንግሥት ማክሰኞ ዕለት የጡረታ ሕግ ረቂቅ አቅርቧል።", None, (None, False)),  # a script lingua does not know
    ("Apple unveils iPhone", None, (None, True)),  # too short to tell: taken as English
    (FRENCH, "en-GB", ("en", True)),  # a declared language is trusted
    ("Ministers back pact on fishing quotas in the Atlantic, officials said on Monday.", "ES", ("es", False)),
    (FRENCH, "fre", ("fr", False)),  # ISO 639-2 codes too
    (FRENCH, "English", ("fr", False)),  # not a code: detection decides
])
def test_story_language(text, declared, expected):
    assert story_language(text, declared) == expected


def test_a_declared_language_that_is_not_a_code_is_ignored_with_a_warning():
    english = "Ministers backed the pact on fishing quotas in the Atlantic, officials said on Monday."
    story = parse(json.dumps({"body_text": english, "language": 5}), NINJS)
    assert (story.language, story.analysis) == ("en", COMPLETE)
    assert story.warnings == ("declared language ignored: '5'",)


def test_a_story_in_a_language_without_a_model_is_kept_with_a_status_not_rejected():
    story = parse(GERMAN)
    assert (story.language, story.analysis) == ("de", SKIPPED_LANGUAGE)
    french = parse(FRENCH)  # French has a model of its own
    assert (french.language, french.analysis, french.nlp_language) == ("fr", COMPLETE, "fr")
    english = parse("BERLIN (Reuters) - Germany's cabinet approved the budget on Wednesday after weeks of talks.")
    assert (english.language, english.analysis) == ("en", COMPLETE)


def test_parse_cleans_headline_and_body_and_records_why():
    story = parse("Minister backs SÃ£o Paulo rail plan\n\nSÃO PAULO (Reuters) - The\x0b minister backed the plan.")
    assert story.headline == "Minister backs São Paulo rail plan" and "\x0b" not in story.body
    assert story.warnings == (MOJIBAKE, "control characters removed: 1")


@pytest.mark.parametrize("text, depth", [
    ("[" * 100_000 + "]" * 100_000, 100_000),
    (json.dumps({"body_text": "Talks resumed in Geneva."}) + "{" * 50_000, 50_000),
    # a field nested deep enough that json.loads succeeds but printing it would hit the recursion limit
    ('{"body_text": "Talks resumed in Geneva.", "uri": ' + "[" * 900 + "]" * 900 + "}", 901),
])
def test_deeply_nested_json_is_rejected_with_a_reason(text, depth):
    with pytest.raises(Rejected) as rejected:
        parse(text, NINJS)
    assert (rejected.value.reason, rejected.value.detail) == ("JSON nested too deeply", f"{depth} levels > 64")


def test_brackets_inside_json_strings_do_not_count():
    story = parse(json.dumps({"body_text": "Talks [" + "[" * 100 + "] resumed in Geneva.", "uri": "u"}), NINJS)
    assert story.story_id == "u"
    assert json_depth('{"a": ["x\\"", {"b": "]]}}"}]}') == 3


def test_the_depth_check_is_linear_on_escaped_quotes():
    """A pattern that needs each string's closing quote rescans the text from every escaped quote: 60,000 of
    them took 40 s. The check must stay well under a second."""
    started = time.perf_counter()
    assert json_depth("[" * 65 + '"' + '\\"' * 60_000) == 65
    assert time.perf_counter() - started < 1


def test_the_nlp_stage_passes_stories_in_a_language_without_a_model_through_untouched():
    german = parse(GERMAN)
    with TestPipeline() as p:
        stories, dead = p | beam.Create([german]) | AnalyzeStories(DEFAULT_MODEL, LIMIT)
        assert_that(stories, equal_to([german]), label="Unchanged")
        assert_that(dead, equal_to([]), label="NoDeadLetters")


def test_entities_and_stances_beyond_the_limits_are_cut_with_a_warning(nlp):
    names = ["Maria Alvarado", "John Okafor", "Li Schmidt", "Olga Nakamura", "Carlos Petrova"]
    body = " ".join(f"{name} backed the plan." for name in names)
    story = Story("limits", "test", body, body.encode())
    full = annotate(story, nlp(body), 0)
    cut = annotate(story, nlp(body), 0, max_entities=3, max_stances=2)
    assert len(full.entities) == 5 and len(full.stances) == 5 and full.warnings == ()
    assert [e.text for e in cut.entities] == names[:3]
    assert [s.holder for s in cut.stances] == names[:2]
    assert cut.warnings == ("entities truncated at 3 of 5", "stances truncated at 2 of 5")


def test_the_limits_are_options_that_reach_the_nlp_stage(tmp_path):
    names = ["Maria Alvarado", "John Okafor", "Li Schmidt", "Olga Nakamura", "Carlos Petrova"]
    inputs = write_inputs(tmp_path / "in", {"list.txt": " ".join(f"{n} backed the plan." for n in names).encode()})
    output = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "wirestream", "run", "--input", str(inputs / "*"), "--output", str(output),
                    "--max_entities", "3", "--max-stances", "2"], cwd=REPO, capture_output=True, check=True)
    [record] = avro_files.stories(str(output))
    assert [e["text"] for e in record["entities"]] == names[:3] and len(record["stances"]) == 2
    assert record["warnings"] == ["entities truncated at 3 of 5", "stances truncated at 2 of 5"]


def test_a_limit_below_one_is_refused():
    assert PipelineOptions(["--max_entities", "1"]).view_as(WirestreamOptions).max_entities == 1
    with pytest.raises(SystemExit):
        PipelineOptions(["--max_entities", "0"]).get_all_options()
