"""Writing report output: JSON carries numbers (or "c"), CSV prints money with two decimals."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from io import StringIO

from . import rules


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"Cannot write {type(value).__name__} as JSON")


def to_json(result: list[dict] | dict[str, list[dict]]) -> str:
    return json.dumps(result, default=_json_default, indent=2)


def _csv_value(value, *, money: bool) -> str:
    if value is None:
        return ""
    if money and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"{rules.round_money(value):.2f}"
    return str(value)


def _write_table(writer, rows: list[dict], money_fields: set[str]) -> None:
    if not rows:
        return
    columns = list(rows[0].keys())
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row[c], money=c in money_fields) for c in columns])


def to_csv(result: list[dict] | dict[str, list[dict]], money_fields: set[str] = frozenset()) -> str:
    """A list of rows is one table; named tables follow one another, each after a heading line."""
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if isinstance(result, dict):
        for index, (name, rows) in enumerate(result.items()):
            if index:
                writer.writerow([])
            writer.writerow([name])
            _write_table(writer, rows, money_fields)
    else:
        _write_table(writer, result, money_fields)
    return buffer.getvalue()
