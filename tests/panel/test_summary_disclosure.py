"""Differencing attacks on the panel summary (docs/security.md, "Disclosure control"): a manager
asks for two overlapping selections and subtracts them, through the page and both downloads.
An officer, who sees casework anyway, gets exact figures and so recovers the difference."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.factories import MeetingFactory, NeedTypeFactory, PanelRequestFactory

pytestmark = pytest.mark.django_db


def _decide(meeting, outcome, need, cost, count):
    for _ in range(count):
        PanelRequestFactory(
            meeting=meeting,
            outcome=outcome,
            primary_need=NeedTypeFactory(code=need),
            secondary_need=None,
            requested_base_cost=Decimal(cost),
            requested_additional_cost=Decimal(0),
            agreed_cost=Decimal(cost) if outcome == "agreed" else None,
        )


@pytest.fixture
def panels():
    """January: 12 agreed (ASD, £30,000 each) and 6 declined (SEMH, £10,000) on the 8th;
    4 agreed (ASD, £14,000 each: £56,000) on the 29th, the requests to protect.
    February: 4 agreed (ASD, £14,000 each) on the 5th."""
    early = MeetingFactory(date=dt.date(2025, 1, 8))
    _decide(early, "agreed", "ASD", "30000", 12)
    _decide(early, "declined", "SEMH", "10000", 6)
    late = MeetingFactory(date=dt.date(2025, 1, 29))
    _decide(late, "agreed", "ASD", "14000", 4)
    february = MeetingFactory(date=dt.date(2025, 2, 5))
    _decide(february, "agreed", "ASD", "14000", 4)
    return late, february


def _page_agreed(client, query):
    response = client.get("/panel/summary/?" + query)
    assert response.status_code == 200
    row = response.context["summary"]["outcomes"][0]
    assert row["outcome"] == "agreed"
    return row["requests"], row["cost_thousands"]


def _csv_agreed(client, query):
    response = client.get("/panel/summary/download/csv/?" + query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    agreed = next(row for row in rows if row[0] == "agreed")
    return [int(value) if value.isdigit() else value for value in agreed[1:]]


def _xlsx_agreed(client, query):
    response = client.get("/panel/summary/download/xlsx/?" + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["outcomes"]
    agreed = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "agreed")
    return list(agreed[1:])


READERS = [_page_agreed, _csv_agreed, _xlsx_agreed]
TO_20TH = "date_from=2025-01-01&date_to=2025-01-20"
TO_31ST = "date_from=2025-01-01&date_to=2025-01-31"
JANUARY = "date_from=2025-01-01&date_to=2025-01-31"
TO_FEBRUARY = "date_from=2025-01-01&date_to=2025-02-28"


def _feasible(shown_wide: int, shown_narrow: int) -> range:
    """Every true difference consistent with two counts each rounded to the nearest 5."""
    return range(max(shown_wide - shown_narrow - 4, 0), shown_wide - shown_narrow + 5)


@pytest.mark.parametrize("read", READERS)
def test_officer_recovers_the_late_meeting_by_subtracting_dates(panels, officer_client, read):
    wide, narrow = read(officer_client, TO_31ST), read(officer_client, TO_20TH)

    assert list(wide) == [16, 416]
    assert list(narrow) == [12, 360]
    assert wide[0] - narrow[0] == 4
    assert wide[1] - narrow[1] == 56


@pytest.mark.parametrize("read", READERS)
def test_manager_cannot_isolate_days_inside_a_month(panels, manager_client, read):
    wide, narrow = read(manager_client, TO_31ST), read(manager_client, TO_20TH)

    # Both ranges count the whole of January: the difference is nothing, not the 4 requests.
    assert list(wide) == list(narrow) == [15, 415]


def test_manager_is_told_the_range_counted(panels, manager_client):
    html = manager_client.get("/panel/summary/?" + TO_20TH).content.decode()

    assert "Meetings from 1 January 2025 to 31 January 2025" in html
    assert "Dates cover whole months" in html


@pytest.mark.parametrize("read", READERS)
def test_manager_cannot_recover_a_month_by_subtracting_overlapping_months(
    panels, manager_client, read
):
    february_alone = read(manager_client, "date_from=2025-02-01&date_to=2025-02-28")
    wide, narrow = read(manager_client, TO_FEBRUARY), read(manager_client, JANUARY)

    assert list(february_alone) == ["c", "c"]  # 4 requests: small
    assert list(wide) == [20, 470]
    assert list(narrow) == [15, 415]
    assert len(_feasible(wide[0], narrow[0])) > 1
    # The differences are not February's 4 requests and £56k, and could be several values.
    assert wide[0] - narrow[0] != 4
    assert 4 in _feasible(wide[0], narrow[0])
    assert wide[1] - narrow[1] != 56


def test_manager_cannot_recover_a_meeting_from_its_month(panels, manager_client):
    late, _ = panels

    meeting = _page_agreed(manager_client, f"meeting={late.pk}")
    month = _page_agreed(manager_client, JANUARY)
    month_without = _page_agreed(manager_client, TO_20TH)

    assert meeting == ("c", "c")
    assert month == month_without == (15, 415)


def test_manager_cannot_recover_the_total_from_need_percentages(panels, manager_client):
    response = manager_client.get("/panel/summary/?" + JANUARY)
    needs = response.context["summary"]["needs"]

    # 16 ASD and 6 SEMH of 22: shown 15, 5 and 20, shares from those rounded counts.
    assert needs == [
        {"need": "ASD", "requests": 15, "percent": 75},
        {"need": "SEMH", "requests": 5, "percent": 25},
        {"need": "Total", "requests": 20, "percent": 100},
    ]


def test_report_command_suppresses_as_a_manager_sees_it(panels):
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "report",
        "panel-summary",
        "--from",
        "2025-01-01",
        "--to",
        "2025-01-20",
        "--format=json",
        "--suppress",
        stdout=out,
    )

    assert json.loads(out.getvalue())["outcomes"][0] == {
        "outcome": "agreed",
        "requests": 15,
        "cost_thousands": 415,
    }
