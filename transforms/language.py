"""Which language a story is in, so that the English NLP skips the others instead of mislabelling them.

Rule: a declared language (ninjs `language`, the `language` attribute) is trusted. Otherwise lingua reads
the headline and the start of the body; a language other than English counts only when the text has at
least MIN_WORDS words and lingua gives it at least MIN_CONFIDENCE: a short or ambiguous text is taken as
English ("Apple unveils iPhone" alone reads as German to a detector), as wire copy in English mostly is.
"""
from __future__ import annotations

import functools
import re

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

ENGLISH = "en"
# The languages of the world's main news agencies' services: a text in another language is still told
# apart from English, and a short candidate list keeps the detector small (about 40 MB) and fast.
WIRE_LANGUAGES = (
    Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.GERMAN, Language.PORTUGUESE,
    Language.ITALIAN, Language.RUSSIAN, Language.UKRAINIAN, Language.POLISH, Language.DUTCH, Language.SWEDISH,
    Language.TURKISH, Language.ARABIC, Language.PERSIAN, Language.HINDI, Language.CHINESE, Language.JAPANESE,
    Language.KOREAN, Language.INDONESIAN, Language.VIETNAMESE,
)
SAMPLE_CHARS = 2000
MIN_WORDS = 8
MIN_CONFIDENCE = 0.9
WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """Built once per worker process, on first use (0.2 s); low-accuracy mode: 0.2 ms per story."""
    return LanguageDetectorBuilder.from_languages(*WIRE_LANGUAGES).with_low_accuracy_mode().build()


def declared_code(declared: str | None) -> str | None:
    """"en-GB", "EN", "eng" -> "en"; None when nothing usable is declared."""
    if not declared:
        return None
    code = declared.strip().lower().replace("_", "-").split("-")[0]
    return ENGLISH if code == "eng" else code or None


def story_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of the story's language; None when undeclared and not confidently detected."""
    code = declared_code(declared)
    if code:
        return code
    sample = text[:SAMPLE_CHARS]
    if len(WORD.findall(sample)) < MIN_WORDS:
        return None
    values = detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def is_english(code: str | None) -> bool:
    return code is None or code == ENGLISH
