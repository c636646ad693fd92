"""A local stream that stops, crashes or restarts loses no story (issue 20), on the real Pub/Sub emulator.

A message is acknowledged only once the file holding its story or its dead letter is final: Ctrl-C writes
the open windows before the job ends, and a killed job's messages come back to the next run, which drops
the copies of stories its predecessor had already written. Each run's summary line counts what it read.
"""
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import pytest
import spacy
from google.cloud import pubsub_v1

from tests import avro_files
from tests.conftest import REPO, SEEDS, needs_emulator, wait_for
from wirestream.transforms.limits import DEFAULT_MODEL
from wirestream.transforms.pubsub import LEASE_SECONDS

pytestmark = [needs_emulator, pytest.mark.emulator]
SUMMARY = re.compile(r"wirestream: inputs read: (\d+), stories written: (\d+), dead letters written: (\d+), "
                     r"duplicates dropped: (\d+), messages acknowledged: (\d+)")
PROGRESS = re.compile(r"wirestream: (\d+) inputs read, (\d+) done, (\d+) messages acknowledged")
STORY = (SEEDS / "ap-portland-transit-levy.txt").read_bytes()


class Stream:
    """`wirestream run --subscription ... --progress` in its own process group, its output in a log file."""

    def __init__(self, subscription: str, output: pathlib.Path, log_path: pathlib.Path, window: int, *extra: str):
        self.output = output
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "wirestream", "run", "--subscription", subscription, "--output", str(output),
                 "--window", str(window), "--progress", *extra],
                cwd=REPO, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def inputs_read(self) -> int:
        """As the progress line last said (every 5 s)."""
        return self._progress()[0]

    def acknowledged(self) -> int:
        return self._progress()[2]

    def _progress(self) -> tuple[int, int, int]:
        lines = PROGRESS.findall(self.log())
        return tuple(map(int, lines[-1])) if lines else (0, 0, 0)

    def signal(self, number: int) -> None:
        os.killpg(self.process.pid, number)

    def interrupt(self) -> dict[str, int]:
        """Ctrl-C, and the run's summary once it has drained."""
        self.signal(signal.SIGINT)
        try:
            self.process.wait(timeout=180)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait()
        assert self.process.returncode == 0, self.log()[-4000:]
        (counts,) = SUMMARY.findall(self.log())
        names = ("inputs read", "stories written", "dead letters written", "duplicates dropped", "acknowledged")
        return dict(zip(names, map(int, counts)))

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.process.wait()


def publish(publisher: pubsub_v1.PublisherClient, topic: str, story_ids: list[str]) -> None:
    for future in [publisher.publish(topic, STORY, story_id=story_id) for story_id in story_ids]:
        future.result(timeout=30)


def story_ids(output: pathlib.Path) -> list[str]:
    return sorted(record["story_id"] for record in avro_files.stories(str(output)))


def test_ctrl_c_writes_the_open_window_and_a_restart_reads_only_what_came_after(emulator, tmp_path):
    """Stopped mid-window, the run writes the window and acknowledges its messages: the next run on the
    same subscription reads only the stories sent after (no earlier message comes back, even once its
    lease would have lapsed), and drops a copy of a story the first run wrote: one record per story."""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    publisher = emulator.publisher()
    first = [f"first-{number:02d}" for number in range(20)]
    publish(publisher, topic, first)
    output = tmp_path / "out"
    stream = Stream(subscription, output, tmp_path / "first.log", 86400)  # a window that stays open
    wait_for(lambda: stream.inputs_read() == len(first), timeout=180, what="the first stories to be read")
    assert story_ids(output) == [], "the window is still open: nothing written yet"
    counts = stream.interrupt()
    assert story_ids(output) == first
    assert counts == {"inputs read": 20, "stories written": 20, "dead letters written": 0, "duplicates dropped": 0,
                      "acknowledged": 20}

    stopped = time.monotonic()
    then = [f"then-{number:02d}" for number in range(5)]
    publish(publisher, topic, [*then, "first-00"])  # and a copy of a story written: what a lost ack brings back
    stream = Stream(subscription, output, tmp_path / "then.log", 5)
    wait_for(lambda: len(story_ids(output)) >= len(first) + len(then), timeout=180, what="the stories sent after")
    time.sleep(max(0.0, stopped + LEASE_SECONDS + 5 - time.monotonic()))  # a message not acknowledged is back by now
    counts = stream.interrupt()
    assert story_ids(output) == sorted(first + then)
    assert counts == {"inputs read": 6, "stories written": 5, "dead letters written": 0, "duplicates dropped": 1,
                      "acknowledged": 6}


