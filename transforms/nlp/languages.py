"""What differs per language in the NLP, as data (transforms/nlp/data/languages.json): which NER labels the
model uses, which NER fixes hold, which lexicons the rules read. Code asks `config(doc.lang_)` and never
branches on a language's name."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from wirestream.transforms.nlp.ner import EntityLexicon
from wirestream.transforms.wire.data import NLP_DATA, json_data

DEFAULT_LANGUAGE = "en"


@cache
def _configs() -> dict[str, Any]:
    return {lang: conf for lang, conf in json_data(NLP_DATA, "languages.json").items() if not lang.startswith("_")}


def config(lang: str) -> dict[str, Any]:
    """The settings of the model language `lang` (spaCy's code: "en", "fr"); English's for one not listed."""
    configs = _configs()
    return configs.get(lang, configs[DEFAULT_LANGUAGE])


def data_path(name: str) -> str:
    """The file path of a packaged lexicon in transforms/nlp/data/ (for a component's config)."""
    return str(resources.files(NLP_DATA).joinpath("data", name))


@cache
def entity_lexicon(lang: str) -> EntityLexicon:
    """The entity lexicon of `lang`, read once per process."""
    return EntityLexicon.from_dict(json_data(NLP_DATA, config(lang)["entity_lexicon"]))
