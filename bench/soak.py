"""Memory soak: many generated stories through the parse, dateline and NLP stages of one worker.

    python bench/soak.py                      # 50,000 stories, memory zones on (what the pipeline runs)
    python bench/soak.py --stories 10000 --no-zone   # the same without spaCy memory zones, for contrast

spaCy's vocab keeps every string and lexeme it has ever seen (spaCy issues 3618, 5083, 11596), so a
long-running worker that sees new names every minute grows without end. AnnotateBatchFn runs each batch
inside `nlp.memory_zone()`; this benchmark shows the effect. Each story carries invented names, codes and
figures that no earlier story had, the worst case for the vocab. The stage DoFns run in-process, exactly
as a worker calls them (setup, then process per batch), without Beam's scheduling around them.

Its last line, for scripts:
`SOAK stories=N zone=on rss_warm_mb=… rss_end_mb=… growth_pct=… strings_warm=… strings_end=… stories_per_s=…`
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]

from apache_beam import pvalue  # noqa: E402
from apache_beam.utils import shared  # noqa: E402
from corpus import story_text  # noqa: E402

from wirestream.transforms.analyze import AnnotateBatchFn  # noqa: E402
from wirestream.transforms.datelines import NormalizeDatelineFn  # noqa: E402
from wirestream.transforms.limits import DEFAULT_MODEL  # noqa: E402
from wirestream.transforms.parse import ParseStoryFn  # noqa: E402
from wirestream.transforms.wire.story import RawInput, Story  # noqa: E402

MAX_BYTES = 262_144
SYLLABLES = ["ka", "lo", "mir", "zan", "tu", "vek", "sha", "ro", "din", "qua", "bel", "tor", "nyx", "ul", "fen",
             "gra", "pol", "wes", "yar", "chi", "dro", "mun", "sel", "tiv"]


def invented_word(rng: random.Random) -> str:
    """A capitalised word spaCy has almost certainly never seen: a new string for the vocab."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def soak_story(rng: random.Random, number: int) -> bytes:
    """A short wire story (about 80 words) whose names, company and reference code are all new."""
    headline, body, _, day = story_text(rng, rng.randint(40, 70))
    person = f"{invented_word(rng)} {invented_word(rng)}"
    company = f"{invented_word(rng)} {rng.choice(['Holdings', 'Group', 'Energy', 'Bank'])}"
    extra = (f"{person}, chief executive of {company}, said the filing {rng.choice('ABCDEFGH')}-{number:06d} "
             f"was worth {rng.randint(1, 999)}.{rng.randint(0, 9)} million {invented_word(rng)} dollars.")
    return f" date {day.isoformat()}\n{headline}\n\n{body}\n\n{extra}\n".encode()


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_outputs(fn, item) -> list:
    """A DoFn's outputs for one element, main output only (the soak counts dead letters separately)."""
    return [out for out in fn.process(item) if not isinstance(out, pvalue.TaggedOutput)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=64, help="stories per AnnotateBatchFn.process call")
    parser.add_argument("--warmup", type=int, default=5_000, help="stories before the reference RSS")
    parser.add_argument("--sample_every", type=int, default=5_000)
    parser.add_argument("--no-zone", dest="zone", action="store_false", help="annotate without memory zones")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()

    parse, dateline = ParseStoryFn(MAX_BYTES), NormalizeDatelineFn(MAX_BYTES)
    annotate = AnnotateBatchFn(args.model, shared.Shared(), MAX_BYTES)
    annotate.setup()
    nlp = annotate._model.nlp
    # Without zones: the same per-batch work, minus the zone (and its lock, which costs nothing here).
    run_batch = annotate.process if args.zone else annotate._annotate

    rng = random.Random(50_000)
    batch: list[Story] = []
    annotated = rejected = 0
    warm_rss = warm_strings = 0
    started = time.perf_counter()
    print(f"{'stories':>8} {'RSS MB':>8} {'strings':>9} {'stories/s':>10}", flush=True)
    for number in range(1, args.stories + 1):
        raw = RawInput(soak_story(rng, number), f"soak:{number}", f"soak-{number}")
        batch.extend(story for parsed in stage_outputs(parse, raw) for story in stage_outputs(dateline, parsed))
        if len(batch) == args.batch or number == args.stories:
            outputs = list(run_batch(batch))
            done = sum(not isinstance(out, pvalue.TaggedOutput) for out in outputs)
            annotated += done
            rejected += len(outputs) - done
            batch = []
        if number == args.warmup:
            warm_rss, warm_strings = rss_mb(), len(nlp.vocab.strings)
        if number % args.sample_every == 0 or number == args.stories:
            rate = number / (time.perf_counter() - started)
            print(f"{number:>8} {rss_mb():>8.0f} {len(nlp.vocab.strings):>9} {rate:>10.1f}", flush=True)
    elapsed = time.perf_counter() - started
    end_rss, end_strings = rss_mb(), len(nlp.vocab.strings)
    warm_rss = warm_rss or end_rss
    growth = 100 * (end_rss - warm_rss) / warm_rss
    print(f"annotated {annotated}, rejected {rejected} of {args.stories}", file=sys.stderr)
    print(f"SOAK stories={args.stories} zone={'on' if args.zone else 'off'} rss_warm_mb={warm_rss:.0f} "
          f"rss_end_mb={end_rss:.0f} growth_pct={growth:.1f} strings_warm={warm_strings} "
          f"strings_end={end_strings} stories_per_s={args.stories / elapsed:.1f}")


if __name__ == "__main__":
    main()
