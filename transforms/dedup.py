"""Drops redelivered and republished copies of a story: Pub/Sub delivers at least once."""
from __future__ import annotations

import hashlib

import apache_beam as beam
from apache_beam.transforms.deduplicate import DeduplicatePerKey
from apache_beam.utils.timestamp import Duration

from transforms.metrics import CountFn
from transforms.story import Story


def version_key(story: Story) -> str:
    """Same story id and same version (or, without one, same text) means the same record."""
    version = story.version or hashlib.sha256(f"{story.headline}\n{story.body}".encode()).hexdigest()
    return f"{story.story_id}\n{version}"


class DeduplicateStories(beam.PTransform):
    """Keeps the first copy of each story version seen within `horizon_seconds` of processing time.

    Runs in the global window, before the output windows, so that a copy redelivered after a window
    boundary is still recognised.
    """

    def __init__(self, horizon_seconds: int):
        super().__init__()
        self.horizon_seconds = horizon_seconds

    def expand(self, stories):
        return (
            stories
            | "KeyByVersion" >> beam.Map(lambda story: (version_key(story), story))
            | "DropRepeats" >> DeduplicatePerKey(processing_time_duration=Duration(seconds=self.horizon_seconds))
            | "Unkey" >> beam.Values()
            | "CountUnique" >> beam.ParDo(CountFn("unique_stories"))
        )
