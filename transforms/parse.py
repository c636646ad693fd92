"""Parse stage: raw inputs -> stories (wire copy or ninjs), rejects -> dead letters."""
from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam
from apache_beam import pvalue

from wirestream.transforms.stage import StageFn, counter, run_stage
from wirestream.transforms.wire.story import RawInput, Story, parse_story


class ParseStoryFn(StageFn):
    STAGE = "parse"

    def __init__(self, max_story_bytes: int):
        super().__init__(max_story_bytes)
        self.max_story_bytes = max_story_bytes
        self.stories_parsed = counter("stories_parsed")

    def process(self, raw: RawInput) -> Iterator[Story | pvalue.TaggedOutput]:
        result = self.guarded(raw, lambda: parse_story(raw, self.max_story_bytes), "parser error")
        if isinstance(result, Story):
            self.stories_parsed.inc()
        yield result


class ParseStories(beam.PTransform):
    """RawInput -> (stories, dead_letters)."""

    def __init__(self, max_story_bytes: int):
        super().__init__()
        self.max_story_bytes = max_story_bytes

    def expand(self, raw_inputs):
        outputs = raw_inputs | "Parse" >> run_stage(ParseStoryFn(self.max_story_bytes))
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
