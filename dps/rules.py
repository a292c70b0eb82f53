"""DPS rules that are pure functions of dates, numbers and settings."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
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


def distance_km(
    from_easting: int | None,
    from_northing: int | None,
    to_easting: int | None,
    to_northing: int | None,
) -> float | None:
    """Straight-line distance between two British National Grid points, in kilometres
    (Pythagoras on the eastings and northings in metres, ÷ 1000); None when one is unknown."""
    if None in (from_easting, from_northing, to_easting, to_northing):
        return None
    assert from_easting is not None
    assert to_easting is not None
    assert from_northing is not None
    assert to_northing is not None
    return math.hypot(to_easting - from_easting, to_northing - from_northing) / 1000


@dataclass(frozen=True)
class OfferScore:
    quality_score: Decimal
    cost_score: Decimal
    score: Decimal


def offer_scores(
    offers: list[tuple[Decimal, Decimal | None]],
    *,
    quality_weight: int | None = None,
    cost_weight: int | None = None,
) -> list[OfferScore]:
    """Score each offer given as (annual cost, quality score 0-100 or None).

    cost score = 100 × lowest offered annual cost ÷ this offer's annual cost; quality score =
    the membership's quality score (0 when the school has none, e.g. not on the DPS); score =
    (quality weight × quality score + cost weight × cost score) ÷ (sum of the weights), the
    weights from DPS_QUALITY_WEIGHT and DPS_COST_WEIGHT (60/40 by default). Two decimals.
    """
    qw = Decimal(settings.DPS_QUALITY_WEIGHT if quality_weight is None else quality_weight)
    cw = Decimal(settings.DPS_COST_WEIGHT if cost_weight is None else cost_weight)
    positive = [cost for cost, _ in offers if cost > 0]
    lowest = min(positive) if positive else Decimal(0)
    cent = Decimal("0.01")
    scores = []
    for cost, quality in offers:
        cost_score = Decimal(100) if cost <= 0 else Decimal(100) * lowest / cost
        quality_score = quality if quality is not None else Decimal(0)
        total = (qw * quality_score + cw * cost_score) / (qw + cw) if qw + cw else Decimal(0)
        scores.append(
            OfferScore(
                quality_score=quality_score.quantize(cent, ROUND_HALF_UP),
                cost_score=cost_score.quantize(cent, ROUND_HALF_UP),
                score=total.quantize(cent, ROUND_HALF_UP),
            )
        )
    return scores
