"""Parse stage: raw inputs -> stories (wire copy or ninjs), rejects -> dead letters."""
from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam

from transforms.dead_letters import StageFn, run_stage
from transforms.metrics import counter
from transforms.story import RawInput, Rejected, Story, parse_story


class ParseStoryFn(StageFn):
    STAGE = "parse"

    def __init__(self, max_story_bytes: int):
        super().__init__(max_story_bytes)
        self.max_story_bytes = max_story_bytes
        self.stories_parsed = counter("stories_parsed")

    def process(self, raw: RawInput) -> Iterator[Story]:
        try:
            story = parse_story(raw, self.max_story_bytes)
        except Rejected as rejected:
            yield self.reject(raw, rejected.reason, rejected.detail)
            return
        except Exception as error:  # noqa: BLE001 - a bug must not lose the input: keep it for replay
            yield self.reject(raw, "parser error", repr(error))
            return
        self.stories_parsed.inc()
        yield story


class ParseStories(beam.PTransform):
    """RawInput -> (stories, dead_letters)."""

    def __init__(self, max_story_bytes: int):
        super().__init__()
        self.max_story_bytes = max_story_bytes

    def expand(self, raw_inputs):
        outputs = raw_inputs | "Parse" >> run_stage(ParseStoryFn(self.max_story_bytes))
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
