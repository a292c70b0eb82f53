"""The commissioners' DPS figures on hand-computed examples (docs/definitions.md, "The DPS")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dps import market_rules


def test_saving_is_base_fee_times_the_gap_between_requested_and_agreed():
    # £40,000 and £60,000 at 5% requested, 2% agreed: £100,000 × 3 ÷ 100 = £3,000.
    saving = market_rules.uplift_saving(
        [Decimal("40000"), Decimal("60000")], Decimal("5.00"), Decimal("2.00")
    )

    assert saving == Decimal("3000")


def test_refusal_counts_as_zero_agreed():
    # £50,000 at 4.5% requested, refused: £50,000 × 4.5 ÷ 100 = £2,250.
    assert market_rules.uplift_saving([Decimal("50000")], Decimal("4.5"), None) == Decimal("2250")


def test_uplift_agreed_in_full_saves_nothing():
    assert market_rules.uplift_saving([Decimal("50000")], Decimal("3"), Decimal("3")) == 0


@pytest.mark.parametrize(
    ("requested", "required"),
    [("2.99", False), ("3.00", False), ("3.01", True), ("6.5", True)],
)
def test_breakdown_is_required_strictly_above_the_threshold(requested, required):
    assert market_rules.uplift_breakdown_required(Decimal(requested), 3.0) is required


def test_utilisation_counts_placements_active_on_each_months_census_day():
    # 4 places from 15 Sep 2025. Placements: A from 1 Sep 2025 (open), B 1 Oct–31 Oct 2025,
    # C from 1 Nov 2025, D from 2 Nov 2025 (after November's census day).
    placements = [
        (dt.date(2025, 9, 1), None),
        (dt.date(2025, 10, 1), dt.date(2025, 10, 31)),
        (dt.date(2025, 11, 1), None),
        (dt.date(2025, 11, 2), None),
    ]
    rows = market_rules.utilisation_by_month(
        places_reserved=4,
        start=dt.date(2025, 9, 15),
        end=dt.date(2026, 8, 31),
        placements=placements,
        until=dt.date(2025, 12, 10),
    )

    assert [(r["month"], r["census"], r["filled"], r["percent"]) for r in rows] == [
        (dt.date(2025, 9, 1), dt.date(2025, 9, 15), 1, Decimal("25.0")),
        (dt.date(2025, 10, 1), dt.date(2025, 10, 1), 2, Decimal("50.0")),
        (dt.date(2025, 11, 1), dt.date(2025, 11, 1), 2, Decimal("50.0")),
        (dt.date(2025, 12, 1), dt.date(2025, 12, 1), 3, Decimal("75.0")),
    ]


def test_utilisation_caps_filled_places_at_the_places_reserved():
    rows = market_rules.utilisation_by_month(
        places_reserved=2,
        start=dt.date(2025, 9, 1),
        end=dt.date(2025, 9, 30),
        placements=[(dt.date(2025, 1, 1), None)] * 3,
        until=dt.date(2026, 1, 1),
    )

    assert [(r["active"], r["filled"], r["percent"]) for r in rows] == [(3, 2, Decimal("100.0"))]


def test_term_fee_is_base_fee_times_term_days_over_academic_year_days():
    # Autumn 2025: 1 Sep–31 Dec 2025 = 122 days; AY 2025/26 has 365 days.
    # £36,500 × 122 ÷ 365 = £12,200.
    fee = market_rules.term_fee(
        base_fee=Decimal("36500"),
        academic_year=2025,
        term="autumn",
        placement_start=dt.date(2024, 9, 2),
        placement_end=None,
    )

    assert fee == Decimal("12200")


def test_term_fee_counts_only_the_placements_days_in_the_term():
    # Spring 2026 is 1 Jan–30 Apr; a placement from 1 Apr 2026 has 30 days in it:
    # £36,500 × 30 ÷ 365 = £3,000.
    fee = market_rules.term_fee(
        base_fee=Decimal("36500"),
        academic_year=2025,
        term="spring",
        placement_start=dt.date(2026, 4, 1),
        placement_end=None,
    )

    assert fee == Decimal("3000")


def test_leap_academic_year_has_366_days():
    assert market_rules.days_in_academic_year(2027) == 366
    assert market_rules.days_in_academic_year(2025) == 365


def test_attendance_below_threshold_reduces_the_terms_fee():
    # £12,200 term fee, 79.9% attendance against 80%, reduced by 10%: £1,220.
    penalty = market_rules.attendance_penalty(
        fee_for_term=Decimal("12200"),
        attendance_percent=Decimal("79.9"),
        threshold_percent=Decimal("80"),
        reduction_percent=Decimal("10"),
    )

    assert penalty == Decimal("1220")


def test_attendance_at_the_threshold_has_no_penalty():
    assert (
        market_rules.attendance_penalty(
            fee_for_term=Decimal("12200"),
            attendance_percent=Decimal("80"),
            threshold_percent=Decimal("80"),
            reduction_percent=Decimal("10"),
        )
        == 0
    )


@pytest.mark.parametrize(
    ("end", "flag"),
    [
        (dt.date(2026, 11, 22), False),  # already ended
        (dt.date(2026, 11, 23), True),
        (dt.date(2027, 5, 23), True),  # exactly 6 months
        (dt.date(2027, 5, 24), False),
    ],
)
def test_expiring_soon_means_ending_within_six_months(end, flag):
    assert market_rules.expiring_soon(end, dt.date(2026, 11, 23)) is flag
