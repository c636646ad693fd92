"""Package data, read one way: through importlib.resources, so lexicons and tables are found wherever the
package is installed (a venv, a Dataflow worker's site-packages, a wheel)."""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

WIRE_DATA = "wirestream.transforms.wire"  # dateline and gazetteer tables: transforms/wire/data/
NLP_DATA = "wirestream.transforms.nlp"  # entity and stance lexicons: transforms/nlp/data/


def read_text(package: str, name: str) -> str:
    return resources.files(package).joinpath("data", name).read_text(encoding="utf-8")


def tsv_rows(package: str, name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, without blank lines and `#` comments."""
    text = read_text(package, name)
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def json_data(package: str, name: str) -> Any:
    return json.loads(read_text(package, name))
