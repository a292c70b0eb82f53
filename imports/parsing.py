"""Cell parsers: each takes a raw cell and returns a value or raises ValueError with a reason a
person can act on (the reason is shown next to the row number and column)."""

from __future__ import annotations

import datetime as dt
import re

from core import calendar
from core.choices import match_choice, normalise_choice
from core.money import parse_decimal, parse_money

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


def parse_date(value: object) -> dt.date:
    """YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (GIAS writes DD-MM-YYYY), or a spreadsheet date."""
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


def parse_int(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError("is not a whole number")
    result = int(number)
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
