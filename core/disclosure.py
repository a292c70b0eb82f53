"""Small-number suppression (DESIGN §3): counts 1–4, and every figure on their row, become `c`
for people without the casework role."""

from __future__ import annotations

import numbers
from decimal import Decimal
from typing import Any

SUPPRESSED = "c"


def is_small_number(count: object) -> bool:
    """Counts from 1 to 4 are suppressed for people without the casework role; zero is shown."""
    # Any number (numpy's too, from the reporting frames); `c`, blanks and None are not counts.
    return isinstance(count, numbers.Real | Decimal) and 1 <= float(count) <= 4


def suppress_row(
    row: dict[str, Any], *, count_fields: list[str], figure_fields: list[str]
) -> dict[str, Any]:
    """Replace small counts by `c`, and with them every money, share and percent figure on the row."""
    if not any(is_small_number(row.get(field)) for field in count_fields):
        return row
    hidden = {field: SUPPRESSED for field in [*count_fields, *figure_fields] if field in row}
    return {**row, **hidden}


def suppress_rows(
    rows: list[dict[str, Any]], *, count_fields: list[str], figure_fields: list[str]
) -> list[dict[str, Any]]:
    return [
        suppress_row(row, count_fields=count_fields, figure_fields=figure_fields) for row in rows
    ]
