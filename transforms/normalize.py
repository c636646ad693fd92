"""Dateline stage: finds and normalizes each story's dateline (city, country, date, agency)."""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam import pvalue

from transforms import geo
from transforms.dateline import Dateline, find_dateline
from transforms.dead_letters import StageFn, run_stage
from transforms.story import Rejected, Story

WORD = re.compile(r"[^\W\d_]{2,}")


def located_dateline(located: str, reference_date: datetime.date | None) -> dict[str, Any]:
    """A dateline from ninjs `located` ("Dakar" or "Dakar, Senegal") for a story whose body has none."""
    city, _, qualifier = (part.strip() for part in located.partition(","))
    country = geo.country_code(qualifier) if qualifier else None
    found = geo.canonical_city(city, within=country)
    country = country or (found[1] if found else None)
    return {
        "raw": located,
        "city": found[0] if found else city,
        "country_code": country,
        "date": reference_date,
        "agency": None,
        **geo.point_fields(geo.place_point(found[0], country, city=True) if found else None),
    }


def dateline_record(dateline: Dateline) -> dict[str, Any]:
    """The `Dateline` record of `schemas/wire_story.avsc`."""
    point = None
    if dateline.city:
        point = geo.place_point(dateline.city, dateline.country_code, admin1=dateline.admin1, city=True)
    return {
        "raw": dateline.raw,
        "city": dateline.city,
        "country_code": dateline.country_code,
        "date": dateline.date,
        "agency": dateline.agency,
        **geo.point_fields(point),
    }


class NormalizeDatelineFn(StageFn):
    STAGE = "dateline"

    def process(self, story: Story) -> Iterator[Story | pvalue.TaggedOutput]:
        try:
            dated = normalize_dateline(story)
        except Rejected as rejected:
            yield self.reject(story, rejected.reason, rejected.detail)
            return
        except Exception as error:  # noqa: BLE001 - a bug must not lose the story: keep it for replay
            yield self.reject(story, "dateline normalizer error", repr(error))
            return
        yield dated


def normalize_dateline(story: Story) -> Story:
    """The story with its dateline found in the body, else taken from ninjs `located`; Rejected when nothing
    but a dateline is left."""
    dateline = find_dateline(story.body, story.reference_date)
    if dateline is None:
        if story.located:
            return story.replace(dateline=located_dateline(story.located, story.reference_date))
        return story
    if not WORD.search(story.body[dateline.end:]):
        raise Rejected("no story body: nothing follows the dateline", dateline.raw)
    return story.replace(dateline=dateline_record(dateline), dateline_span=(dateline.start, dateline.end))


class NormalizeDatelines(beam.PTransform):
    """Story -> (stories with `dateline`, dead_letters)."""

    def __init__(self, max_payload_bytes: int):
        super().__init__()
        self.max_payload_bytes = max_payload_bytes

    def expand(self, stories):
        outputs = stories | "Normalize" >> run_stage(NormalizeDatelineFn(self.max_payload_bytes))
        return outputs[StageFn.STORIES], outputs[StageFn.DEAD_LETTER]
