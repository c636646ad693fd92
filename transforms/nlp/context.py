"""What the wire-text floor already knows of a story, handed to the NLP on its Doc, so no rule finds it again.

The dateline is found once, by `wire/dateline.py`; its character span in the Doc travels in
`doc.user_data`, set before the pipeline runs, for the NER fixes and the stance rules to read. So does the
text itself: `Doc.text` rebuilds it token by token (a Token object each), which three rules would pay.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

DATELINE = "wirestream.dateline"
TEXT = "wirestream.text"


def story_doc(nlp: Language, text: str, dateline: tuple[int, int] | None) -> Doc:
    """The tokenized `text`, ready for `nlp.pipe`, carrying the dateline's character span (or None)."""
    doc = nlp.make_doc(text)
    set_dateline(doc, dateline)
    doc.user_data[TEXT] = text
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc: the one `story_doc` was made from, else `doc.text` kept."""
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text
    return text


def set_dateline(doc: Doc, dateline: tuple[int, int] | None) -> None:
    doc.user_data[DATELINE] = dateline


def dateline_span(doc: Doc) -> tuple[int, int] | None:
    """The dateline's character span in `doc`, or None: none found, or a Doc not made by `story_doc`."""
    return doc.user_data.get(DATELINE)
