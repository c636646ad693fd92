"""Text hygiene before NLP: Unicode normalized, mojibake repaired where it is safe, control characters out.

Each repair is recorded as a warning on the story, so a consumer can tell the text differs from the bytes
sent (the original payload stays in dead letters, and the story's `source` points at it).
"""
from __future__ import annotations

import re
import unicodedata

import ftfy

# ftfy only where it repairs: no quote uncurling, no HTML unescaping (body_html is parsed separately), line
# breaks left as sent, full-width forms left alone (they are CJK typography: "，" would become ","), control
# characters left to CONTROL_CHARACTERS below (which counts them); its encoding fixes apply only when the
# text is much likelier as mojibake than as it is.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False, uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False,
    remove_control_chars=False, explain=True,
)
# ftfy's steps that undo mojibake besides its whole-text re-encoding ("encode"/"decode" steps): pieces of
# UTF-8 read as Windows-1252 within otherwise good text, and Windows-1252 punctuation read as Latin-1.
MOJIBAKE_FIXERS = {"decode_inconsistent_utf8", "fix_c1_controls"}

# C0 (but tab, newline, carriage return), DEL and C1 controls; zero-width spaces, word joiner and BOM;
# bidirectional marks, embeddings, overrides and isolates (they can hide or reorder text).
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
MOJIBAKE = "mojibake repaired"


def clean_text(text: str) -> tuple[str, list[str]]:
    """(clean text, warnings): line breaks as LF (CRLF and a lone CR), NFC-normalized, mojibake repaired,
    control characters removed."""
    warnings: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if not text.isascii():  # mojibake, ligatures and full-width forms are all non-ASCII
        fixed, steps = ftfy.fix_and_explain(text, FTFY_CONFIG)
        if fixed != text:
            mojibake = any(action in ("encode", "decode") or name in MOJIBAKE_FIXERS for action, name in steps or [])
            warnings.append(MOJIBAKE if mojibake else f"unicode repaired ({_fixers(steps)})")
            text = fixed
    text, removed = CONTROL_CHARACTERS.subn("", text)
    if removed:
        warnings.append(f"control characters removed: {removed}")
    return text, warnings


def _fixers(steps: list[tuple[str, str]] | None) -> str:
    return ", ".join(sorted({name for action, name in steps or [] if action == "apply"})) or "ftfy"
