"""wirestream's three floors.

- `transforms/*.py`: the Beam stages, one module per stage (read, parse, dedup, datelines, analyze,
  write), what every stage shares (`stage.py`) and every default (`limits.py`). No spaCy at module level.
- `transforms/wire/`: plain wire-text logic, neither Beam nor spaCy.
- `transforms/nlp/`: spaCy, imported only on the workers.
"""
