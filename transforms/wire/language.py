"""Which language a story is in, so that the English NLP skips the others instead of mislabelling them.

The rule, in order:
1. A declared language (ninjs `language`, the `language` attribute) that is an ISO 639 code is trusted;
   anything else declared (a number, "English", "x-y") is ignored and detection decides.
2. A text whose letters are mostly not Latin script (Cyrillic, Arabic, CJK, Greek, ...) is not English,
   however short: its code is lingua's answer when lingua is at least MIN_CONFIDENCE sure, else unknown.
3. A Latin-script text of fewer than MIN_WORDS words, or one lingua is less than MIN_CONFIDENCE sure of, is
   taken as English with no code: "Apple unveils iPhone" alone reads as German to a detector, and wire copy
   in Latin script is mostly English.
4. A Latin-script text in which at least ENGLISH_SHARE of the words are English function words is English
   without asking lingua, which costs 2-4 ms per story (5% of spaCy's time). English wire copy gets there
   (the, and, that, said: 10-30% of its words; 98% of the benchmark's stories, all of the dev set's); the 21
   languages of tests/test_language.py score 0%, a French story quoting a sentence of English 6.5%.
   Likewise French, the other language with a model, at FRENCH_SHARE of words only French uses that often
   (dans, avec, une, selon: 8-13% of French copy; English and 19 of the other 20 languages 0%, Catalan 2%).
   Otherwise lingua's language counts.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

import pycountry
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from wirestream.transforms.limits import ENGLISH, FRENCH

# Latin-script languages of the news agencies' services. A Latin-script language missing here is still
# skipped as not English, but under its nearest neighbour's code (Estonian reads as Finnish), and each one
# costs time on every English story: with these 24, 1.6-2.4 ms per story of the dev set; with all 75 languages
# lingua knows, 5.3 ms (spaCy takes 33 ms).
LATIN_SCRIPT_LANGUAGES = (
    Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.GERMAN, Language.PORTUGUESE, Language.ITALIAN,
    Language.DUTCH, Language.SWEDISH, Language.DANISH, Language.BOKMAL, Language.FINNISH, Language.POLISH,
    Language.CZECH, Language.SLOVAK, Language.HUNGARIAN, Language.ROMANIAN, Language.CROATIAN, Language.TURKISH,
    Language.INDONESIAN, Language.MALAY, Language.VIETNAMESE, Language.SWAHILI, Language.TAGALOG, Language.CATALAN,
)
# Every language lingua knows in another script: they cost nothing on Latin text, which lingua tells apart by
# its alphabet before it compares letter trigrams, and they keep Greek or Thai from passing as English.
OTHER_SCRIPT_LANGUAGES = (
    Language.ARABIC, Language.PERSIAN, Language.URDU, Language.HINDI, Language.MARATHI, Language.BENGALI,
    Language.TAMIL, Language.TELUGU, Language.GUJARATI, Language.PUNJABI, Language.THAI, Language.GREEK,
    Language.HEBREW, Language.ARMENIAN, Language.GEORGIAN, Language.RUSSIAN, Language.UKRAINIAN, Language.BELARUSIAN,
    Language.BULGARIAN, Language.SERBIAN, Language.MACEDONIAN, Language.KAZAKH, Language.MONGOLIAN, Language.CHINESE,
    Language.JAPANESE, Language.KOREAN,
)
SAMPLE_CHARS = 2000
MIN_WORDS = 8
MIN_CONFIDENCE = 0.9
WORD = re.compile(r"\w+")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
DECLARED = re.compile(r"[a-z]{2,3}")
# Frequent English function words that are not also frequent words of another Latin-script language: not
# "a", "in", "is", "was", "of", "to", "for", "by", "on", "will" or "also" (Spanish, German, Dutch, Polish...).
ENGLISH_FUNCTION_WORDS = frozenset(
    "the and that with which from said have has were been would their they this after about there these than "
    "could should because who its but not".split()
)
ENGLISH_SHARE = 0.10
# Frequent French words that no other Latin-script language of the list uses often: not "des" (German), "la",
# "le", "et", "que" or "il" (Spanish, Italian, Catalan, Danish...).
FRENCH_FUNCTION_WORDS = frozenset(
    "les une dans avec pour aux été ont cette selon leur elle sont est qui pas du au ces mais sur".split()
)
FRENCH_SHARE = 0.06


class Verdict(NamedTuple):
    """`code`: ISO 639-1 (639-3 for a declared language without one), None when unknown; `english`: whether
    the English NLP should read the story."""

    code: str | None
    english: bool


@functools.lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """Built once per worker process, on first use, never at import; low-accuracy mode (trigrams only): 0.2 s
    and 35 MB, against 2.3 s and 320 MB for high accuracy, which is no faster."""
    languages = (*LATIN_SCRIPT_LANGUAGES, *OTHER_SCRIPT_LANGUAGES)
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def declared_code(declared: object) -> str | None:
    """"en-GB", "EN", "eng", "fre" -> ISO 639-1 ("en", "fr"); a 639-3 code without one stays as it is; None
    when nothing usable is declared."""
    if not isinstance(declared, str):
        return None
    code = declared.strip().lower().replace("_", "-").split("-")[0]
    if not DECLARED.fullmatch(code):
        return None
    found = (pycountry.languages.get(alpha_2=code) if len(code) == 2 else
             pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code))
    if found is None:
        return None
    return getattr(found, "alpha_2", None) or found.alpha_3


def function_word_share(words: list[str], function_words: frozenset[str]) -> float:
    """The share of `words` that are among `function_words`."""
    return sum(word.lower() in function_words for word in words) / len(words) if words else 0.0


def english_share(words: list[str]) -> float:
    return function_word_share(words, ENGLISH_FUNCTION_WORDS)


def french_share(words: list[str]) -> float:
    return function_word_share(words, FRENCH_FUNCTION_WORDS)


def story_language(text: str, declared: str | None = None) -> Verdict:
    """The story's language by the rule in the module docstring."""
    code = declared_code(declared)
    if code:
        return Verdict(code, code == ENGLISH)
    sample = text[:SAMPLE_CHARS]
    other_letters = len(NON_LATIN_LETTER.findall(sample))  # none at all in most English copy: no Latin count
    latin = not other_letters or len(LATIN_LETTER.findall(sample)) >= other_letters
    words = WORD.findall(sample)
    if latin and len(words) < MIN_WORDS:
        return Verdict(None, True)
    if latin and english_share(words) >= ENGLISH_SHARE:
        return Verdict(ENGLISH, True)
    if latin and french_share(words) >= FRENCH_SHARE:
        return Verdict(FRENCH, False)
    values = detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return Verdict(None, latin)
    code = values[0].language.iso_code_639_1.name.lower()
    return Verdict(code, code == ENGLISH)
