"""Streaming faults on the real Pub/Sub emulator: redeliveries and corrections, and the emulator itself
going away and coming back while the pipeline runs."""
import os
import signal
import subprocess
import sys
import time

from google.cloud import pubsub_v1

from pipeline.publish import Heartbeat
from tests import avro_files
from tests.conftest import REPO, needs_emulator, wait_for

pytestmark = needs_emulator
WINDOW_SECONDS = 5
DOWNTIME_SECONDS = float(os.environ.get("WIRESTREAM_EMULATOR_DOWNTIME", "10"))  # longer runs: set it


def story(city: str, day: str, extra: str = "") -> bytes:
    return (f"{city} (Reuters) - Trade ministers from {city.title()} backed the fishing accord on {day}."
            f"{extra}").encode()


class RunningPipeline:
    """`wirestream run --subscription ...` in its own process group, with heartbeats on the topic."""

    def __init__(self, topic: str, subscription: str, output):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "run", "--subscription", subscription, "--output", str(output),
             "--window", str(WINDOW_SECONDS)],
            cwd=REPO, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.heartbeat = Heartbeat(topic, interval=1)
        self.heartbeat.start()

    def stop(self) -> str:
        self.heartbeat.stop()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            log, _ = self.process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            log, _ = self.process.communicate()
        return log.decode(errors="replace")


def publish(topic: str, data: bytes, **attributes: str) -> None:
    pubsub_v1.PublisherClient().publish(topic, data, **attributes).result(timeout=30)


def test_three_copies_and_a_correction_give_two_records(emulator, tmp_path):
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    output = tmp_path / "out"
    pipeline = RunningPipeline(topic, subscription, output)
    try:
        for _ in range(3):  # the same story sent three times, as a redelivering feed does
            publish(topic, story("LIMA", "Monday"), story_id="lima-accord", version="1")
        publish(topic, story("LIMA", "Tuesday", " Corrects day."), story_id="lima-accord", version="2")
        wait_for(lambda: len(avro_files.stories(str(output))) >= 2, timeout=90, what="two story records")
        time.sleep(WINDOW_SECONDS + 3)  # a copy that slipped through would land in a later window
    finally:
        pipeline.stop()
    records = avro_files.stories(str(output))
    assert sorted((r["story_id"], r["version"]) for r in records) == [("lima-accord", "1"), ("lima-accord", "2")]
    assert "Tuesday" in next(r["body"] for r in records if r["version"] == "2")
    assert avro_files.dead_letters(str(output)) == []


def test_the_emulator_stopped_and_restarted_under_a_running_pipeline(emulator, tmp_path):
    """Observed: the DirectRunner's Pub/Sub source retries its pulls while the emulator is down, the
    pipeline keeps running, and it reads the subscription again once it exists anew. Every story it had
    acknowledged before the outage is written; stories sent after the restart are read and written too.
    (The emulator keeps messages in memory only: whatever was published but not yet pulled when it
    stopped is gone with it; Pub/Sub itself keeps unacknowledged messages.)"""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    output = tmp_path / "out"
    pipeline = RunningPipeline(topic, subscription, output)
    try:
        for city in ("LIMA", "QUITO", "BOGOTA"):
            publish(topic, story(city, "Monday"), story_id=f"before-{city.lower()}")
        wait_for(lambda: len(avro_files.stories(str(output))) >= 3, timeout=90, what="the stories sent before")
        emulator.stop()
        time.sleep(DOWNTIME_SECONDS)
        assert pipeline.process.poll() is None, "the pipeline stopped while the emulator was down"
        emulator.restart()
        topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
        for city in ("CARACAS", "SANTIAGO"):
            publish(topic, story(city, "Tuesday"), story_id=f"after-{city.lower()}")
        # gRPC backs off between reconnection attempts, up to two minutes: allow for one full back-off
        resumed = wait_for(lambda: len(avro_files.stories(str(output))) >= 5 or pipeline.process.poll() is not None,
                           timeout=240, what="the stories sent after")
        running = pipeline.process.poll() is None
    finally:
        log = pipeline.stop()
    assert resumed and running, f"the pipeline did not resume after the restart; its log:\n{log[-4000:]}"
    assert sorted(r["story_id"] for r in avro_files.stories(str(output))) == [
        "after-caracas", "after-santiago", "before-bogota", "before-lima", "before-quito"]
    assert avro_files.dead_letters(str(output)) == []
