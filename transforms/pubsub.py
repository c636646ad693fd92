"""Pub/Sub for local streaming runs, at least once: a message is acknowledged only once the file holding its
story (or its dead letter) is final, so a run that stops, crashes or restarts loses no story.

Beam's DirectRunner pulls at most 10 messages at a time and acknowledges them at once
(`_PubSubReadEvaluator`): whatever lay between its pull and its window's file was lost when the run stopped.
On the DirectRunner wirestream reads through `ReadUnacknowledged` instead, a root transform that
`UnacknowledgedReadEvaluator` evaluates with a `Receiver`:

- a pull takes up to PULL_MESSAGES messages and emits them stamped with the time they were read (which
  fixes their window); the watermark is then the wall clock, as in Beam's own read, so an idle stream's
  window closes about a second after it ends, heartbeats or not. The runner pulls again whenever the
  stages downstream are idle: a backlog waits in the subscription, not in memory;
- every message received and not yet acknowledged keeps its lease: a thread extends its ack deadline to
  LEASE_SECONDS every RENEW_SECONDS, however long its window and the analysis take;
- `AcknowledgeWhenWritten` acknowledges the messages of a window once that window's files (stories and
  dead letters) are final: its side input, the files written, is ready for a window only when both
  writes have finished it;
- `drain()` (Ctrl-C) stops pulling and lets the watermark go to the end of time: every open window is
  written, its messages are acknowledged, and the job finishes.

A receiver lives in the process that runs the DirectRunner, found by its read's id by the reading
evaluator and the acknowledging DoFn alike. Dataflow keeps Beam's own ReadFromPubSub: its service
checkpoints before it acknowledges, and its `drain` closes the open windows.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.io.gcp.pubsub import PubsubMessage
from apache_beam.runners.direct.transform_evaluator import TransformEvaluatorRegistry, _TransformEvaluator
from apache_beam.runners.direct.util import TransformResult
from apache_beam.transforms import window
from apache_beam.utils.timestamp import MAX_TIMESTAMP, Timestamp
from google.api_core import exceptions

from wirestream.transforms.stage import counter

PULL_MESSAGES = 1000  # the most one pull returns
PULL_SECONDS = 2.0  # an idle pull's deadline: the emulator answers empty a second before it
LEASE_SECONDS = 20  # how long Pub/Sub waits for a silent receiver: a killed run's messages return after it
RENEW_SECONDS = 5
REQUEST_IDS = 1000  # ack ids per acknowledge or modify request, well under its 512 KB
OUTAGE_SECONDS = 60  # how long a pull is retried through an outage before its bundle fails
LOST_CONTACT = (exceptions.ServiceUnavailable, exceptions.InternalServerError, exceptions.Aborted)

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    """How to acknowledge one received message: its ack id, and the contact with Pub/Sub it came in."""

    ack_id: str
    contact: int


@dataclass(frozen=True)
class Delivery:
    message: PubsubMessage
    receipt: Receipt


@dataclass(frozen=True)
class MessageSource:
    """What a local read reads (a subscription, or a topic through a subscription of its own), with an id
    by which its evaluator and its acknowledging DoFn find the one receiver of this process."""

    topic: str | None
    subscription: str | None
    id: str

    @classmethod
    def of(cls, topic: str | None, subscription: str | None) -> MessageSource:
        return cls(None if subscription else topic, subscription, uuid.uuid4().hex)


class Receiver:
    """One subscription as this process reads it: pulls, keeps the leases of what it has not acknowledged
    yet, acknowledges.

    `contact` counts the times Pub/Sub refused or did not answer. After that the receipts of earlier
    deliveries are no longer acknowledged (nor leased): a restarted emulator hands out the same ack ids
    again, for other messages. Those messages are delivered again, and the dedup drops the copies of the
    stories already written.
    """

    def __init__(self, source: MessageSource):
        from google.cloud import pubsub_v1

        self._client = pubsub_v1.SubscriberClient()
        self._lock = threading.Lock()
        self._leased: dict[str, int] = {}  # ack id -> the contact it came in
        self.contact = 0
        self._out_of_contact = False
        self.draining = threading.Event()
        self._closed = threading.Event()
        self.temporary = source.subscription is None
        self.path = source.subscription or self._create_subscription(source.topic)
        self._renewer = threading.Thread(target=self._renew_leases, name="wirestream-leases", daemon=True)
        self._renewer.start()

    def _create_subscription(self, topic: str) -> str:
        """`--topic`: a subscription of this run's own, deleted when the run ends (so nothing survives a restart)."""
        project = topic.split("/")[1]
        path = self._client.subscription_path(project, f"wirestream_{int(time.time())}_{uuid.uuid4().hex[:8]}")
        self._client.create_subscription(name=path, topic=topic)
        return path

    def pull(self) -> list[Delivery]:
        """What the subscription has now (up to PULL_MESSAGES), each message leased; [] after PULL_SECONDS.
        An outage is retried for OUTAGE_SECONDS, then raised: the runner retries the bundle, then fails the job."""
        started = time.monotonic()
        while True:
            try:
                response = self._client.pull(subscription=self.path, max_messages=PULL_MESSAGES,
                                             timeout=PULL_SECONDS, retry=None)
                break
            except exceptions.DeadlineExceeded:  # Pub/Sub had nothing to send within the deadline
                return []
            except LOST_CONTACT as error:
                self._lose_contact(error)
                if time.monotonic() - started > OUTAGE_SECONDS:
                    raise
                time.sleep(1)
        received = list(response.received_messages)
        with self._lock:
            self._out_of_contact = False
            contact = self.contact
            for message in received:
                self._leased[message.ack_id] = contact
        self._modify([message.ack_id for message in received], LEASE_SECONDS)
        return [Delivery(pubsub_message(message.message), Receipt(message.ack_id, contact)) for message in received]

    def acknowledge(self, receipts: Iterable[Receipt]) -> int:
        """Acknowledges the messages still leased under the contact they came in; returns how many."""
        with self._lock:
            ack_ids = [receipt.ack_id for receipt in receipts if self._leased.get(receipt.ack_id) == receipt.contact]
            for ack_id in ack_ids:
                del self._leased[ack_id]
        for start in range(0, len(ack_ids), REQUEST_IDS):
            try:
                self._client.acknowledge(subscription=self.path, ack_ids=ack_ids[start:start + REQUEST_IDS])
            except exceptions.GoogleAPICallError as error:
                self._lose_contact(error)
                return start
        return len(ack_ids)

    def release(self) -> None:
        """Hands every leased message back at once (a stop without drain): a restart gets them without waiting."""
        with self._lock:
            ack_ids = list(self._leased)
            self._leased.clear()
        self._modify(ack_ids, 0)

    def close(self) -> None:
        self._closed.set()
        if self.temporary:
            try:
                self._client.delete_subscription(subscription=self.path)
            except exceptions.GoogleAPICallError as error:
                _LOGGER.warning("could not delete the run's subscription %s: %s", self.path, error)
        self._client.close()

    def _renew_leases(self) -> None:
        while not self._closed.wait(RENEW_SECONDS):
            with self._lock:
                ack_ids = list(self._leased)
            self._modify(ack_ids, LEASE_SECONDS)

    def _modify(self, ack_ids: list[str], seconds: int) -> None:
        for start in range(0, len(ack_ids), REQUEST_IDS):
            try:
                self._client.modify_ack_deadline(subscription=self.path, ack_ids=ack_ids[start:start + REQUEST_IDS],
                                                 ack_deadline_seconds=seconds)
            except exceptions.GoogleAPICallError as error:
                self._lose_contact(error)
                return

    def _lose_contact(self, error: Exception) -> None:
        """Forgets the receipts held; says so once per outage (a pull is retried every second)."""
        with self._lock:
            forgotten = len(self._leased)
            self._leased.clear()
            self.contact += 1
            first = not self._out_of_contact
            self._out_of_contact = True
        if first:
            _LOGGER.warning("Pub/Sub did not answer (%s): the %d messages received before will not be acknowledged; "
                            "Pub/Sub delivers them again, and the copies of stories already written are dropped",
                            " ".join(str(error).split())[:200], forgotten)


