"""Home page figures for people without casework: rounded as docs/security.md says, so that two
days' figures cannot be subtracted to give one child's placement or cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reporting.models import DashboardSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def headline():
    return DashboardSnapshot.objects.create(
        dashboard="headline",
        as_of=dt.date(2025, 3, 1),
        computed_at=timezone.now(),
        data={
            "as_of": "2025-03-01",
            "financial_year": 2024,
            "inmss_placements": 123,
            "ehcps": 2038,
            "inmss_share": 0.0604,
            "inmss_avg_annual_cost": 62345.67,
            "inmss_spend_fy": 4321987.12,
            "budget_fy": None,
        },
    )


def _values(html: str) -> list[str]:
    import re

    return re.findall(r'<span class="app-figure__value">([^<]*)</span>', html)


def test_manager_sees_counts_to_5_money_to_5000_and_the_share_of_the_rounded_counts(
    headline, manager_client
):
    html = manager_client.get("/").content.decode()

    # 125 of 2,040 is 6.1%, shown as a whole percent; £62,345.67 -> £60,000; spend £4,321,987 -> £4,320,000 (£4.3m).
    assert _values(html)[:5] == ["125", "2,040", "6%", "£60,000", "£4.3m"]


def test_officer_sees_the_exact_figures(headline, officer_client):
    html = officer_client.get("/").content.decode()

    assert _values(html)[:5] == ["123", "2,038", "6%", "£62,346", "£4.3m"]
