"""Financial years (1 April – 31 March) and academic years (1 September – 31 August), DESIGN §3."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings


def financial_year_of(day: dt.date) -> int:
    """The FY containing `day`, named by the year it starts in (FY 2024 = 1 Apr 2024 – 31 Mar 2025)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(fy: int) -> tuple[dt.date, dt.date]:
    return dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)


def financial_year_label(fy: int) -> str:
    """`2025` → `2025-26`, the form councils write on budgets."""
    return f"{fy}-{(fy + 1) % 100:02d}"


def parse_financial_year(text: str) -> int:
    """Accepts `2025-26`, `2025/26`, `2025-2026` or `2025`; returns the starting year."""
    match = re.fullmatch(r"\s*(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?\s*", str(text))
    if not match:
        raise ValueError(f"'{text}' is not a financial year such as 2025-26")
    start = int(match.group(1))
    if match.group(2):
        end = int(match.group(2))
        if end % 100 != (start + 1) % 100:
            raise ValueError(f"'{text}' is not a financial year such as 2025-26")
    first, last = likely_dates()
    if not first.year <= start < last.year:
        raise ValueError(
            f"'{text}' is not a likely year: it must start between {first.year} and {last.year - 1}"
        )
    return start


def days_in_financial_year(fy: int) -> int:
    start, end = financial_year_bounds(fy)
    return (end - start).days + 1


def academic_year_of(day: dt.date) -> int:
    """The AY containing `day`, named by the year it starts in (AY 2024 = 1 Sep 2024 – 31 Aug 2025)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_bounds(ay: int) -> tuple[dt.date, dt.date]:
    return dt.date(ay, 9, 1), dt.date(ay + 1, 8, 31)


def academic_year_label(ay: int) -> str:
    return f"{ay}/{(ay + 1) % 100:02d}"


def parse_academic_year(text: str) -> int:
    """`2024/25`, `2024-25`, `2024-2025` or `2024` → 2024 (the year the AY starts in)."""
    try:
        return parse_financial_year(str(text).replace("/", "-"))
    except ValueError as error:
        if "likely year" in str(error):
            raise
        raise ValueError("is not an academic year such as 2024/25") from error


def likely_dates() -> tuple[dt.date, dt.date]:
    """The first and last date the product takes from a person or a file: 1 January
    IMPORT_DATE_MIN_YEAR to 31 December IMPORT_DATE_MAX_YEAR. A year such as 1 or 9999 is a
    slip of the keyboard, and the last would overflow every sum that adds a day to it."""
    return (
        dt.date(settings.IMPORT_DATE_MIN_YEAR, 1, 1),
        dt.date(settings.IMPORT_DATE_MAX_YEAR, 12, 31),
    )
