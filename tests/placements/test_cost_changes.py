"""A change of a placement's fee or funding applies from a date: spend before it is unchanged,
and the history keeps the value before the change (ADR 0008)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core import calendar
from placements import services
from placements.models import Placement, PlacementCostChange
from reporting import services as reporting_services
from reporting.models import BudgetLine, DashboardSnapshot
from tests.factories import ChildFactory, EHCPFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db

FY = 2026  # 1 April 2026 to 31 March 2027: 365 days
RAISED_ON = dt.date(2026, 12, 7)
DAYS_FROM_RAISE = (calendar.financial_year_bounds(FY)[1] - RAISED_ON).days + 1  # 115
BEFORE_RAISE = dt.date(2026, 11, 30)
DAYS_TO_30_NOVEMBER = (BEFORE_RAISE - dt.date(2026, 4, 1)).days + 1  # 244


@pytest.fixture
def placement():
    """A £36,000 INMSS placement for the whole of FY 2026-27, with a budget line for it."""
    child = ChildFactory()
    EHCPFactory(child=child, issue_date=dt.date(2025, 6, 1), ceased_date=None, status="issued")
    BudgetLine.objects.create(financial_year=FY, line="INMSS", amount=Decimal("500000"))
    return PlacementFactory(
        child=child,
        provider=ProviderFactory(establishment_type="Other independent special school"),
        start_date=dt.date(2026, 4, 1),
        end_date=None,
        annual_cost=Decimal("36000.00"),
        additional_cost=Decimal("0.00"),
        attendance_pattern="day",
    )


def _post(client, placement, **changes):
    placement.refresh_from_db()
    data = {
        "version": placement.version,
        "end_date": "",
        "attendance_pattern": "day",
        "annual_cost": "36000.00",
        "additional_cost": "0.00",
        **changes,
    }
    return client.post(reverse("placements:placement_change", args=[placement.pk]), data)


def _recompute(as_of: dt.date) -> dict[str, dict]:
    reporting_services.snapshots_recompute(as_of=as_of)
    return {
        snapshot.dashboard: snapshot.data
        for snapshot in DashboardSnapshot.objects.filter(as_of=as_of)
    }


def _budget_line(data: dict) -> dict:
    (line,) = data["budget"]["by_year"][str(FY)]["tables"]["lines"]
    return line


def test_raising_funding_from_7_december_counts_only_from_that_day(commissioner_client, placement):
    before = _recompute(BEFORE_RAISE)
    assert before["spend"]["by_year"][str(FY)]["figures"]["spend"] == 36000.00
    spent_to_november = round(36000 * DAYS_TO_30_NOVEMBER / 365, 2)
    assert _budget_line(before)["spent_to_date"] == spent_to_november

    response = _post(
        commissioner_client, placement, additional_cost="100000", cost_effective_from="2026-12-07"
    )

    assert response.status_code == 302
    raised = round(36000 + 100000 * DAYS_FROM_RAISE / 365, 2)  # £67,506.85
    after = _recompute(RAISED_ON)
    assert after["spend"]["by_year"][str(FY)]["figures"]["spend"] == raised
    assert _budget_line(after)["forecast_outturn"] == raised
    assert after["headline"]["inmss_spend_fy"] == raised
    # Spent to date for months already past is what it was.
    again = _recompute(BEFORE_RAISE)
    assert _budget_line(again)["spent_to_date"] == spent_to_november
    assert _budget_line(again)["committed"] == round(raised - spent_to_november, 2)
    # As of 7 December: 250 days at £36,000 and the 7th itself at £136,000.
    assert _budget_line(after)["spent_to_date"] == round(
        (36000 * (DAYS_TO_30_NOVEMBER + 6) + 136000) / 365, 2
    )


def test_the_change_and_the_value_before_it_are_kept(commissioner_client, commissioner, placement):
    # Written in bulk (as the demo and older imports do): no history row yet.
    Placement.history.filter(id=placement.pk).delete()

    _post(
        commissioner_client, placement, additional_cost="100000", cost_effective_from="2026-12-07"
    )

    change = PlacementCostChange.objects.get(placement=placement)
    assert (change.effective_from, change.made_by) == (RAISED_ON, commissioner)
    assert (change.previous_total_annual_cost, change.total_annual_cost) == (36000, 136000)
    costs = placement.history.order_by("history_id").values_list("additional_cost", flat=True)
    assert list(costs) == [Decimal("0.00"), Decimal("100000.00")]
    page = commissioner_client.get(
        reverse("placements:placement_change", args=[placement.pk])
    ).content.decode()
    assert "Changes of fee or funding" in page
    assert "7 December 2026" in page
    assert "£36,000.00" in page
    assert "£136,000.00" in page


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-03-31", "The change cannot take effect before the placement starts, 1 April 2026"),
        ("0001-01-01", "must be between"),
    ],
)
def test_a_change_cannot_take_effect_outside_the_placement(
    commissioner_client, placement, day, message
):
    response = _post(
        commissioner_client, placement, additional_cost="100000", cost_effective_from=day
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    placement.refresh_from_db()
    assert placement.additional_cost == 0
    assert not PlacementCostChange.objects.exists()


def test_a_change_after_an_ended_placement_is_refused(commissioner, placement):
    placement.end_date = dt.date(2026, 7, 31)
    placement.save()

    with pytest.raises(services.DomainError) as raised:
        services.placement_update(
            placement=placement,
            version=placement.version,
            annual_cost=Decimal("40000"),
            cost_effective_from=dt.date(2026, 8, 1),
            user=commissioner,
        )

    assert "by the placement's last day, 31 July 2026" in str(raised.value.errors)


def test_a_change_applies_from_today_by_default_and_a_later_change_replaces_it(
    commissioner, placement
):
    services.placement_update(
        placement=placement,
        version=1,
        annual_cost=Decimal("40000"),
        user=commissioner,
        today=dt.date(2027, 1, 1),
    )
    services.placement_update(
        placement=placement,
        version=2,
        annual_cost=Decimal("38000"),
        user=commissioner,
        cost_effective_from=dt.date(2026, 10, 1),
    )

    changes = list(
        PlacementCostChange.objects.values_list("effective_from", "previous_annual_cost")
    )
    assert changes == [(dt.date(2026, 10, 1), Decimal("36000.00"))]
    data = _recompute(dt.date(2027, 3, 31))
    days_before = (dt.date(2026, 10, 1) - dt.date(2026, 4, 1)).days  # 183
    expected = round(36000 * days_before / 365 + 38000 * (365 - days_before) / 365, 2)
    assert data["spend"]["by_year"][str(FY)]["figures"]["spend"] == expected


def test_a_change_before_an_earlier_change_keeps_the_first_cost(commissioner, placement):
    services.placement_update(
        placement=placement,
        version=1,
        annual_cost=Decimal("40000"),
        user=commissioner,
        cost_effective_from=dt.date(2027, 1, 1),
    )
    services.placement_update(
        placement=placement,
        version=2,
        annual_cost=Decimal("50000"),
        user=commissioner,
        cost_effective_from=dt.date(2027, 2, 1),
    )

    data = _recompute(dt.date(2027, 3, 31))

    expected = round((36000 * 275 + 40000 * 31 + 50000 * 59) / 365, 2)
    assert data["spend"]["by_year"][str(FY)]["figures"]["spend"] == expected


def test_changing_the_end_date_alone_records_no_cost_change(commissioner_client, placement):
    response = _post(
        commissioner_client, placement, end_date="2027-03-31", cost_effective_from="2026-12-07"
    )

    assert response.status_code == 302
    assert not PlacementCostChange.objects.exists()
