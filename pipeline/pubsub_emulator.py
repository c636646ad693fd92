"""Starts the installed Pub/Sub emulator on a free port, for local streaming runs and tests."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from google.api_core import exceptions
from google.cloud import pubsub_v1

EMULATOR_HOST_VARIABLE = "PUBSUB_EMULATOR_HOST"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PubsubEmulator:
    """`gcloud beta emulators pubsub start` in its own process group, stopped as a whole.

    The gcloud wrapper starts a java child that outlives a kill of the wrapper alone, so the whole
    group is signalled. Use as a context manager; `host` is the value for PUBSUB_EMULATOR_HOST.
    """

    def __init__(self, project: str, port: int | None = None, startup_seconds: float = 60.0):
        self.project = project
        self.port = port or free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.startup_seconds = startup_seconds
        self.process: subprocess.Popen | None = None
        self._data_dir: str | None = None
        self._log = None

    def start(self) -> PubsubEmulator:
        gcloud = shutil.which("gcloud")
        if not gcloud:
            raise RuntimeError("gcloud not found: install google-cloud-cli and google-cloud-cli-pubsub-emulator")
        self._data_dir = tempfile.mkdtemp(prefix="pubsub-emulator-")
        self._log = open(os.path.join(self._data_dir, "emulator.log"), "wb")
        self.process = subprocess.Popen(
            [gcloud, "beta", "emulators", "pubsub", "start", f"--host-port={self.host}",
             f"--project={self.project}", f"--data-dir={self._data_dir}", "--quiet"],
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited early; see {self._log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the emulator did not listen on {self.host} within {self.startup_seconds} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log:
            self._log.close()
        if self._data_dir:
            shutil.rmtree(self._data_dir, ignore_errors=True)

    def restart(self) -> PubsubEmulator:
        """Stops and starts the emulator on the same port. It keeps everything in memory: topics,
        subscriptions and unacknowledged messages are gone and must be created again."""
        self.stop()
        return self.start()

    def __enter__(self) -> PubsubEmulator:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def create_topic_and_subscription(self, topic: str, subscription: str) -> tuple[str, str]:
        """Creates both (idempotently) on this emulator; returns their full paths."""
        os.environ[EMULATOR_HOST_VARIABLE] = self.host
        return create_topic_and_subscription(self.project, topic, subscription)


def create_topic_and_subscription(project: str, topic: str, subscription: str) -> tuple[str, str]:
    """Creates a topic and a subscription to it, wherever PUBSUB_EMULATOR_HOST (or GCP) points."""
    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topic_path = publisher.topic_path(project, topic)
    subscription_path = subscriber.subscription_path(project, subscription)
    deadline = time.monotonic() + 30
    while True:
        try:
            publisher.create_topic(name=topic_path)
            break
        except exceptions.AlreadyExists:
            break
        except (exceptions.ServiceUnavailable, exceptions.DeadlineExceeded):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    try:
        subscriber.create_subscription(name=subscription_path, topic=topic_path)
    except exceptions.AlreadyExists:
        pass
    subscriber.close()
    return topic_path, subscription_path
