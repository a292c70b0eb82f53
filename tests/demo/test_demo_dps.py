"""The demo county fills every commissioner's DPS screen: memberships in each state with their
history, decided and open uplifts with savings, block contracts in use, attendance penalties."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.generator import seed
from dps.models import BlockContract, Membership, UpliftRequest
from dps.selectors import market

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def small():
    return seed("small", 1, TODAY, progress=False, flush=True)


def test_demo_has_data_for_every_dps_screen(small):
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert statuses == {"applied", "admitted", "suspended", "removed"}
    suspended = Membership.objects.filter(status="suspended").first()
    steps = list(suspended.history.order_by("history_id").values_list("status", flat=True))
    assert steps == ["applied", "admitted", "suspended"]
    assert suspended.version == 3

    years = market.uplift_savings_by_year()
    assert years[0]["academic_year"] == 2026
    assert years[0]["decided"] > 0
    assert years[0]["pending"] > 0
    assert all(year["saving"] > 0 for year in years)
    assert UpliftRequest.objects.filter(status="rejected").exists()

    contract = BlockContract.objects.order_by("start_date").first()
    months = market.block_contract_utilisation(contract, today=TODAY)
    assert months
    assert any(row["filled"] for row in months)

    penalties = market.attendance_penalties(academic_year=2025)
    assert penalties["records"] > 0
    assert penalties["below"], "some terms below the threshold"
    assert penalties["total"] > 0
