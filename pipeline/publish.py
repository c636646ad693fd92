"""Publishes story files to a Pub/Sub topic, one message per story, with the message contract's attributes."""
from __future__ import annotations

import pathlib
import threading
from collections.abc import Iterator

from google.cloud import pubsub_v1

from wirestream.transforms.read import HEARTBEAT_ATTRIBUTE, decompressed, file_extension, file_stem


def story_messages(path: pathlib.Path) -> Iterator[tuple[bytes, dict[str, str]]]:
    """(data, attributes) per story: a file, or each non-blank line of a .jsonl file."""
    extension = file_extension(str(path))  # under a compression suffix: `a.jsonl.gz` is a .jsonl
    stem = file_stem(str(path))
    with open(path, "rb") as raw, decompressed(raw, str(path)) as handle:
        content = handle.read()
    if extension == ".jsonl":
        for number, line in enumerate(content.split(b"\n"), start=1):
            if line.strip():
                yield line, {"story_id": f"{stem}-{number}", "content_type": "ninjs", "source": f"{path}:{number}"}
        return
    content_type = "ninjs" if extension == ".json" else "text"
    yield content, {"story_id": stem, "content_type": content_type, "source": str(path)}


def publish_files(topic: str, paths: list[str]) -> int:
    """Publishes every story of `paths` to `topic` (projects/P/topics/T) and waits for the acks."""
    publisher = pubsub_v1.PublisherClient()
    futures = [
        publisher.publish(topic, data, **attributes)
        for path in paths
        for data, attributes in story_messages(pathlib.Path(path))
    ]
    for future in futures:
        future.result(timeout=60)
    return len(futures)


class Heartbeat(threading.Thread):
    """Publishes a heartbeat message every `interval` seconds until `stop()`.

    The pipeline counts and drops heartbeats. Each one ends the 30 s blocking pull of Beam's own Pub/Sub
    read on the DirectRunner, which is when its watermark moved; wirestream's local read moves it every
    second without them. Tests still send them, to show they do no harm.
    """

    def __init__(self, topic: str, interval: float, publisher: pubsub_v1.PublisherClient | None = None):
        super().__init__(daemon=True)
        self.topic = topic
        self.interval = interval
        self.publisher = publisher or pubsub_v1.PublisherClient()
        self.sent = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            self.publisher.publish(self.topic, b"", **{HEARTBEAT_ATTRIBUTE: "1"})
            self.sent += 1

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)