def pubsub_message(message) -> PubsubMessage:
    """A pulled `google.pubsub_v1.PubsubMessage` as Beam's PubsubMessage, as Beam's own read makes it."""
    return PubsubMessage(message.data, dict(message.attributes), message.message_id or None,
                         message.publish_time or None, message.ordering_key or None)


_RECEIVERS: dict[str, Receiver] = {}
_RECEIVERS_LOCK = threading.Lock()


def receiver(source: MessageSource) -> Receiver:
    """This process's receiver of `source`, opened on first use."""
    with _RECEIVERS_LOCK:
        if source.id not in _RECEIVERS:
            _RECEIVERS[source.id] = Receiver(source)
        return _RECEIVERS[source.id]


def drain() -> int:
    """Stops every receiver of this process from pulling, so that its job finishes; returns how many."""
    with _RECEIVERS_LOCK:
        for running in _RECEIVERS.values():
            running.draining.set()
        return len(_RECEIVERS)


def release() -> None:
    """Hands back every message leased and not acknowledged (stopping at once)."""
    with _RECEIVERS_LOCK:
        for running in _RECEIVERS.values():
            running.release()


def close() -> None:
    with _RECEIVERS_LOCK:
        for running in _RECEIVERS.values():
            running.close()
        _RECEIVERS.clear()


