"""The sufficiency dashboard, its scenarios, planned places, downloads and `report sufficiency`,
from real records through the recompute."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from reporting import services
from reporting.models import PlannedPlaces, SufficiencyScenario
from tests.factories import ChildFactory, EHCPFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 11, 1)  # base year 2025/26: the census of 1 October 2025
URL = "/dashboards/sufficiency/"


def _county(inmss_children: int = 12, srp_children: int = 3) -> None:
    """Secondary children with autism (NCY 9 in 2025/26), in INMSS and in an SRP with 20 places,
    placed since September 2022."""
    inmss = ProviderFactory()
    srp = ProviderFactory(
        establishment_type="Academy converter",
        low_age=11,
        high_age=16,
        capacity=1200,
        resourced_provision_capacity=20,
    )
    ProviderFactory(establishment_type="Community special school", capacity=150, low_age=4)
    for count, provider, setting, cost in (
        (inmss_children, inmss, "", "50000"),
        (srp_children, srp, "srp", "15000"),
    ):
        for _ in range(count):
            child = ChildFactory(date_of_birth=dt.date(2012, 1, 1))
            EHCPFactory(child=child, request_date=dt.date(2021, 9, 1))
            PlacementFactory(
                child=child,
                provider=provider,
                setting_type=setting,
                start_date=dt.date(2022, 9, 1),
                annual_cost=Decimal(cost),
            )
    services.snapshots_recompute(as_of=AS_OF)


def _scenario_post(client, **overrides):
    data = {
        "name": "Five more SRP places for autism",
        "setting_group": "srp",
        "phase": "secondary",
        "need": "ASD",
        "academic_year": "2026/27",
        "places": "5",
        **overrides,
    }
    return client.post("/dashboards/sufficiency/scenarios/", data)


def test_manager_sees_places_and_children_with_small_numbers_suppressed(manager_client):
    _county()
    page = manager_client.get(URL)
    assert page.status_code == 200
    places = page.context["provision_rows"]
    srp_now = next(r for r in places if r["group"] == "srp" and r["actual"])
    assert srp_now["places"] == 20
    assert srp_now["children"] == "c"  # 3 children: suppressed for a manager
    assert srp_now["free"] is None  # and nothing that would give it away
    inmss_now = page.context["inmss_rows"][0]
    # 12 children, rounded to 10; their cost from the figure shown, to the nearest £5,000.
    assert inmss_now["baseline"] == 10
    assert inmss_now["baseline_cost"] == 500000.0
    assert "Figures as of 1 November 2025" in page.content.decode()
    assert page.context["mape"]  # the back-test ran on 2023/24 and 2024/25
    assert page.context["last_test_year"] == "2025/26"


def test_officer_sees_small_numbers(officer_client):
    _county()
    places = officer_client.get(URL).context["provision_rows"]
    srp_now = next(r for r in places if r["group"] == "srp" and r["actual"])
    assert (srp_now["children"], srp_now["free"]) == (3, 17)


def test_page_before_any_recompute_says_so(manager_client):
    page = manager_client.get(URL)
    assert page.status_code == 200
    assert "No sufficiency figures have been computed yet" in page.content.decode()


def test_filters_in_the_url_and_bad_values_do_not_break_the_page(manager_client):
    _county()
    page = manager_client.get(URL, {"need": "SEMH", "phase": "secondary"})
    assert page.context["inmss_rows"][0]["baseline"] == 0
    page = manager_client.get(URL, {"need": "NOPE", "phase": "<b>", "scenario": "x"})
    assert page.status_code == 200
    assert page.context["inmss_rows"][0]["baseline"] == 10  # 12, rounded to 5


def test_manager_adds_scenario_and_sees_inmss_fall_against_baseline(manager_client):
    _county()
    response = _scenario_post(manager_client)
    scenario = SufficiencyScenario.objects.get()
    assert response.status_code == 302
    assert f"scenario={scenario.pk}" in response["Location"]
    assert scenario.result is not None
    assert scenario.as_of == AS_OF
    page = manager_client.get(URL, {"scenario": scenario.pk})
    row_2026 = page.context["inmss_rows"][1]
    # SRP secondary: 20 places, 3 children; the 5 added places take 5 INMSS children.
    assert row_2026["scenario"] == row_2026["baseline"] - 5
    assert row_2026["scenario_cost"] == row_2026["baseline_cost"] - 250000.0
    assert page.context["headline"]["inmss_difference"] < 0
    assert "fewer</strong> INMSS placements than the baseline" in page.content.decode()


def test_scenario_errors_beside_the_fields_and_nothing_written(manager_client):
    _county()
    response = _scenario_post(manager_client, name="  ", setting_group="", places="lots")
    assert response.status_code == 200
    form = response.context["scenario_form"]
    assert form.errors["name"] == ["Enter a name for the scenario"]
    assert form.errors["places"] == ["The number of places must be a whole number, like 100"]
    response = _scenario_post(manager_client, setting_group="", academic_year="")
    assert response.context["scenario_form"].errors["setting_group"] == [
        "Choose the provision the places are in"
    ]
    response = _scenario_post(manager_client, academic_year="next year")
    assert (
        "academic year such as 2026/27"
        in response.context["scenario_form"].errors["academic_year"][0]
    )
    assert not SufficiencyScenario.objects.exists()
    assert not PlannedPlaces.objects.exists()
    _scenario_post(manager_client)
    again = _scenario_post(manager_client, name="FIVE more SRP places for autism")
    assert again.context["scenario_form"].errors["name"] == [
        "There is already a scenario with this name"
    ]
    assert SufficiencyScenario.objects.count() == 1


def test_fewer_new_ehcps_scenario_without_places(manager_client):
    _county()
    response = _scenario_post(
        manager_client,
        name="White Paper",
        setting_group="",
        phase="",
        need="",
        academic_year="",
        places="",
        ehcp_change_percent="-50",
        ehcp_change_from_year="2026",
        ehcp_change_full_by="2029/30",
    )
    assert response.status_code == 302
    scenario = SufficiencyScenario.objects.get()
    assert scenario.ehcp_change_full_by == 2029
    assert not scenario.places.exists()


def test_officer_cannot_add_scenarios(officer_client):
    _county()
    assert _scenario_post(officer_client).status_code == 403
    assert not SufficiencyScenario.objects.exists()


def test_planned_places_count_in_the_baseline_at_once(manager_client, officer_client):
    _county()
    response = manager_client.post(
        "/dashboards/sufficiency/planned-places/",
        {"setting_group": "srp", "phase": "secondary", "academic_year": "2027", "places": "30",
         "note": "New unit at Hillside"},
    )  # fmt: skip
    assert response.status_code == 302
    page = manager_client.get(URL)
    srp = {r["year"]: r["places"] for r in page.context["provision_rows"] if r["group"] == "srp"}
    assert (srp["2026/27"], srp["2027/28"]) == (20, 50)
    listing = manager_client.get("/dashboards/sufficiency/planned-places/")
    assert "New unit at Hillside" in listing.content.decode()
    bad = manager_client.post(
        "/dashboards/sufficiency/planned-places/", {"setting_group": "inmss", "places": "0"}
    )
    assert set(bad.context["form"].errors) == {"setting_group", "phase", "academic_year", "places"}
    denied = officer_client.post(
        "/dashboards/sufficiency/planned-places/",
        {"setting_group": "srp", "phase": "secondary", "academic_year": "2027", "places": "1"},
    )
    assert denied.status_code == 403
    assert PlannedPlaces.objects.count() == 1


def test_csv_download_suppresses_for_managers(manager_client):
    _county()
    response = manager_client.get("/dashboards/sufficiency/download.csv")
    text = response.content.decode("utf-8-sig")
    header, *lines = text.splitlines()
    assert header == "academic_year,setting_group,need,capacity,demand,forecast"
    assert "2025/26,srp,ALL,20,c,c" in lines
    assert "2025/26,inmss,ALL,,10,10" in lines  # 12 children, rounded to 5
    xlsx = manager_client.get("/dashboards/sufficiency/download.xlsx")
    assert xlsx.status_code == 200
    assert manager_client.get("/dashboards/sufficiency/download.pdf").status_code == 404
    # Each download is an export in the audit log, under its file name; the refused one is not.
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="sufficiency")
    assert [label[-4:] for label in exports.order_by("pk").values_list("label", flat=True)] == [
        ".csv",
        "xlsx",
    ]


def _report(*args: str) -> list[dict]:
    out = StringIO()
    call_command("report", "sufficiency", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_report_rows_have_exactly_the_keys(manager_client):
    _county()
    rows = _report("--as-of", "2025-12-01")
    assert {tuple(r) for r in rows} == {
        ("academic_year", "setting_group", "need", "capacity", "demand", "forecast")
    }
    years = sorted({r["academic_year"] for r in rows})
    assert years == ["2025/26", "2026/27", "2027/28", "2028/29", "2029/30", "2030/31"]
    srp_now = next(
        r for r in rows if r["academic_year"] == "2025/26" and r["setting_group"] == "srp"
        and r["need"] == "ALL"
    )  # fmt: skip
    assert (srp_now["capacity"], srp_now["demand"]) == (20, 3.0)
    _scenario_post(manager_client)
    rows = _report("--scenario", "Five more SRP places for autism")
    assert {tuple(r) for r in rows} == {
        ("academic_year", "setting_group", "need", "capacity", "demand", "forecast", "scenario")
    }
    inmss_2026 = next(
        r for r in rows if r["academic_year"] == "2026/27" and r["setting_group"] == "inmss"
        and r["need"] == "ALL"
    )  # fmt: skip
    assert inmss_2026["forecast"] == pytest.approx(inmss_2026["demand"] - 5)
    out = StringIO()
    call_command("report", "sufficiency", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "academic_year,setting_group,need,capacity,demand,forecast"
    )


def test_report_names_unknown_scenarios_and_missing_snapshots():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No sufficiency figures yet"):
        _report()
    _county()
    with pytest.raises(CommandError, match="No scenario called 'nope'"):
        _report("--scenario", "nope")


@pytest.mark.parametrize("children", [5, 40])
def test_page_queries_do_not_grow_with_the_data(
    manager_client, children, django_assert_max_num_queries
):
    _county(inmss_children=children)
    SufficiencyScenario.objects.create(name="Empty")
    with django_assert_max_num_queries(12):
        assert manager_client.get(URL).status_code == 200
