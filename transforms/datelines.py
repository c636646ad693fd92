"""Dateline stage: finds and normalizes each story's dateline (city, country, date, agency)."""
from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam
from apache_beam import pvalue

from wirestream.transforms.stage import StageFn, run_stage
from wirestream.transforms.wire.story import Story, normalize_dateline


class NormalizeDatelineFn(StageFn):
    STAGE = "dateline"

    def process(self, story: Story) -> Iterator[Story | pvalue.TaggedOutput]:
        yield self.guarded(story, lambda: normalize_dateline(story), "dateline normalizer error")


class NormalizeDatelines(beam.PTransform):
    """Story -> (stories with `dateline`, dead_letters)."""

    def __init__(self, max_payload_bytes: int):
        super().__init__()
        self.max_payload_bytes = max_payload_bytes

    def expand(self, stories):
        outputs = stories | "Normalize" >> run_stage(NormalizeDatelineFn(self.max_payload_bytes))
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
