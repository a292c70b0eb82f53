"""Cell parsers: each takes a raw cell and returns a value or raises ValueError with a reason a
person can act on (the reason is shown next to the row number and column).

What the check accepts, the import writes: numbers are bounded before they become Python ints
(`1e999999999` would take minutes to convert), whole numbers fit the database's integer column,
amounts fit a money column, dates fall between IMPORT_DATE_MIN_YEAR and IMPORT_DATE_MAX_YEAR.
Tighter bounds from each model field are applied by `imports.bounds`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db.backends.base.operations import BaseDatabaseOperations

from core import calendar, money
from core.choices import match_choice, normalise_choice

from .readers import is_blank


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


_DAY_FIRST = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})")
DATE_REASON = "is not a date: use YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY"


INTEGER_MIN, INTEGER_MAX = BaseDatabaseOperations.integer_field_ranges["IntegerField"]
"""The narrowest integer column a whole number from a file may go to without a model bound."""
MONEY_MAX = Decimal("9999999999.99")
"""The largest amount a money column (12 digits, 2 after the point) holds."""
MAX_DIGITS = 30
"""A number with more digits than this before the point is refused before it is converted."""


def date_in_range(value: dt.date) -> dt.date:
    """`value`, when within `core.calendar.likely_dates` (the range the forms take too)."""
    low, high = calendar.likely_dates()
    if not low <= value <= high:
        raise ValueError(
            f"is not a likely date: the year must be between {low.year} and {high.year}"
        )
    return value


def parse_date(value: object) -> dt.date:
    """YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (GIAS writes DD-MM-YYYY), or a spreadsheet date,
    between IMPORT_DATE_MIN_YEAR and IMPORT_DATE_MAX_YEAR."""
    return date_in_range(_parse_date(value))


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    try:
        if len(raw) == 10 and raw[4] == "-":
            return dt.date.fromisoformat(raw)
        match = _DAY_FIRST.fullmatch(raw)
        if match:
            return dt.date(int(match[4]), int(match[3]), int(match[1]))
    except ValueError as error:
        raise ValueError(DATE_REASON) from error
    raise ValueError(DATE_REASON)


def _bounded(number: Decimal) -> Decimal:
    if number.adjusted() >= MAX_DIGITS:
        raise ValueError("is far too large a number")
    return number


def parse_decimal(
    value: object, *, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    return _bounded(money.parse_decimal(value, minimum=minimum, maximum=maximum))


def parse_money(value: object) -> Decimal:
    """£36,233.50, 36233.5, "£ 36 233" → Decimal to the penny, at most MONEY_MAX."""
    too_large = f"is more than £{MONEY_MAX:,}, the largest amount that can be stored"
    try:
        amount = money.parse_money(value)
    except InvalidOperation as error:  # too many digits to round to the penny
        raise ValueError(too_large) from error
    if amount > MONEY_MAX:
        raise ValueError(too_large)
    return amount


def parse_int(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    number = _bounded(money.parse_decimal(value))
    if number != number.to_integral_value():
        raise ValueError("is not a whole number")
    result = int(number)
    if result > INTEGER_MAX or result < INTEGER_MIN:
        raise ValueError(f"is too large: the largest number that can be stored is {INTEGER_MAX:,}")
    if minimum is not None and result < minimum:
        raise ValueError(f"must be at least {minimum}")
    if maximum is not None and result > maximum:
        raise ValueError(f"must be at most {maximum}")
    return result


def parse_choice(value: object, choices, aliases: dict[str, str] | None = None) -> str:
    """A Django choices value named by its value, its label or an alias (docs/definitions.md matching)."""
    raw = text(value)
    if aliases:
        found = aliases.get(normalise_choice(raw))
        if found:
            return found
    found = match_choice(raw, choices)
    if found is None:
        allowed = ", ".join(str(v) for v, _ in choices)
        raise ValueError(f"is not one of: {allowed}")
    return found


def parse_academic_year(value: object) -> int:
    """`2024/25`, `2024-25`, `2024-2025` or `2024` → 2024 (the year the AY starts in)."""
    return calendar.parse_academic_year(text(value))


__all__ = [
    "is_blank",
    "parse_academic_year",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_money",
    "text",
]
