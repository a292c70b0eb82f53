"""Cell parsers: each takes a raw cell and returns a value or raises ValueError with a reason a
person can act on (the reason is shown next to the row number and column)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from placements import rules

from .readers import is_blank

PENNY = Decimal("0.01")


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


def parse_decimal(value: object, *, minimum: Decimal | None = None, maximum=None) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("is not a number")
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        raw = re.sub(r"[\s,]", "", text(value))
        if raw.endswith("%"):
            raw = raw[:-1]
        try:
            number = Decimal(raw)
        except InvalidOperation as error:
            raise ValueError("is not a number") from error
    if not number.is_finite():
        raise ValueError("is not a number")
    if minimum is not None and number < minimum:
        raise ValueError(f"must not be less than {minimum}")
    if maximum is not None and number > maximum:
        raise ValueError(f"must not be more than {maximum}")
    return number


def parse_money(value: object) -> Decimal:
    """£36,233.50, 36233.5, "£ 36 233" → Decimal to the penny; negative amounts are refused."""
    if isinstance(value, str):
        raw = value.strip()
        negative = raw.startswith("-") or (raw.startswith("(") and raw.endswith(")"))
        raw = raw.strip("()").lstrip("-").replace("£", "").replace("\u00a3", "")
        if negative:
            raw = "-" + raw
        value = raw
    try:
        amount = parse_decimal(value)
    except ValueError as error:
        raise ValueError("is not an amount of money, such as 36000 or £36,000.00") from error
    if amount < 0:
        raise ValueError("must not be negative")
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


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
    """A Django choices value named by its value, its label or an alias (DESIGN.md §3 matching)."""
    raw = text(value)
    if aliases:
        found = aliases.get(rules.normalise_choice(raw))
        if found:
            return found
    found = rules.match_choice(raw, choices)
    if found is None:
        allowed = ", ".join(str(v) for v, _ in choices)
        raise ValueError(f"is not one of: {allowed}")
    return found


def parse_need(value: object) -> str:
    code = rules.parse_need_code(text(value))
    if code is None:
        raise ValueError(f"is not a need code ({', '.join(rules.NEED_CODES)})")
    return code


ATTENDANCE_ALIASES = {
    "52_week": "52_week",
    "52_weeks": "52_week",
    "52_week_residential": "52_week",
    "residential": "52_week",
    "weekly_boarding": "weekly",
    "weekly": "weekly",
    "day": "day",
    "day_place": "day",
}


def parse_attendance(value: object) -> str:
    from placements.models import AttendancePattern

    return parse_choice(value, AttendancePattern.choices, ATTENDANCE_ALIASES)


def parse_academic_year(value: object) -> int:
    """`2024/25`, `2024-25`, `2024-2025` or `2024` → 2024 (the year the AY starts in)."""
    try:
        return rules.parse_financial_year(text(value).replace("/", "-"))
    except ValueError as error:
        raise ValueError("is not an academic year such as 2024/25") from error


__all__ = [
    "is_blank",
    "parse_academic_year",
    "parse_attendance",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_money",
    "parse_need",
    "text",
]
