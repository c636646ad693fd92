"""What a run produced, at a glance: counts over stories and dead letters, as plain terminal tables."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from wirestream.reader import DeadLetter, StoryRecord

TOP = 10


@dataclass
class OutputStats:
    stories: int = 0
    dead_letters: int = 0
    analysis: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)  # (language, analysis, model) -> stories
    entities: Counter = field(default_factory=Counter)  # (text, label) -> stories that mention it
    stance_labels: Counter = field(default_factory=Counter)
    stance_holders: Counter = field(default_factory=Counter)
    dateline_countries: Counter = field(default_factory=Counter)
    dead_letter_reasons: Counter = field(default_factory=Counter)  # (stage, reason) -> count

    def add_story(self, story: StoryRecord) -> None:
        self.stories += 1
        self.analysis[story.analysis] += 1
        self.languages[(story.language or "(unknown)", story.analysis, story.model or "(none)")] += 1
        self.entities.update({(e.text, e.label) for e in story.entities})
        self.stance_labels.update(s.label for s in story.stances)
        self.stance_holders.update(s.holder for s in story.stances)
        country = story.dateline.country_code if story.dateline else None
        self.dateline_countries[country or ("(no country)" if story.dateline else "(no dateline)")] += 1

    def add_dead_letter(self, dead_letter: DeadLetter) -> None:
        self.dead_letters += 1
        self.dead_letter_reasons[(dead_letter.stage, reason_class(dead_letter.reason))] += 1


def reason_class(reason: str) -> str:
    """A reason without its numbers, so that "over the size limit: 300123 bytes > ..." inputs count together."""
    return reason.split(":", 1)[0].strip()


def ranked(counts: Counter, top: int | None = None) -> list[tuple]:
    """Most first; ties in name order with "(no ...)" rows last, so the same output always prints the same
    table (Counter.most_common keeps insertion order, which follows set order and so the hash seed)."""
    def key(item: tuple) -> tuple:
        name = item[0] if isinstance(item[0], tuple) else (item[0],)
        return -item[1], str(name[0]).startswith("("), name
    return sorted(counts.items(), key=key)[:top]


def collect(stories: Iterable[StoryRecord], dead_letters: Iterable[DeadLetter]) -> OutputStats:
    stats = OutputStats()
    for story in stories:
        stats.add_story(story)
    for dead_letter in dead_letters:
        stats.add_dead_letter(dead_letter)
    return stats


def table(title: str, headers: tuple[str, ...], rows: list[tuple]) -> str:
    """A left-aligned text table; numbers are right-aligned."""
    if not rows:
        return f"{title}\n  (none)"
    cells = [tuple(str(c) for c in row) for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headers))]

    def line(row: tuple[str, ...]) -> str:
        return "  " + "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric)).rstrip()

    return "\n".join([title, line(cells[0]), "  " + "  ".join("-" * w for w in widths), *map(line, cells[1:])])


def render(stats: OutputStats, top: int = TOP) -> str:
    total = stats.stories + stats.dead_letters
    sections = [
        f"stories: {stats.stories}   dead letters: {stats.dead_letters}   records: {total}",
        table("analysis", ("status", "stories"), ranked(stats.analysis)),
        table("stories by language", ("language", "analysis", "model", "stories"),
              [(language, analysis, model, n) for (language, analysis, model), n in ranked(stats.languages)]),
        table(f"top entities (stories mentioning them, top {top})", ("entity", "label", "stories"),
              [(text, label, n) for (text, label), n in ranked(stats.entities, top)]),
        table("stances by label", ("label", "stances"), ranked(stats.stance_labels)),
        table(f"top stance holders (top {top})", ("holder", "stances"), ranked(stats.stance_holders, top)),
        table("datelines by country", ("country", "stories"), ranked(stats.dateline_countries)),
        table("dead letters by reason", ("stage", "reason", "inputs"),
              [(stage, reason, n) for (stage, reason), n in ranked(stats.dead_letter_reasons)]),
    ]
    return "\n\n".join(sections)
