"""The BigQuery table schema that a load of wirestream's Avro files with `--use_avro_logical_types` gives,
derived from the Avro schema: for `bq mk --table` ahead of the first load, or to check a table.

Avro -> BigQuery: a ["null", T] union is NULLABLE T; an array is REPEATED; a map is a REPEATED RECORD of
key and value; an enum is a STRING; `date` and `timestamp-millis` are DATE and TIMESTAMP.
"""
from __future__ import annotations

from typing import Any

from wirestream.schemas import schema_json

PRIMITIVES = {"string": "STRING", "bytes": "BYTES", "int": "INTEGER", "long": "INTEGER", "float": "FLOAT",
              "double": "FLOAT", "boolean": "BOOLEAN"}
LOGICAL = {"date": "DATE", "timestamp-millis": "TIMESTAMP", "timestamp-micros": "TIMESTAMP"}


def table_schema(name: str) -> list[dict[str, Any]]:
    """BigQuery schema fields (the JSON `bq` takes) for the Avro schema `schemas/<name>.avsc`."""
    return [_field(f["name"], f["type"], f.get("doc")) for f in schema_json(name)["fields"]]


def _field(name: str, avro_type: Any, doc: str | None = None, mode: str = "REQUIRED") -> dict[str, Any]:
    """One BigQuery field, keys in the order `bq show --schema` prints them."""
    if isinstance(avro_type, list):
        others = [t for t in avro_type if t != "null"]
        if len(others) != 1:
            raise ValueError(f"{name}: BigQuery has no type for the union {avro_type}")
        return _field(name, others[0], doc, "NULLABLE" if "null" in avro_type else mode)
    fields: list[dict[str, Any]] = []
    if isinstance(avro_type, str):
        bq_type = PRIMITIVES[avro_type]
    elif avro_type.get("logicalType") in LOGICAL:
        bq_type = LOGICAL[avro_type["logicalType"]]
    elif avro_type["type"] == "record":
        bq_type, fields = "RECORD", [_field(f["name"], f["type"], f.get("doc")) for f in avro_type["fields"]]
    elif avro_type["type"] == "enum":
        bq_type = "STRING"
    elif avro_type["type"] == "array":  # BigQuery has no nullable or nested arrays: an array is a REPEATED field
        item = _field(name, avro_type["items"])
        bq_type, fields, mode = item["type"], item.get("fields", []), "REPEATED"
    elif avro_type["type"] == "map":
        bq_type, mode = "RECORD", "REPEATED"
        fields = [_field("key", "string"), _field("value", avro_type["values"])]
    else:
        bq_type = PRIMITIVES[avro_type["type"]]
    field: dict[str, Any] = {"name": name, "type": bq_type, "mode": mode}
    if doc:
        field["description"] = doc
    if fields:
        field["fields"] = fields
    return field
