"""The batch pipeline gives the same records when its work is split over worker processes.

A managed runner splits the stories over many workers, each with its own copy of every DoFn and its own
spaCy model, and batches them differently: any state shared between stories, a path that only resolves
in the submitting process or a DoFn that does not survive pickling shows up as a difference here.
"""
from __future__ import annotations

from operator import itemgetter

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from tests import avro_files
from tests.conftest import SEEDS
from wirestream.pipeline.graph import build_pipeline


def run_batch(output, *runner_args: str) -> tuple[list[dict], list[dict]]:
    """Runs the batch pipeline over the seeds; returns (stories, dead letters) sorted by source."""
    options = PipelineOptions(["--input", str(SEEDS / "*"), "--output", str(output), *runner_args])
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, options)
    pipeline.run().wait_until_finish()
    by_source = itemgetter("source")
    return (
        sorted(avro_files.stories(str(output)), key=by_source),
        sorted(avro_files.dead_letters(str(output)), key=by_source),
    )


def test_two_worker_processes_write_the_same_records_as_one(tmp_path, monkeypatch):
    # workers start in this directory: nothing may depend on the repository being the working directory
    monkeypatch.chdir(tmp_path)
    single = run_batch(tmp_path / "single")
    multi = run_batch(
        tmp_path / "multi", "--direct_running_mode=multi_processing", "--direct_num_workers=2",
    )
    stories, dead_letters = single
    assert {story["story_id"] for story in stories} >= {path.stem for path in SEEDS.glob("*.txt")}
    assert dead_letters == [] and all(story["entities"] for story in stories)
    assert multi == single
