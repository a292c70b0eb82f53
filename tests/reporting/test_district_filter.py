"""The district filter on every table built from children and placements where it is known:
the metric functions per district on hand-made frames, then the pages and downloads on a
hand-made county through the recompute."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import pytest

from reporting import metrics, services
from reporting.models import DashboardSnapshot
from tests.factories import ChildFactory, EHCPFactory, PlacementFactory, ProviderFactory
from tests.reporting.test_dashboard_metrics import placements

AS_OF = dt.date(2025, 3, 31)  # the last day of FY 2024; academic year 2024/25

# --- The metric functions per district --------------------------------------------


def test_ncy_breakdown_by_district():
    frame = placements(
        {"district": "North", "start_date": "2023-09-01", "cost": 36500.0,
         "date_of_birth": "2013-05-01"},  # Year 7 in 2024/25
        {"district": "North", "start_date": "2023-09-01", "cost": 36500.0,
         "date_of_birth": "2013-05-01"},
        {"district": "South", "group": "special", "start_date": "2023-09-01", "cost": 18250.0,
         "date_of_birth": "2010-05-01"},  # Year 10
    )  # fmt: skip

    assert metrics.ncy_breakdown(frame, AS_OF, 2024, by=("district",)) == [
        {"district": "North", "ncy": 7, "setting_group": "inmss", "children": 1,
         "placements": 2, "spend": 73000.0},
        {"district": "South", "ncy": 10, "setting_group": "special", "children": 1,
         "placements": 1, "spend": 18250.0},
    ]  # fmt: skip


def test_new_placements_by_district_and_by_year():
    frame = placements(
        {"district": "North", "start_date": "2024-06-01", "cost": 40000.0},
        {"district": "North", "start_date": "2024-07-01", "cost": 60000.0,
         "provider_la": "Kent"},
        {"district": "South", "group": "special", "start_date": "2024-09-01", "cost": 20000.0},
        {"district": "South", "start_date": "2023-09-01", "cost": 50000.0},  # FY 2023
        {"district": "South", "start_date": "2024-09-01", "cost": 50000.0,
         "reason": "continuation"},  # not new
    )  # fmt: skip

    assert metrics.new_placements(frame, 2024, "Wealdshire", by=("district",)) == [
        {"district": "North", "setting_group": "inmss", "new_placements": 2, "in_area": 1,
         "out_of_area": 1, "avg_annual_cost": 50000.0, "median_annual_cost": 50000.0},
        {"district": "South", "setting_group": "special", "new_placements": 1, "in_area": 1,
         "out_of_area": 0, "avg_annual_cost": 20000.0, "median_annual_cost": 20000.0},
    ]  # fmt: skip
    rows = metrics.new_placements_by_year(frame, [2023, 2024], by="district")
    assert [
        (r["district"], r["financial_year"], r["new_placements"], r["new_inmss_placements"])
        for r in rows
    ] == [
        ("North", "2023-24", 0, 0),
        ("North", "2024-25", 2, 2),
        ("South", "2023-24", 1, 1),
        ("South", "2024-25", 1, 0),
    ]
    assert rows[1]["inmss_median_annual_cost"] == 50000.0
    assert rows[0]["inmss_avg_annual_cost"] is None


def test_inmss_share_and_growth_by_district():
    frame = placements(
        {"district": "North", "start_date": "2023-09-01", "cost": 1.0},
        {"district": "North", "start_date": "2024-09-01", "cost": 1.0},
        {"district": "South", "start_date": "2023-09-01", "cost": 1.0},
        {"district": "South", "group": "special", "start_date": "2023-09-01", "cost": 1.0},
    )
    ehcps = pd.DataFrame(
        {
            "district": ["North", "North", "South", "South", "West"],
            "issue_date": pd.to_datetime(["2023-01-01"] * 5),
            "ceased_date": pd.to_datetime([None, None, None, None, "2024-01-01"]),
        }
    )
    days = [dt.date(2024, 3, 31), AS_OF]

    assert metrics.inmss_share_over_time_by(frame, ehcps, days, "district") == [
        {"district": "North", "date": "2024-03-31", "inmss_placements": 1, "ehcps": 2,
         "share": 0.5},
        {"district": "North", "date": "2025-03-31", "inmss_placements": 2, "ehcps": 2,
         "share": 1.0},
        {"district": "South", "date": "2024-03-31", "inmss_placements": 1, "ehcps": 2,
         "share": 0.5},
        {"district": "South", "date": "2025-03-31", "inmss_placements": 1, "ehcps": 2,
         "share": 0.5},
        {"district": "West", "date": "2024-03-31", "inmss_placements": 0, "ehcps": 0,
         "share": None},
        {"district": "West", "date": "2025-03-31", "inmss_placements": 0, "ehcps": 0,
         "share": None},
    ]  # fmt: skip
    assert metrics.growth_since_by(frame, days, "district") == [
        {"district": "North", "date": "2024-03-31", "inmss_placements": 1,
         "special_placements": 0},
        {"district": "North", "date": "2025-03-31", "inmss_placements": 2,
         "special_placements": 0},
        {"district": "South", "date": "2024-03-31", "inmss_placements": 1,
         "special_placements": 1},
        {"district": "South", "date": "2025-03-31", "inmss_placements": 1,
         "special_placements": 1},
    ]  # fmt: skip


# --- Through the recompute, the pages and the downloads ----------------------------


@pytest.fixture
def districts(db):
    """North: 2 Year 7 children placed at Alder (INMSS, in area) in June 2024 at £40,000.
    South: a Year 10 child at Oakfield (special) from September 2024 at £20,000 and one at Birch
    (INMSS, Kent) since September 2022 at £50,000. One child with no district recorded at Alder
    from May 2024 at £30,000: counted for every district only."""
    alder = ProviderFactory(name="Alder School")
    birch = ProviderFactory(name="Birch School", local_authority="Kent")
    oakfield = ProviderFactory(
        name="Oakfield School", establishment_type="Community special school"
    )
    for district, born, provider, start, cost in (
        ("North", dt.date(2013, 5, 1), alder, dt.date(2024, 6, 1), "40000"),
        ("North", dt.date(2013, 5, 1), alder, dt.date(2024, 6, 1), "40000"),
        ("South", dt.date(2010, 5, 1), oakfield, dt.date(2024, 9, 1), "20000"),
        ("South", dt.date(2010, 5, 1), birch, dt.date(2022, 9, 1), "50000"),
        ("", dt.date(2013, 5, 1), alder, dt.date(2024, 5, 1), "30000"),
    ):
        child = ChildFactory(date_of_birth=born, district=district)
        EHCPFactory(child=child, request_date=dt.date(2022, 1, 10))
        PlacementFactory(
            child=child, provider=provider, start_date=start, annual_cost=Decimal(cost)
        )
    services.snapshots_recompute(as_of=AS_OF)


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_new_placements_by_group_per_district(districts, officer_client):
    url = "/dashboards/new-placements/by_group.csv?fy=2024"
    every = _csv(officer_client, url)
    assert every[0][:2] == ["Setting group", "New placements"]
    assert [r[1:4] for r in every[1:]] == [["3", "3", "0"], ["1", "1", "0"]]
    north = _csv(officer_client, url + "&district=North")
    assert [r[1:4] for r in north[1:]] == [["2", "2", "0"]]
    assert north[1][4] == "40000.00"
    south = _csv(officer_client, url + "&district=South")
    assert [(r[0], r[1]) for r in south[1:]] == [("Maintained or academy special", "1")]
    page = officer_client.get("/dashboards/new-placements/?fy=2024&district=South")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="district"' in text
    assert '<option value="South" selected>South</option>' in text
    # The timeline is not broken down by district: the page says so.
    assert text.count('data-testid="every-district"') == 1
    assert "The headline figures are for every district" in text


def test_spend_new_per_year_per_district_and_ncy_for_every_district(districts, officer_client):
    new = _csv(officer_client, "/dashboards/spend/new_by_year.csv?district=North")
    assert [r[:3] for r in new[1:]][-1] == ["2024-25", "2", "2"]
    new_every = _csv(officer_client, "/dashboards/spend/new_by_year.csv")
    assert [r[:3] for r in new_every[1:]][-1] == ["2024-25", "4", "3"]
    # NCY is not broken down by district (too many rows a district): every district's rows.
    ncy = _csv(officer_client, "/dashboards/spend/ncy.csv?fy=2024&district=North")
    assert sum(int(r[2]) for r in ncy[1:]) == 5
    page = officer_client.get("/dashboards/spend/?fy=2024&district=North").content.decode()
    assert page.count('data-testid="every-district"') == 2  # NCY, INMSS against special


def test_growth_share_per_district_and_one_base_year_a_date(districts, officer_client):
    share = _csv(officer_client, "/dashboards/growth/share_over_time.csv?district=South")
    assert share[-1][1:3] == ["1", "2"]  # on the as-of date: 1 INMSS of 2 EHCPs
    every = _csv(officer_client, "/dashboards/growth/share_over_time.csv")
    assert every[-1][1:3] == ["4", "5"]
    growth = _csv(officer_client, "/dashboards/growth/growth.csv?district=North")
    assert growth[-1][1:3] == ["2", "0"]
    page = officer_client.get("/dashboards/growth/?district=North")
    assert page.status_code == 200
    form = page.context["form"]
    dates = [value for value, _ in form.fields["base"].choices]
    assert len(dates) == len(set(dates))  # district rows do not repeat the base years
    assert [value for value, _ in form.fields["district"].choices] == ["", "North", "South"]


def test_district_rows_stay_few(districts):
    """Each district adds only its own few rows: the snapshot grows by the rows it shows."""
    data = DashboardSnapshot.objects.get(dashboard="new-placements").data
    rows = data["by_year"]["2024"]["tables"]["by_group"]
    assert [(r["district"], r["setting_group"]) for r in rows] == [
        ("", "inmss"),
        ("", "special"),
        ("North", "inmss"),
        ("South", "special"),
    ]
