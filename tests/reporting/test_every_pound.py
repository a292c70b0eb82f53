"""Every pound accounted for, with one name for each figure: the Budget page's spend in the year
is the Spend page's, spend no budget line pays for is its own row, and a retired name for a
money figure never comes back to a page, download or report."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from reporting import metrics, services
from reporting.dashboards import DASHBOARDS
from reporting.models import DashboardSnapshot
from tests.factories import PlacementFactory, ProviderFactory
from tests.reporting.test_dashboards import AS_OF, _json, county  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent

# Names the same figure went by before docs/definitions.md gave each money figure one name.
RETIRED_NAMES = [
    r"spend committed",
    r"committed spend",
    r"spent \+ committed",
    r"committed to year end",
    r"spend to date",
    r"\bFY spend\b",
]


def _frame(*rows: dict) -> pd.DataFrame:
    defaults = {"child_id": 1, "provider_id": 1, "group": "inmss", "end_date": None}
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_budget_spend_in_the_year_is_the_spend_dashboards_whatever_has_a_line():
    """In the middle of the year, with lines for INMSS and maintained special only (and a line
    that names no group), the lines and the "no budget line" row add up to the Spend total."""
    placements = _frame(
        {"start_date": "2023-09-01", "cost": 36500.0},
        {"group": "special", "start_date": "2024-06-10", "end_date": "2024-12-20", "cost": 21001},
        {"group": "mainstream", "start_date": "2024-01-01", "cost": 7333.33},
        {"group": "ap", "start_date": "2024-11-05", "cost": 19999.99},
        {"group": "independent", "start_date": "2024-04-01", "cost": 45678.9},
        {"group": None, "start_date": "2024-05-01", "cost": 1234.56},
    )
    requests = pd.DataFrame(
        columns=[
            "group",
            "outcome",
            "placement_id",
            "request_type",
            "decided_on",
            "expected_start",
            "requested_base_cost",
            "requested_additional_cost",
            "agreed_cost",
        ]
    )
    budget = pd.DataFrame(
        {
            "fy": [2024, 2024, 2024],
            "line": ["INMSS placements", "Maintained special schools", "Contingency"],
            "budget": [40000.0, 20000.0, 5000.0],
        }
    )
    as_of = dt.date(2024, 10, 17)
    detailed = metrics.add_child_details(placements, pd.DataFrame(columns=["child_id", "need"]))

    lines = metrics.budget_lines_forecast(budget, placements, requests, 2024, as_of)
    totals = metrics.budget_totals(budget, placements, requests, 2024, as_of)
    spend_rows = metrics.spend_by_need_and_group(detailed, 2024, as_of)

    spend_total = round(sum(row["spend"] for row in spend_rows), 2)
    no_line = lines[-1]
    assert no_line["line"] == (
        "Spend with no budget line (Mainstream, Alternative provision, Independent mainstream, "
        "setting group not recorded)"
    )
    assert no_line["budget"] is None
    assert no_line["variance"] is None
    assert round(sum(row["spend_in_year"] or 0 for row in lines), 2) == pytest.approx(spend_total)
    assert totals["spend_in_year"] == pytest.approx(spend_total)
    for row in lines:
        if row["spend_in_year"] is not None:
            assert row["spent_to_date"] + row["committed"] == pytest.approx(row["spend_in_year"])


def test_no_row_for_spend_without_a_line_when_a_total_line_covers_every_group():
    placements = _frame(
        {"start_date": "2024-04-01", "cost": 36500.0},
        {"group": "mainstream", "start_date": "2024-04-01", "cost": 7300.0},
    )
    budget = pd.DataFrame({"fy": [2024], "line": ["Total high needs placements"], "budget": [1.0]})

    lines = metrics.budget_lines_forecast(budget, placements, pd.DataFrame(), 2024, AS_OF)

    assert [row["line"] for row in lines] == ["Total high needs placements"]
    assert lines[0]["spend_in_year"] == 43800.0


def test_the_budget_and_spend_pages_show_the_same_spend_in_the_year(
    county,  # noqa: F811
    officer_client,
):
    """£255,400 INMSS has a line; Oakfield's £36,500 maintained special has none."""
    services.snapshots_recompute(as_of=AS_OF)
    budget = DashboardSnapshot.objects.get(dashboard="budget").data["by_year"]["2024"]
    spend = DashboardSnapshot.objects.get(dashboard="spend").data["by_year"]["2024"]
    assert budget["figures"]["spend_in_year"] == spend["figures"]["spend"] == 291900.0

    budget_page = officer_client.get("/dashboards/budget/?fy=2024").content.decode()
    spend_page = officer_client.get("/dashboards/spend/?fy=2024").content.decode()

    assert "Spend with no budget line (Maintained or academy special)" in budget_page
    for page in (budget_page, spend_page):
        assert re.search(
            r"£291,900</span><span class=\"app-figure__label\">spend in the year", page
        )


def test_the_budget_report_names_its_columns_as_the_definitions_do(county):  # noqa: F811
    rows = _json("budget", "--fy", "2024")

    assert list(rows[0]) == [
        "line",
        "budget",
        "spent_to_date",
        "committed",
        "spend_in_year",
        "agreed_not_started",
        "forecast_outturn",
        "variance",
    ]
    assert sum(row["spend_in_year"] for row in rows) == 291900.0


def test_home_calls_the_inmss_figure_spend_in_the_year(county, manager_client):  # noqa: F811
    services.snapshots_recompute(as_of=AS_OF)

    page = manager_client.get("/").content.decode()

    assert "INMSS spend in the year 2024-25" in page


def test_the_providers_headline_names_the_top_n_chosen(county, officer_client):  # noqa: F811
    for index in range(12):
        PlacementFactory(
            provider=ProviderFactory(name=f"Elm {index}"),
            start_date=dt.date(2024, 4, 1),
            annual_cost=Decimal(10000 + index),
        )
    services.snapshots_recompute(as_of=AS_OF)

    default = officer_client.get("/dashboards/providers/?fy=2024").content.decode()
    thirteen = officer_client.get("/dashboards/providers/?fy=2024&top=13").content.decode()
    all_of_them = officer_client.get("/dashboards/providers/?fy=2024&top=50").content.decode()

    assert "share of INMSS spend with the top 10" in default
    assert "share of INMSS spend with the top 13" in thirteen
    assert "top 10" not in thirteen
    # 14 providers are paid: the top 50 is all of them, 100%.
    assert '100.0%</span><span class="app-figure__label">share of INMSS spend with the top 14' in (
        all_of_them
    )


def _user_facing_texts() -> dict[str, str]:
    texts = {
        str(path.relative_to(ROOT)): path.read_text()
        for folder in ("templates", *(f"{app}/templates" for app in ("reporting", "panel", "dps")))
        for path in (ROOT / folder).rglob("*.html")
    }
    for name in ("reporting/dashboards.py", "reporting/reports.py"):
        texts[name] = (ROOT / name).read_text()
    return texts


def test_no_page_download_or_report_uses_a_retired_name_for_a_money_figure():
    found = [
        (name, pattern)
        for name, text in _user_facing_texts().items()
        for pattern in RETIRED_NAMES
        if re.search(pattern, text, re.IGNORECASE)
    ]
    assert found == []


def test_every_budget_column_is_named_in_the_definitions():
    definitions = (ROOT / "docs/definitions.md").read_text()
    budget = next(d for d in DASHBOARDS if d.slug == "budget")
    for column in budget.table("lines").columns[1:]:
        assert f"**{column.label}**" in definitions or column.label == "Budget"
