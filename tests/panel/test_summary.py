"""The panel summary (docs/definitions.md): checked against a hand-computed example, on the web and
through `report panel-summary`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from panel import selectors
from tests.factories import MeetingFactory, NeedTypeFactory, PanelRequestFactory

pytestmark = pytest.mark.django_db

JANUARY = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 1, 31)}


def _request(meeting, outcome, primary, cost, additional="0", secondary=None):
    return PanelRequestFactory(
        meeting=meeting,
        outcome=outcome,
        primary_need=NeedTypeFactory(code=primary),
        secondary_need=NeedTypeFactory(code=secondary) if secondary else None,
        requested_base_cost=Decimal(cost),
        requested_additional_cost=Decimal(additional),
        agreed_cost=Decimal(cost) if outcome == "agreed" else None,
    )


@pytest.fixture
def january_example():
    """Seven decided requests at two January meetings, one undecided, one in February.

    By hand:
      agreed            3 requests  36,000 + 45,500 + 30,000 = 111,500 -> 111.5 -> 112
      declined          1 request   10,000 + 500             =  10,500 ->  10.5 ->  11
      more_information  3 requests  20,000 + 24,999.99 + 12,345 = 57,344.99 -> 57
      deferred          0 requests                                        ->   0
      needs of the 7: ASD 3 (42.857 -> 42.9), ASD with SEMH 2 (28.571 -> 28.6),
                      SEMH 1 (14.3), SLD 1 (14.3)
    """
    first = MeetingFactory(date=dt.date(2025, 1, 8))
    second = MeetingFactory(date=dt.date(2025, 1, 29))
    february = MeetingFactory(date=dt.date(2025, 2, 5))
    _request(first, "agreed", "ASD", "36000")
    _request(first, "agreed", "ASD", "40000", additional="5500", secondary="SEMH")
    _request(first, "agreed", "SEMH", "30000")
    _request(first, "declined", "ASD", "10000", additional="500")
    _request(second, "more_information", "ASD", "20000", secondary="SEMH")
    _request(second, "more_information", "SLD", "24999.99")
    _request(second, "more_information", "ASD", "12345")
    _request(second, "", "SLD", "99999")  # undecided: not counted
    _request(february, "agreed", "HI", "50000")  # outside the dates
    return first, second


EXPECTED_OUTCOMES = [
    {"outcome": "agreed", "requests": 3, "cost_thousands": 112},
    {"outcome": "declined", "requests": 1, "cost_thousands": 11},
    {"outcome": "more_information", "requests": 3, "cost_thousands": 57},
    {"outcome": "deferred", "requests": 0, "cost_thousands": 0},
    {"outcome": "total", "requests": 7, "cost_thousands": 179},  # 179,344.99
]
EXPECTED_NEEDS = [
    {"need": "ASD", "requests": 3, "percent": Decimal("42.9")},
    {"need": "ASD with SEMH", "requests": 2, "percent": Decimal("28.6")},
    {"need": "SEMH", "requests": 1, "percent": Decimal("14.3")},
    {"need": "SLD", "requests": 1, "percent": Decimal("14.3")},
    {"need": "Total", "requests": 7, "percent": Decimal("100.0")},
]


def test_summary_matches_the_hand_computed_example(january_example):
    summary = selectors.panel_summary(**JANUARY)

    assert summary["outcomes"] == EXPECTED_OUTCOMES
    assert summary["needs"] == EXPECTED_NEEDS


def test_every_outcome_appears_even_with_no_requests():
    summary = selectors.panel_summary(**JANUARY)

    assert [row["outcome"] for row in summary["outcomes"]] == [
        "agreed",
        "declined",
        "more_information",
        "deferred",
        "total",
    ]
    assert all(row["requests"] == 0 and row["cost_thousands"] == 0 for row in summary["outcomes"])
    assert summary["needs"] == []


def test_summary_of_one_meeting_counts_only_its_requests(january_example):
    first, _ = january_example

    summary = selectors.panel_summary(meeting=first)

    assert summary["outcomes"][0] == {"outcome": "agreed", "requests": 3, "cost_thousands": 112}
    assert summary["outcomes"][2]["requests"] == 0
    assert [row["need"] for row in summary["needs"]] == ["ASD", "ASD with SEMH", "SEMH", "Total"]


def test_need_percent_rounds_half_up_to_one_decimal():
    meeting = MeetingFactory(date=dt.date(2025, 1, 8))
    _request(meeting, "agreed", "HI", "1000")  # 1 of 16 = 6.25 %
    for _ in range(15):  # 15 of 16 = 93.75 %
        _request(meeting, "declined", "ASD", "1000")

    needs = selectors.panel_summary(**JANUARY)["needs"]

    assert needs == [
        {"need": "ASD", "requests": 15, "percent": Decimal("93.8")},
        {"need": "HI", "requests": 1, "percent": Decimal("6.3")},
        {"need": "Total", "requests": 16, "percent": Decimal("100.0")},
    ]


def test_suppression_hides_small_counts_the_next_smallest_and_their_figures_but_shows_zero():
    """By hand: agreed 5, declined 1 (small: c), total 6. The declined 1 alone would be the
    total minus the agreed 5, so the agreed 5 is hidden too. The total 6 shows rounded to 5, its
    cost £200,000 to the nearest £5,000."""
    meeting = MeetingFactory(date=dt.date(2025, 1, 8))
    for _ in range(5):
        _request(meeting, "agreed", "ASD", "36000")
    _request(meeting, "declined", "SEMH", "20000")

    summary = selectors.panel_summary(**JANUARY, suppress=True)

    assert summary["outcomes"] == [
        {"outcome": "agreed", "requests": "c", "cost_thousands": "c"},
        {"outcome": "declined", "requests": "c", "cost_thousands": "c"},
        {"outcome": "more_information", "requests": 0, "cost_thousands": 0},
        {"outcome": "deferred", "requests": 0, "cost_thousands": 0},
        {"outcome": "total", "requests": 5, "cost_thousands": 200},
    ]
    assert summary["needs"] == [
        {"need": "ASD", "requests": "c", "percent": "c"},
        {"need": "SEMH", "requests": "c", "percent": "c"},
        {"need": "Total", "requests": 5, "percent": 100},
    ]


def test_suppressed_summary_rounds_counts_money_and_shares_from_the_rounded_counts():
    """By hand: agreed 12 at £41,000 = £492,000, declined 8 at £10,000 = £80,000; needs ASD 13,
    SEMH 7. Rounded: 10 and 10, total 20; £490k, £80k, total £570k; shares 15/20 and 5/20."""
    meeting = MeetingFactory(date=dt.date(2025, 1, 8))
    for index in range(12):
        _request(meeting, "agreed", "ASD" if index < 10 else "SEMH", "41000")
    for index in range(8):
        _request(meeting, "declined", "ASD" if index < 3 else "SEMH", "10000")

    summary = selectors.panel_summary(**JANUARY, suppress=True)

    assert summary["outcomes"] == [
        {"outcome": "agreed", "requests": 10, "cost_thousands": 490},
        {"outcome": "declined", "requests": 10, "cost_thousands": 80},
        {"outcome": "more_information", "requests": 0, "cost_thousands": 0},
        {"outcome": "deferred", "requests": 0, "cost_thousands": 0},
        {"outcome": "total", "requests": 20, "cost_thousands": 570},
    ]
    assert summary["needs"] == [
        {"need": "ASD", "requests": 15, "percent": 75},
        {"need": "SEMH", "requests": 5, "percent": 25},
        {"need": "Total", "requests": 20, "percent": 100},
    ]


def test_suppressed_summary_hides_a_total_both_tables_share():
    """Three agreed requests, all ASD: every count is small, so the total (3) is hidden in both
    tables, with its cost."""
    meeting = MeetingFactory(date=dt.date(2025, 1, 8))
    for _ in range(3):
        _request(meeting, "agreed", "ASD", "30000")

    summary = selectors.panel_summary(**JANUARY, suppress=True)

    assert summary["outcomes"][0] == {"outcome": "agreed", "requests": "c", "cost_thousands": "c"}
    assert summary["outcomes"][-1] == {"outcome": "total", "requests": "c", "cost_thousands": "c"}
    assert summary["needs"] == [
        {"need": "ASD", "requests": "c", "percent": "c"},
        {"need": "Total", "requests": "c", "percent": "c"},
    ]


def test_suppressed_summary_counts_whole_months():
    inside = MeetingFactory(date=dt.date(2025, 1, 29))
    for _ in range(6):
        _request(inside, "agreed", "ASD", "30000")

    exact = selectors.panel_summary(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 1, 20))
    widened = selectors.panel_summary(
        date_from=dt.date(2025, 1, 10), date_to=dt.date(2025, 1, 20), suppress=True
    )

    assert exact["outcomes"][-1]["requests"] == 0
    assert widened["outcomes"][-1]["requests"] == 5  # 6, from the 1st to the 31st, rounded


# --- The report command ------------------------------------------------------------------


def _report(*args) -> str:
    out = io.StringIO()
    call_command("report", "panel-summary", *args, stdout=out)
    return out.getvalue()


def test_report_command_prints_json_numbers(january_example):
    output = _report("--from", "2025-01-01", "--to", "2025-01-31", "--format", "json")

    assert json.loads(output) == {
        "outcomes": EXPECTED_OUTCOMES,
        "needs": [
            {"need": "ASD", "requests": 3, "percent": 42.9},
            {"need": "ASD with SEMH", "requests": 2, "percent": 28.6},
            {"need": "SEMH", "requests": 1, "percent": 14.3},
            {"need": "SLD", "requests": 1, "percent": 14.3},
            {"need": "Total", "requests": 7, "percent": 100.0},
        ],
    }


def test_report_command_prints_two_csv_tables(january_example):
    output = _report("--from", "2025-01-01", "--to", "2025-01-31", "--format", "csv")

    assert output.splitlines() == [
        "outcomes",
        "outcome,requests,cost_thousands",
        "agreed,3,112",
        "declined,1,11",
        "more_information,3,57",
        "deferred,0,0",
        "total,7,179",
        "",
        "needs",
        "need,requests,percent",
        "ASD,3,42.9",
        "ASD with SEMH,2,28.6",
        "SEMH,1,14.3",
        "SLD,1,14.3",
        "Total,7,100.0",
    ]


def test_report_command_suppresses_on_request(january_example):
    output = _report("--from", "2025-01-01", "--to", "2025-01-31", "--format=json", "--suppress")

    result = json.loads(output)
    assert result["outcomes"] == [
        {"outcome": "agreed", "requests": "c", "cost_thousands": "c"},
        {"outcome": "declined", "requests": "c", "cost_thousands": "c"},
        {"outcome": "more_information", "requests": "c", "cost_thousands": "c"},
        {"outcome": "deferred", "requests": 0, "cost_thousands": 0},
        {"outcome": "total", "requests": 5, "cost_thousands": 180},  # 7 and £179,344.99, rounded
    ]
    assert [row["percent"] for row in result["needs"]] == ["c", "c", "c", "c", 100]


def test_report_command_needs_both_dates():
    with pytest.raises(CommandError, match="--from and --to"):
        _report("--from", "2025-01-01")


# --- On the web ----------------------------------------------------------------------------


def test_manager_sees_the_summary_suppressed_and_without_names(january_example, manager_client):
    response = manager_client.get("/panel/summary/?date_from=2025-01-01&date_to=2025-01-31")

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["outcomes"][0]["requests"] == "c"
    assert summary["outcomes"][3]["requests"] == 0
    html = response.content.decode()
    for request in january_example[0].requests.select_related("child"):
        assert request.child.last_name not in html
        assert request.child.child_ref not in html


def test_casework_user_sees_the_summary_unsuppressed(january_example, commissioner_client):
    first, _ = january_example

    response = commissioner_client.get(f"/panel/summary/?meeting={first.pk}")

    assert response.status_code == 200
    assert response.context["summary"]["outcomes"][0]["requests"] == 3
    assert response.context["summary"]["outcomes"][0]["cost_thousands"] == 112


def test_summary_downloads_as_csv_and_xlsx(january_example, commissioner_client):
    query = "?date_from=2025-01-01&date_to=2025-01-31"

    csv_response = commissioner_client.get("/panel/summary/download/csv/" + query)
    xlsx_response = commissioner_client.get("/panel/summary/download/xlsx/" + query)

    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[:3] == [
        ["outcomes"],
        ["outcome", "requests", "cost_thousands"],
        ["agreed", "3", "112"],
    ]
    assert ["ASD", "3", "42.9"] in rows
    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    assert workbook.sheetnames == ["outcomes", "needs"]
    assert list(workbook["outcomes"].iter_rows(values_only=True))[1] == ("agreed", 3, 112)
    assert list(workbook["needs"].iter_rows(values_only=True))[2] == ("ASD with SEMH", 2, 28.6)
