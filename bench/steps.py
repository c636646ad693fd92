"""CPU per story of each of wirestream's own steps, beside spaCy's: `python bench/steps.py --stories N`.

The stage functions are called directly, in one process, as a worker calls them (parse, dateline, `nlp.pipe`
with the pipeline's components, entities, stances, Avro record), each timed with the process CPU clock
over the same generated corpus; Beam's own overhead (bundles, coders, shuffles) is what `run.py`'s c/a
shows beyond these. Rounds alternate and every figure is the median, so a slow spell moves all steps alike.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]

import corpus_fr  # noqa: E402
from corpus import raw_inputs, story_text, write_corpus  # noqa: E402


def timed(step: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = step()
    return time.process_time() - started, result


def one_round(inputs: list, model: str, annotators: dict) -> dict[str, float]:
    """CPU seconds of each step over all `inputs`."""
    from wirestream.schemas import WIRE_STORY, load_schema
    from wirestream.transforms.limits import MAX_ENTITIES, MAX_STANCES
    from wirestream.transforms.nlp.annotate import analysis_text, annotate, doc_dateline
    from wirestream.transforms.nlp.entities import extract_entities
    from wirestream.transforms.nlp.model import Annotator, load_nlp
    from wirestream.transforms.nlp.stances import extract_stances
    from wirestream.transforms.wire.language import story_language
    from wirestream.transforms.wire.record import story_record
    from wirestream.transforms.wire.story import normalize_dateline, parse_story
    from wirestream.transforms.write import encode

    annotator = annotators.setdefault(model, Annotator(load_nlp(model)))
    schema = load_schema(WIRE_STORY)
    seconds: dict[str, float] = {}
    seconds["parse (incl. language)"], stories = timed(lambda: [parse_story(raw, 1 << 20) for raw in inputs])
    seconds["  language alone"], _ = timed(lambda: [story_language(s.body) for s in stories])
    seconds["dateline"], stories = timed(lambda: [normalize_dateline(story) for story in stories])
    texts = [analysis_text(story) for story in stories]
    spans = [doc_dateline(story, offset) for story, (_, offset) in zip(stories, texts, strict=True)]
    seconds["nlp.pipe (the pipeline's components)"], docs = timed(
        lambda: list(annotator._parse([text for text, _ in texts], spans)))
    seconds["entities"], referents = timed(lambda: [
        extract_entities(doc, body_offset=offset, skip=span) for doc, (_, offset), span in zip(docs, texts, spans, strict=True)])
    seconds["stances"], _ = timed(lambda: [extract_stances(doc, found) for doc, found in zip(docs, referents, strict=True)])
    annotated = [annotate(story, doc, offset, MAX_ENTITIES, MAX_STANCES)
                 for story, doc, (_, offset) in zip(stories, docs, texts, strict=True)]
    seconds["Avro record, encoded"], _ = timed(lambda: [encode(schema, story_record(story)) for story in annotated])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--language", choices=("en", "fr"), default="en")
    parser.add_argument("--model", help="default: the pipeline's model for --language")
    args = parser.parse_args()
    from wirestream.transforms.limits import DEFAULT_MODEL, DEFAULT_MODEL_FR

    model = args.model or (DEFAULT_MODEL if args.language == "en" else DEFAULT_MODEL_FR)
    with tempfile.TemporaryDirectory(prefix="wirestream-steps-") as temp:
        write_corpus(Path(temp), args.stories, language=args.language,
                     write_story=story_text if args.language == "en" else corpus_fr.story_text)
        inputs = raw_inputs(Path(temp))
    annotators: dict = {}
    one_round(inputs[:50], model, annotators)  # warm-up: model, gazetteers, lexicons, tokenizer cache
    rounds = [one_round(inputs, model, annotators) for _ in range(args.rounds)]
    steps = {name: statistics.median(r[name] for r in rounds) * 1000 / len(inputs) for name in rounds[0]}
    spacy_ms = steps["nlp.pipe (the pipeline's components)"]
    own = sum(ms for name, ms in steps.items() if not name.startswith(" ") and not name.startswith("nlp.pipe"))
    print(f"{len(inputs)} {args.language} stories, {model}, CPU ms per story, medians of {args.rounds} rounds")
    for name, ms in steps.items():
        print(f"{name:40} {ms:7.2f}")
    print(f"STEPS language={args.language} spacy_ms={spacy_ms:.2f} own_ms={own:.2f} own_share={own / spacy_ms:.3f}")


if __name__ == "__main__":
    main()
