"""Wire-text logic: the story model and its input formats, text hygiene, language, datelines, places.

Plain Python: neither Apache Beam nor spaCy is imported here (tests/test_layout.py), so it runs and is
tested anywhere, and the Beam stages in `transforms/` only wire it.
"""
