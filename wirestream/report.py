"""`wirestream report`: what a run produced, as one page to look at before reading: stories over time, a
world map of datelines and mentioned places, the top people, organisations and places, the stance network
and the dead letters.

The page is one self-contained HTML file: the scripts (d3, topojson-client), the world outline (world-atlas)
and the data are inlined from `wirestream/assets/`, so it opens offline and can be sent as an attachment.
Its counts come from `wirestream.stats.collect`, the same as `wirestream stats` prints for the same files.
"""
from __future__ import annotations

import datetime
import html
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources

from wirestream.reader import DeadLetter, Paths, StoryRecord, flatten_paths, read_dead_letters, read_stories
from wirestream.stats import collect, ranked

TOP = 15  # rows in each top list
MAX_LINKS = 150  # the stance network shows the most frequent (holder, target, label) links
EVIDENCE_PER_LINK = 3  # sentences kept per link
PLACE_LABELS = ("GPE", "LOC", "FAC")
HOUR, DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)


@dataclass
class _Place:
    name: str
    latitude: float
    longitude: float
    datelined: int = 0  # stories datelined there
    mentioned: int = 0  # stories that mention it


@dataclass
class _Link:
    holder_label: str | None
    target_label: str | None
    stances: int = 0
    evidence: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _Extras:
    """What the report shows beyond `OutputStats`, gathered in the same pass over the stories."""

    times: list[datetime.datetime] = field(default_factory=list)
    undated: int = 0
    places: dict[int, _Place] = field(default_factory=dict)
    links: dict[tuple[str, str, str], _Link] = field(default_factory=dict)

    def watch(self, stories: Iterable[StoryRecord]) -> Iterator[StoryRecord]:
        for story in stories:
            self.add(story)
            yield story

    def add(self, story: StoryRecord) -> None:
        time = story_time(story)
        if time is None:
            self.undated += 1
        else:
            self.times.append(time)
        dateline = story.dateline
        if dateline and dateline.geonames_id is not None:
            self._place(dateline.geonames_id, dateline.city, dateline.latitude, dateline.longitude).datelined += 1
        mentioned = {e.geonames_id: e for e in story.entities if e.label in PLACE_LABELS and e.geonames_id is not None}
        for geonames_id, e in mentioned.items():
            self._place(geonames_id, e.text, e.latitude, e.longitude).mentioned += 1
        for stance in story.stances:
            link = self.links.setdefault((stance.holder, stance.target, stance.label),
                                         _Link(stance.holder_label, stance.target_label))
            link.stances += 1
            if len(link.evidence) < EVIDENCE_PER_LINK:
                link.evidence.append({"story": story.story_id, "sentence": stance.evidence})

    def _place(self, geonames_id: int, name: str, latitude: float, longitude: float) -> _Place:
        return self.places.setdefault(geonames_id, _Place(name, latitude, longitude))


def story_time(story: StoryRecord) -> datetime.datetime | None:
    """When a story was filed: its `published_at` (ninjs versioncreated, the publish time), else its dateline's
    date (wire copy from files has no other), as UTC."""
    if story.published_at:
        return story.published_at.astimezone(datetime.timezone.utc)
    if story.dateline and story.dateline.date:
        return datetime.datetime.combine(story.dateline.date, datetime.time(), datetime.timezone.utc)
    return None


def timeline(times: list[datetime.datetime], undated: int) -> dict:
    """Stories per hour (a span of up to 3 days), per day (up to 120 days) or per month, every bin of the
    span listed (empty ones at 0) so the chart shows gaps as gaps."""
    if not times:
        return {"unit": "day", "bins": [], "undated": undated}
    first, last = min(times), max(times)
    unit = "hour" if last - first <= 3 * DAY else "day" if last - first <= 120 * DAY else "month"
    counts = Counter(_bin(t, unit) for t in times)
    bins, current = [], _bin(first, unit)
    while current <= _bin(last, unit):
        bins.append([current.isoformat(), counts[current]])
        current = _next_bin(current, unit)
    return {"unit": unit, "bins": bins, "undated": undated}


def _bin(time: datetime.datetime, unit: str) -> datetime.datetime:
    if unit == "hour":
        return time.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        return time.replace(hour=0, minute=0, second=0, microsecond=0)
    return time.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_bin(time: datetime.datetime, unit: str) -> datetime.datetime:
    if unit == "hour":
        return time + HOUR
    if unit == "day":
        return time + DAY
    return time.replace(year=time.year + time.month // 12, month=time.month % 12 + 1)


def report_data(stories: Iterable[StoryRecord], dead_letters: Iterable[DeadLetter]) -> dict:
    """Everything the page draws, as JSON-ready values; the counts are `collect`'s."""
    extras = _Extras()
    stats = collect(extras.watch(stories), dead_letters)

    def top(*labels: str) -> list[list]:
        return [[text, n] for (text, label), n in ranked(stats.entities) if label in labels][:TOP]

    links = sorted(extras.links.items(), key=lambda item: (-item[1].stances, item[0]))
    return {
        "stories": stats.stories,
        "dead_letters": stats.dead_letters,
        "analysis": ranked(stats.analysis),
        "stance_labels": ranked(stats.stance_labels),
        "timeline": timeline(extras.times, extras.undated),
        "places": [
            {"geonames_id": geonames_id, "name": p.name, "latitude": p.latitude, "longitude": p.longitude,
             "datelined": p.datelined, "mentioned": p.mentioned}
            for geonames_id, p in sorted(extras.places.items(),
                                         key=lambda item: (-item[1].datelined - item[1].mentioned, item[0]))
        ],
        "people": top("PERSON"),
        "organisations": top("ORG"),
        "top_places": top(*PLACE_LABELS),
        "stance_links": [
            {"holder": holder, "target": target, "label": label, "holder_label": link.holder_label,
             "target_label": link.target_label, "stances": link.stances, "evidence": link.evidence}
            for (holder, target, label), link in links[:MAX_LINKS]
        ],
        "stance_links_total": len(links),
        "dead_letter_reasons": [[stage, reason, n] for (stage, reason), n in ranked(stats.dead_letter_reasons)],
    }


def render(data: dict, title: str) -> str:
    """The page: the template with styles, scripts, world outline and data inlined."""
    assets = resources.files(__package__).joinpath("assets")

    def text(name: str) -> str:
        return assets.joinpath(name).read_text(encoding="utf-8")

    parts = {
        "TITLE": html.escape(title),
        "STYLE": text("report.css"),
        "LIBRARIES": "\n".join(f"<script>{_script(text(name))}</script>"
                               for name in ("d3.min.js", "topojson-client.min.js")),
        "WORLD": _json_script(json.loads(text("countries-110m.json"))),
        "DATA": _json_script({**data, "title": title}),
        "SCRIPT": _script(text("report.js")),
    }
    page = text("report.html")
    for key, value in parts.items():
        page = page.replace(f"{{{{{key}}}}}", value)
    return page


def _script(code: str) -> str:
    """Code safe inside <script>: nothing in it can close the element."""
    return code.replace("</script", "<\\/script")


def _json_script(value) -> str:
    """JSON for a <script type="application/json"> element: story text cannot close the element or open a
    comment, because <, > and & are written as \\u escapes (the same JSON to JSON.parse)."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def build_report(*paths: Paths) -> str:
    """The report page of the records under `paths` (as for `read_stories`)."""
    return render(report_data(read_stories(*paths), read_dead_letters(*paths)),
                  f"wirestream report: {', '.join(flatten_paths(paths))}")
