"""Streaming faults on the real Pub/Sub emulator: redeliveries and corrections, and the emulator itself
going away and coming back while the pipeline runs."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest
from google.cloud import pubsub_v1

from tests import avro_files
from tests.conftest import REPO, needs_emulator, wait_for
from wirestream.pipeline.publish import Heartbeat
from wirestream.pipeline.pubsub_emulator import PubsubEmulator

pytestmark = [needs_emulator, pytest.mark.emulator]
WINDOW_SECONDS = 5
DOWNTIME_SECONDS = float(os.environ.get("WIRESTREAM_EMULATOR_DOWNTIME", "10"))  # longer outages: set it


def story(city: str, day: str, extra: str = "") -> bytes:
    return (f"{city} (Reuters) - Trade ministers from {city.title()} backed the fishing accord on {day}."
            f"{extra}").encode()


def publish(publisher: pubsub_v1.PublisherClient, topic: str, data: bytes, **attributes: str) -> None:
    publisher.publish(topic, data, **attributes).result(timeout=30)


class RunningPipeline:
    """`wirestream run --subscription ...` in its own process group, its log in a file (a pipe could fill
    up with tracebacks and block it), with heartbeats on the topic so windows close promptly."""

    def __init__(self, emulator: PubsubEmulator, topic: str, subscription: str, tmp_path: pathlib.Path):
        self.output = tmp_path / "out"
        self.log_path = tmp_path / "pipeline.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "wirestream", "run", "--subscription", subscription,
                 "--output", str(self.output), "--window", str(WINDOW_SECONDS)],
                cwd=REPO, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.heartbeat = Heartbeat(topic, 1, emulator.publisher())
        self.heartbeat.start()

    def story_ids(self) -> list[str]:
        return sorted(record["story_id"] for record in avro_files.stories(str(self.output)))

    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def new_heartbeat(self, emulator: PubsubEmulator, topic: str) -> None:
        """After a restart: heartbeats on a fresh connection, not one still backing off from the outage."""
        self.heartbeat.stop()
        self.heartbeat = Heartbeat(topic, 1, emulator.publisher())
        self.heartbeat.start()

    def stop(self) -> None:
        self.heartbeat.stop()
        if self.running():
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def test_three_copies_and_a_correction_give_two_records(emulator, tmp_path):
    """Pub/Sub delivers at least once and feeds republish: one record per story version, nothing else."""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    pipeline = RunningPipeline(emulator, topic, subscription, tmp_path)
    publisher = emulator.publisher()
    try:
        for _ in range(3):  # the same story sent three times, as a redelivering feed does
            publish(publisher, topic, story("LIMA", "Monday"), story_id="lima-accord", version="1")
        publish(publisher, topic, story("LIMA", "Tuesday", " Corrects day."), story_id="lima-accord", version="2")
        wait_for(lambda: len(pipeline.story_ids()) >= 2, timeout=60, what="two story records")
        time.sleep(WINDOW_SECONDS + 3)  # a copy that slipped through would land in a later window
    finally:
        pipeline.stop()
    records = avro_files.stories(str(pipeline.output))
    assert sorted((r["story_id"], r["version"]) for r in records) == [("lima-accord", "1"), ("lima-accord", "2")]
    assert "Tuesday" in next(r["body"] for r in records if r["version"] == "2")
    assert avro_files.dead_letters(str(pipeline.output)) == []


def test_the_pipeline_rides_out_an_emulator_restart(emulator, tmp_path):
    """Observed: while the emulator is down the source's pulls fail and are retried (60 s per attempt, four
    attempts: an ERROR traceback a minute, the job fails after 3 to 4 minutes); the pipeline keeps
    running and reads the subscription again once it answers. So every story it acknowledged before the
    outage is written, even one whose window was still open (the watermark waits for the next pull), and
    every story sent after it. The emulator comes back empty: the topic and subscription are created
    again while the pipeline is paused (SIGSTOP), as with Pub/Sub itself, whose subscription outlives an
    outage; reconnecting before that fails the job (next test)."""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    pipeline = RunningPipeline(emulator, topic, subscription, tmp_path)
    try:
        publisher = emulator.publisher()
        for city in ("LIMA", "QUITO"):
            publish(publisher, topic, story(city, "Monday"), story_id=f"before-{city.lower()}")
        wait_for(lambda: len(pipeline.story_ids()) >= 2, timeout=60, what="the first stories")
        publish(publisher, topic, story("BOGOTA", "Monday"), story_id="before-bogota")
        time.sleep(3)  # pulled and acknowledged within a second (the source pulls without pause)
        emulator.stop()
        time.sleep(DOWNTIME_SECONDS)
        assert pipeline.running(), f"the pipeline stopped while the emulator was down:\n{pipeline.log()[-4000:]}"
        os.killpg(pipeline.process.pid, signal.SIGSTOP)
        try:
            emulator.start()
            topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
        finally:
            os.killpg(pipeline.process.pid, signal.SIGCONT)
        pipeline.new_heartbeat(emulator, topic)
        publisher = emulator.publisher()
        for city in ("CARACAS", "SANTIAGO"):
            publish(publisher, topic, story(city, "Tuesday"), story_id=f"after-{city.lower()}")
        wait_for(lambda: len(pipeline.story_ids()) >= 5 or not pipeline.running(), timeout=30 + DOWNTIME_SECONDS,
                 what="the stories sent after the restart")
        assert pipeline.running(), f"the pipeline failed after the restart:\n{pipeline.log()[-4000:]}"
    finally:
        pipeline.stop()
    assert pipeline.story_ids() == ["after-caracas", "after-santiago", "before-bogota", "before-lima", "before-quito"]
    assert avro_files.dead_letters(str(pipeline.output)) == []


def test_an_emulator_back_without_the_subscription_fails_the_job_loudly(emulator, tmp_path):
    """Observed: a pull answered `404 Subscription does not exist` is not retried by the client; the
    DirectRunner tries the bundle four times, then the job fails and `wirestream run` exits 1 with the
    error, instead of waiting silently. Files of windows already closed are kept."""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    pipeline = RunningPipeline(emulator, topic, subscription, tmp_path)
    try:
        publish(emulator.publisher(), topic, story("LIMA", "Monday"), story_id="before-lima")
        wait_for(lambda: pipeline.story_ids(), timeout=60, what="the first story")
        emulator.stop()
        time.sleep(2)
        emulator.start()  # empty: no topic, no subscription
        wait_for(lambda: not pipeline.running(), timeout=60, what="the pipeline to fail")
    finally:
        pipeline.stop()
    log = pipeline.log()
    assert pipeline.process.returncode == 1, log[-4000:]
    assert "404 Subscription does not exist" in log and "Giving up after 4 attempts" in log, log[-4000:]
    assert pipeline.story_ids() == ["before-lima"]
