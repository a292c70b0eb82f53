"""The commissioners' DPS figures as pure functions (docs/definitions.md, "The DPS"):
negotiation saving, block contract utilisation, attendance penalties, contract expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from core import calendar

EXPIRING_WITHIN_MONTHS = 6
TERMS = ("autumn", "spring", "summer")
TERM_LABELS = {"autumn": "Autumn", "spring": "Spring", "summer": "Summer"}


def uplift_saving(
    base_fees: Iterable[Decimal], requested_percent: Decimal, agreed_percent: Decimal | None
) -> Decimal:
    """Σ base fee × (requested % − agreed %) ÷ 100, unrounded; a refusal (None) counts as 0%."""
    gap = requested_percent - (agreed_percent or Decimal(0))
    return sum((fee * gap / 100 for fee in base_fees), Decimal(0))


def uplift_breakdown_required(requested_percent: Decimal, threshold_percent: float) -> bool:
    """A request above the threshold (strictly) needs a cost breakdown before it is agreed."""
    return requested_percent > Decimal(str(threshold_percent))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's last day (31 Aug + 6 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def expiring_soon(end: dt.date, today: dt.date, months: int = EXPIRING_WITHIN_MONTHS) -> bool:
    """Ends today or within the next `months` months."""
    return today <= end <= add_months(today, months)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from `start`'s month to `end`'s, inclusive."""
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def utilisation_by_month(
    *,
    places_reserved: int,
    start: dt.date,
    end: dt.date,
    placements: Iterable[tuple[dt.date, dt.date | None]],
    until: dt.date,
) -> list[dict[str, object]]:
    """For each month of the block contract up to `until`: places filled = the provider's
    placements active on the month's census day (the 1st, or the contract's start date in its
    first month), capped at the places reserved (any more are spot purchases); utilisation =
    filled ÷ reserved, as a percentage to one decimal place."""
    spans = list(placements)
    rows: list[dict[str, object]] = []
    for month in months_between(start, min(end, until)):
        census = max(month, start)
        active = sum(1 for s, e in spans if s <= census and (e is None or e >= census))
        filled = min(active, places_reserved)
        percent = (Decimal(filled) * 100 / Decimal(places_reserved)).quantize(Decimal("0.1"))
        rows.append(
            {
                "month": month,
                "census": census,
                "reserved": places_reserved,
                "active": active,
                "filled": filled,
                "percent": percent,
            }
        )
    return rows


def term_bounds(academic_year: int, term: str) -> tuple[dt.date, dt.date]:
    """Autumn 1 September–31 December, spring 1 January–30 April, summer 1 May–31 August."""
    if term == "autumn":
        return dt.date(academic_year, 9, 1), dt.date(academic_year, 12, 31)
    if term == "spring":
        return dt.date(academic_year + 1, 1, 1), dt.date(academic_year + 1, 4, 30)
    if term == "summer":
        return dt.date(academic_year + 1, 5, 1), dt.date(academic_year + 1, 8, 31)
    raise ValueError(f"unknown term {term!r}")


def days_in_academic_year(academic_year: int) -> int:
    first, last = calendar.academic_year_bounds(academic_year)
    return (last - first).days + 1


def term_fee(
    *,
    base_fee: Decimal,
    academic_year: int,
    term: str,
    placement_start: dt.date,
    placement_end: dt.date | None,
) -> Decimal:
    """The base fee × days of the placement inside the term (both ends counted) ÷ days in the
    AY (365, or 366 when it holds 29 February). Unrounded."""
    first, last = term_bounds(academic_year, term)
    begin = max(first, placement_start)
    finish = min(last, placement_end) if placement_end else last
    if finish < begin:
        return Decimal(0)
    days = (finish - begin).days + 1
    return base_fee * days / days_in_academic_year(academic_year)


def attendance_penalty(
    *,
    fee_for_term: Decimal,
    attendance_percent: Decimal,
    threshold_percent: Decimal,
    reduction_percent: Decimal,
) -> Decimal:
    """Attendance strictly below the threshold reduces the term's fee by the reduction %."""
    if attendance_percent < threshold_percent:
        return fee_for_term * reduction_percent / 100
    return Decimal(0)
