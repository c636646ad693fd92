"""Starts the installed Pub/Sub emulator on a free port, for local streaming runs and tests."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Self

import grpc
from google.api_core import exceptions
from google.cloud import pubsub_v1
from google.pubsub_v1.services.publisher.transports import PublisherGrpcTransport
from google.pubsub_v1.services.subscriber.transports import SubscriberGrpcTransport

EMULATOR_HOST_VARIABLE = "PUBSUB_EMULATOR_HOST"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PubsubEmulator:
    """`gcloud beta emulators pubsub start` in its own process group, stopped as a whole.

    The gcloud wrapper starts a java child that outlives a kill of the wrapper alone, so the whole
    group is signalled. Use as a context manager; `host` is the value for PUBSUB_EMULATOR_HOST.
    `stop()` then `start()` restarts it on the same port, empty: it keeps topics, subscriptions and
    messages in memory only, so they must be created again.
    """

    def __init__(self, project: str, port: int | None = None, startup_seconds: float = 60.0):
        self.project = project
        self.port = port or free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.startup_seconds = startup_seconds
        self.process: subprocess.Popen | None = None
        self._data_dir: str | None = None
        self._log_path: str | None = None

    def start(self) -> Self:
        gcloud = shutil.which("gcloud")
        if not gcloud:
            raise RuntimeError("gcloud not found: install google-cloud-cli and google-cloud-cli-pubsub-emulator")
        self._data_dir = tempfile.mkdtemp(prefix="pubsub-emulator-")
        self._log_path = os.path.join(self._data_dir, "emulator.log")
        with open(self._log_path, "wb") as log:  # the child keeps its own copy of the file descriptor
            self.process = subprocess.Popen(
                [gcloud, "beta", "emulators", "pubsub", "start", f"--host-port={self.host}",
                 f"--project={self.project}", f"--data-dir={self._data_dir}", "--quiet"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited early; see {self._log_path}")
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
        if self._data_dir:
            shutil.rmtree(self._data_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def create_topic_and_subscription(self, topic: str, subscription: str) -> tuple[str, str]:
        """Creates both (idempotently) on this emulator; returns their full paths. On connections of
        their own: right after a restart they connect at once (see `own_channel`)."""
        os.environ[EMULATOR_HOST_VARIABLE] = self.host
        return create_topic_and_subscription(self.project, topic, subscription, self.publisher(), self.subscriber())

    def publisher(self) -> pubsub_v1.PublisherClient:
        """A publisher on its own connection to this emulator (see `own_channel`)."""
        return pubsub_v1.PublisherClient(transport=PublisherGrpcTransport(channel=own_channel(self.host)))

    def subscriber(self) -> pubsub_v1.SubscriberClient:
        return pubsub_v1.SubscriberClient(transport=SubscriberGrpcTransport(channel=own_channel(self.host)))


def own_channel(host: str) -> grpc.Channel:
    """A channel that does not share connections: gRPC shares them between all channels of a process to
    one address, so after an emulator restart a new client would wait out the reconnection back-off
    (growing 1.6x per failed attempt, up to 2 minutes) that the outage gave the older clients."""
    return grpc.insecure_channel(host, options=[("grpc.use_local_subchannel_pool", 1)])


def create_topic_and_subscription(
    project: str, topic: str, subscription: str,
    publisher: pubsub_v1.PublisherClient, subscriber: pubsub_v1.SubscriberClient,
) -> tuple[str, str]:
    """Creates a topic and a subscription to it, with these clients; closes them."""
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
    publisher.transport.close()
    return topic_path, subscription_path