class UnacknowledgedReadEvaluator(_TransformEvaluator):
    """The DirectRunner's evaluation of `ReadUnacknowledged`: one pull per bundle, as Beam's Pub/Sub read
    does, but nothing acknowledged; the watermark is the wall clock until drained, then the end of time."""

    def process_element(self, element) -> None:
        pass  # the root's bundle is empty

    def finish_bundle(self) -> TransformResult:
        transform = self._applied_ptransform.transform
        source = receiver(transform.source)
        draining = source.draining.is_set()
        deliveries = [] if draining else source.pull()
        bundles = []
        if deliveries:
            bundle = self._evaluation_context.create_bundle(next(iter(self._outputs)))
            read_at = Timestamp.now()
            for delivery in deliveries:
                bundle.output(window.GlobalWindows.windowed_value(delivery, timestamp=read_at))
            bundles.append(bundle)
        if draining:
            return TransformResult(self, bundles, [], None, {None: MAX_TIMESTAMP})
        again = self._evaluation_context.create_bundle(pvalue.PBegin(transform.pipeline))
        return TransformResult(self, bundles, [again], None, {None: Timestamp.now()})


class ReadUnacknowledged(beam.PTransform):
    """A root of Deliveries (message and receipt), each stamped with the time it was read; DirectRunner only."""

    def __init__(self, source: MessageSource):
        super().__init__()
        self.source = source

    def get_windowing(self, inputs) -> beam.Windowing:
        return beam.Windowing(window.GlobalWindows())

    def expand(self, pbegin: pvalue.PBegin) -> pvalue.PCollection:
        # Beam's registry of DirectRunner evaluators, the place its own tests give a transform an evaluator
        TransformEvaluatorRegistry._test_evaluators_overrides[ReadUnacknowledged] = UnacknowledgedReadEvaluator
        return pvalue.PCollection(pbegin.pipeline, is_bounded=False)


class AcknowledgeFn(beam.DoFn):
    """Acknowledges the messages of a window. The runner runs it only once its side input, the window's
    written files, is ready: once the files holding those messages' stories and dead letters are final."""

    def __init__(self, source: MessageSource):
        self.source = source
        self.acknowledged = counter("messages_acknowledged")

    def start_bundle(self) -> None:
        self._receipts: list[Receipt] = []

    def process(self, receipt: Receipt, written_files: list) -> Iterator[None]:
        self._receipts.append(receipt)
        return iter(())

    def finish_bundle(self) -> None:
        self.acknowledged.inc(receiver(self.source).acknowledge(self._receipts))


class AcknowledgeWhenWritten(beam.PTransform):
    """(receipts, files written) -> each window's messages acknowledged once its files are final."""

    def __init__(self, source: MessageSource, window_seconds: int):
        super().__init__()
        self.source = source
        self.window_seconds = window_seconds

    def expand(self, inputs):
        receipts, written = inputs
        return (
            receipts
            | "WindowReceipts" >> beam.WindowInto(window.FixedWindows(self.window_seconds))
            | "Acknowledge" >> beam.ParDo(AcknowledgeFn(self.source), beam.pvalue.AsList(written))
        )
