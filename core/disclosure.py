"""Small-number suppression (DESIGN §3): counts from 1 to settings.SMALL_NUMBER_THRESHOLD, and
every figure on their row, become `c` for people without the casework role.

Every page decides whether to suppress with `sees_small_numbers(request.user)`, and nothing
else: one rule, in one place."""

from __future__ import annotations

import numbers
from decimal import Decimal
from typing import Any

from django.conf import settings

from . import roles

SUPPRESSED = "c"


def sees_small_numbers(user: Any) -> bool:
    """True for people with the casework permission (they see children's records anyway);
    everyone else, managers included, sees small counts suppressed."""
    return bool(user is not None and user.has_perm(roles.CASEWORK))


def small_number_threshold() -> int:
    return int(settings.SMALL_NUMBER_THRESHOLD)


def is_small_number(count: object) -> bool:
    """Counts from 1 to the threshold are suppressed for people without the casework role;
    zero is shown."""
    # Any number (numpy's too, from the reporting frames); `c`, blanks and None are not counts.
    return (
        isinstance(count, numbers.Real | Decimal)
        and not isinstance(count, bool)
        and 1 <= float(count) <= small_number_threshold()
    )


def shown_count(count: Any, user: Any) -> Any:
    """`count` as this user may see it: the number, or `c` when it is small and they may not."""
    if not sees_small_numbers(user) and is_small_number(count):
        return SUPPRESSED
    return count


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
