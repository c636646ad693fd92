"""spaCy floor: the model and wirestream's components, entities, stances.

Imported on the workers only (the NLP stage imports it in `setup`), never by the launcher; no Apache
Beam here (tests/test_layout.py).
"""
