"""wirestream for consumers of its output: `from wirestream import read_stories`.

    for story in read_stories("out"):          # an output directory, .avro files or globs; gs:// too
        print(story.story_id, story.dateline, [e.text for e in story.entities])
"""
from wirestream.reader import (
    Dateline,
    DeadLetter,
    Entity,
    Stance,
    StoryRecord,
    read_dead_letters,
    read_stories,
    schema_version,
)

__all__ = [
    "Dateline", "DeadLetter", "Entity", "Stance", "StoryRecord", "read_dead_letters", "read_stories",
    "schema_version",
]
