"""Streaming end to end on the real Pub/Sub emulator: publish stories, read the windowed Avro back."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest
from google.cloud import pubsub_v1

from tests import avro_files
from tests.conftest import REPO, SEEDS, needs_emulator, wait_for
from wirestream.pipeline.publish import Heartbeat, publish_files

WINDOW_SECONDS = 5
BACKLOG = 25

pytestmark = [needs_emulator, pytest.mark.emulator]


def publish_backlog(topic: str, count: int) -> list[str]:
    """`count` distinct stories, all published before the pipeline reads any: more than one pull's worth."""
    publisher = pubsub_v1.PublisherClient()
    story = (SEEDS / "ap-portland-transit-levy.txt").read_bytes()
    ids = [f"backlog-{number:02d}" for number in range(count)]
    for future in [publisher.publish(topic, story, story_id=story_id) for story_id in ids]:
        future.result(timeout=30)
    return ids


def test_streaming_pipeline_writes_each_story_once_per_window(emulator, tmp_path):
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    output = tmp_path / "out"
    backlog = publish_backlog(topic, BACKLOG)  # waiting in the subscription before the pipeline starts
    pipeline = subprocess.Popen(
        [sys.executable, "-m", "wirestream", "run", "--subscription", subscription, "--output", str(output),
         "--window", str(WINDOW_SECONDS)],
        cwd=REPO, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    heartbeat = Heartbeat(topic, interval=1)
    heartbeat.start()
    try:
        extra = tmp_path / "extra"
        extra.mkdir()
        update = extra / "dev-seed-000.jsonl"  # a newer version of a seed story, by story_id and version
        update.write_text('{"uri": "dev-seed-000", "version": "2", "body_text": "MOSCOW (Reuters) - An update."}\n')
        seed_files = sorted(str(p) for p in SEEDS.iterdir())
        published = publish_files(topic, seed_files)
        published += publish_files(topic, [str(SEEDS / "dev-seed-003.txt")])  # republished: a duplicate
        published += publish_files(topic, [str(update)])
        publisher = pubsub_v1.PublisherClient()
        publisher.publish(topic, b'{"uri": "urn:broken", "body_text": "cut', story_id="broken").result()

        expected_ids = {p.stem for p in SEEDS.glob("*.txt")} | {
            "urn:wirestream:seed:afp-dakar-fishing", "urn:wirestream:seed:xinhua-hanoi-rail",
            "urn:wirestream:seed:dpa-munich-strike", "dev-seed-000"}
        expected_ids |= set(backlog)
        expected_records = len(expected_ids) + 1  # dev-seed-000 twice: the original and version 2
        assert published + len(backlog) == expected_records + 1
        wait_for(lambda: len(avro_files.stories(str(output))) >= expected_records,
                 timeout=150, what=f"{expected_records} story records")
        dead = wait_for(lambda: avro_files.dead_letters(str(output)), timeout=60, what="the dead letter")
        time.sleep(WINDOW_SECONDS + 2)  # a late duplicate would land in a later window
        records = avro_files.stories(str(output))
    finally:
        heartbeat.stop()
        os.killpg(pipeline.pid, signal.SIGINT)
        try:
            log, _ = pipeline.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(pipeline.pid, signal.SIGKILL)
            log, _ = pipeline.communicate()

    assert sorted(r["story_id"] for r in records) == sorted([*expected_ids, "dev-seed-000"])
    assert sorted(str(r["version"]) for r in records if r["story_id"] == "dev-seed-000") == ["2", "None"]
    assert [(d["story_id"], d["stage"], d["reason"]) for d in avro_files.dead_letters(str(output))] == [
        ("broken", "parse", "invalid JSON")]  # the story_id attribute, although the JSON did not parse
    assert dead[0]["attributes"]["story_id"] == "broken"
    tass = next(r for r in records if r["story_id"] == "dev-seed-003")
    assert tass["dateline"]["city"] == "Moscow" and tass["published_at"] is not None
    files = list(pathlib.Path(output, "stories").glob("*.avro"))
    assert all(p.name.endswith("-00000-of-00001.avro") and "T" in p.name for p in files), \
        "one file per window, named by window and shard"
    assert b"draining" in log and pipeline.returncode == 0, log[-2000:]