def test_a_killed_run_s_stories_are_all_written_once_by_the_next(emulator, tmp_path):
    """SIGKILL while a window is open: its messages were never acknowledged, so Pub/Sub delivers them again
    once their leases lapse, and the next run writes them. A message whose story was in a final file
    but whose acknowledgement the kill cut off comes back too: the next run drops it as a duplicate of
    the record written (it remembers the stories of the recent files), so there is one record per story."""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    publisher = emulator.publisher()
    written, open_window = [f"a-{number:02d}" for number in range(10)], [f"b-{number:02d}" for number in range(10)]
    output = tmp_path / "out"
    publish(publisher, topic, written)
    stream = Stream(subscription, output, tmp_path / "killed.log", 30)
    wait_for(lambda: story_ids(output) == written, timeout=180, what="the first window's file")
    publish(publisher, topic, open_window)  # into the next window, which closes 30 s after the first
    wait_for(lambda: stream.inputs_read() == len(written) + len(open_window), timeout=60,
             what="the second stories to be read")
    assert story_ids(output) == written, "the second window is still open"
    stream.kill()

    stream = Stream(subscription, output, tmp_path / "restarted.log", 5)
    wait_for(lambda: len(story_ids(output)) >= len(written) + len(open_window), timeout=LEASE_SECONDS + 120,
             what="the killed run's open window, written by the next run")
    counts = stream.interrupt()
    assert story_ids(output) == sorted(written + open_window)  # each story once
    # the next run read the open window's messages, and again those of final files whose acknowledgement was cut off
    assert counts["stories written"] == len(open_window)
    assert counts["inputs read"] == counts["stories written"] + counts["duplicates dropped"]
    assert counts["duplicates dropped"] <= len(written)


def test_a_second_ctrl_c_stops_at_once_and_hands_the_messages_back(emulator, tmp_path):
    """Ctrl-C twice: no window is written, and the messages read are handed back to Pub/Sub at once. (Enough
    stories that the drain, which analyses them all first, is still going at the second Ctrl-C.)"""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    sent = [f"story-{number:02d}" for number in range(60)]
    publish(emulator.publisher(), topic, sent)
    output = tmp_path / "out"
    stream = Stream(subscription, output, tmp_path / "pipeline.log", 86400)
    wait_for(lambda: stream.inputs_read() == len(sent), timeout=180, what="the stories to be read")
    stream.signal(signal.SIGINT)
    wait_for(lambda: "draining" in stream.log(), timeout=30, what="the drain to start")
    stream.signal(signal.SIGINT)
    assert stream.process.wait(timeout=30) == 130, stream.log()[-4000:]
    assert "stopped at once" in stream.log() and story_ids(output) == []
    assert not (output / ".wirestream.lock").exists()
    subscriber, delivered = emulator.subscriber(), []
    for _ in range(3):  # well within the lease, which would have brought them back anyway
        response = subscriber.pull(subscription=subscription, max_messages=100, timeout=LEASE_SECONDS / 4)
        delivered += [message.message.attributes["story_id"] for message in response.received_messages]
        if len(delivered) >= len(sent):
            break
    assert sorted(delivered) == sent


@pytest.fixture(scope="module")
def tripwire_model(tmp_path_factory) -> pathlib.Path:
    """The stock English pipeline plus an attribute ruler that raises on any story with the word `tripwire`
    (its rule names a token outside its match): a real spaCy failure in the NLP stage, for one story."""
    nlp = spacy.load(DEFAULT_MODEL)
    ruler = nlp.add_pipe("attribute_ruler", name="tripwire", after="ner")
    ruler.add([[{"LOWER": "tripwire"}]], {"NORM": "tripwire"}, index=5)
    path = tmp_path_factory.mktemp("model") / "tripwire"
    nlp.to_disk(path)
    return path


def test_dead_letters_are_acknowledged_once_written(emulator, tmp_path, tripwire_model):
    """A hostile message (not UTF-8) and a story the NLP fails on become dead letters; once their file is
    final their messages are acknowledged, so after a kill Pub/Sub has nothing to deliver again."""
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    publisher = emulator.publisher()
    publisher.publish(topic, b"MADRID (EFE) - El Gobierno aprob\xf3 la reforma.", story_id="latin-1").result(timeout=30)
    publisher.publish(topic, b"GENEVA (Reuters) - The tripwire vote failed on Monday.",
                      story_id="nlp-fails").result(timeout=30)
    output = tmp_path / "out"
    stream = Stream(subscription, output, tmp_path / "pipeline.log", 5, "--spacy_model", str(tripwire_model))
    dead = wait_for(lambda: len(found := avro_files.dead_letters(str(output))) >= 2 and found, timeout=180,
                    what="two dead letters")
    assert sorted((d["story_id"], d["stage"], d["reason"]) for d in dead) == [
        ("latin-1", "parse", "not valid UTF-8"), ("nlp-fails", "analyze", "NLP error")]
    assert "E1001" in next(d["detail"] for d in dead if d["story_id"] == "nlp-fails")
    wait_for(lambda: stream.acknowledged() == 2, timeout=60, what="the two messages to be acknowledged")
    stream.kill()

    subscriber = emulator.subscriber()
    delivered = []
    deadline = LEASE_SECONDS + 10  # a message not acknowledged is delivered again once its lease lapses
    for _ in range(int(deadline / 2)):
        response = subscriber.pull(subscription=subscription, max_messages=100, timeout=3)
        delivered += [message.message.attributes.get("story_id") for message in response.received_messages]
    assert delivered == []
