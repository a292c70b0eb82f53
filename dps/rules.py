"""DPS rules that are pure functions of dates and settings."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _england_bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in `year`, substitute days included (e.g. Boxing Day observed)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _england_bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (weekends and England's bank holidays skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += ONE_DAY
        if is_working_day(current):
            remaining -= 1
    return current


def consultation_due_date(sent: dt.date) -> dt.date:
    """When a provider's answer to a consultation is due: CONSULTATION_RESPONSE_DAYS after it
    was sent, in calendar days, or in working days when CONSULTATION_WORKING_DAYS is on."""
    days = int(settings.CONSULTATION_RESPONSE_DAYS)
    if settings.CONSULTATION_WORKING_DAYS:
        return add_working_days(sent, days)
    return sent + dt.timedelta(days=days)
