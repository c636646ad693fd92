"""Dateline stage: finds and normalizes each story's dateline (city, country, date, agency)."""
from __future__ import annotations

import re
from collections.abc import Iterator

import apache_beam as beam
from apache_beam import pvalue

from wirestream.transforms.stage import StageFn, run_stage
from wirestream.transforms.wire.dateline import find_dateline, located_dateline
from wirestream.transforms.wire.story import Rejected, Story

WORD = re.compile(r"[^\W\d_]{2,}")


class NormalizeDatelineFn(StageFn):
    STAGE = "dateline"

    def process(self, story: Story) -> Iterator[Story | pvalue.TaggedOutput]:
        yield self.guarded(story, lambda: normalize_dateline(story), "dateline normalizer error")


def normalize_dateline(story: Story) -> Story:
    """The story with its dateline found in the body, else taken from ninjs `located`; Rejected when nothing
    but a dateline is left."""
    dateline = find_dateline(story.body, story.reference_date, story.language)
    if dateline is None:
        if story.located:
            return story.replace(dateline=located_dateline(story.located, story.reference_date))
        return story
    if not WORD.search(story.body[dateline.end:]):
        raise Rejected("no story body: nothing follows the dateline", dateline.raw)
    return story.replace(dateline=dateline)


class NormalizeDatelines(beam.PTransform):
    """Story -> (stories with `dateline`, dead_letters)."""

    def __init__(self, max_payload_bytes: int):
        super().__init__()
        self.max_payload_bytes = max_payload_bytes

    def expand(self, stories):
        outputs = stories | "Normalize" >> run_stage(NormalizeDatelineFn(self.max_payload_bytes))
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
