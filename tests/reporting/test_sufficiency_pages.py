"""The sufficiency dashboard, its scenarios, planned places, downloads and `report sufficiency`,
from real records through the recompute."""

from __future__ import annotations

import datetime as dt
import html
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
    text = page.content.decode()
    assert "fewer</strong> INMSS placements than the baseline" in text
    # The headline saving is net: 5 INMSS children (£50,000) avoided, less 5 in the SRP
    # (£15,000) and 5 added places standing empty (the SRP had 17 free): £100,000 in 2030/31.
    costs = page.context["cost_rows"]
    assert costs[-1] == {
        "year": "2030/31",
        "actual": False,
        "moved": 5,
        "empty_places": 5,
        "inmss_avoided": 250000.0,
        "other_settings": 75000.0,
        "empty_places_cost": 75000.0,
        "net_saving": 100000.0,
    }
    assert page.context["headline"]["net_saving"] == 100000.0
    assert "a net saving of <strong>£100,000</strong>" in text
    assert "moves at most as many children out of INMSS as the places it adds" in text


def test_scenario_costs_hidden_where_inmss_is_small(manager_client, officer_client):
    _county(inmss_children=4)
    _scenario_post(manager_client, places="2")
    scenario = SufficiencyScenario.objects.get()
    rows = manager_client.get(URL, {"scenario": scenario.pk}).context["cost_rows"]
    assert rows[1]["inmss_avoided"] == rows[1]["net_saving"] == "c"
    assert rows[1]["moved"] == "c"
    rows = officer_client.get(URL, {"scenario": scenario.pk}).context["cost_rows"]
    assert (rows[1]["moved"], rows[1]["inmss_avoided"]) == (2, 100000.0)


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
    # Labels, not codes; whole children without a trailing ".0".
    assert header == (
        "Academic year,Setting group,Primary need,Places,Children before moves to added places,"
        "Children"
    )
    assert "2025/26,Resourced provision (SRP) or SEN unit,All needs,20,c,c" in lines
    assert (
        "2025/26,Independent or non-maintained special,All needs,,10,10" in lines
    )  # 12, rounded to 5
    assert (
        "2025/26,Independent or non-maintained special,ASD - Autistic Spectrum Disorder,,10,10"
        in (lines)
    )
    xlsx = manager_client.get("/dashboards/sufficiency/download.xlsx")
    assert xlsx.status_code == 200
    assert manager_client.get("/dashboards/sufficiency/download.pdf").status_code == 404
    # Each download is an export in the audit log, under its file name; the refused one is not.
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="sufficiency")
    assert [label[-4:] for label in exports.order_by("pk").values_list("label", flat=True)] == [
        ".csv",
        "xlsx",
    ]


def test_backtest_and_costs_download(manager_client, officer_client):
    _county()
    backtest = manager_client.get("/dashboards/sufficiency/backtest/download.csv")
    assert backtest.status_code == 200
    header, *lines = backtest.content.decode("utf-8-sig").splitlines()
    assert header == (
        "Academic year,Setting group,Children (census),Forecast a year before,"
        "Absolute percentage error (%)"
    )
    # The stored back-test, by label: 12 INMSS children in 2025/26 against 16 forecast (the
    # mean joiners include the year every child joined); the 3 in the SRP are hidden from a
    # manager, not from an officer.
    assert "2025/26,Independent or non-maintained special,12,16,33.3" in lines
    assert "2025/26,Resourced provision (SRP) or SEN unit,c,c,c" in lines
    officer_lines = (
        officer_client.get("/dashboards/sufficiency/backtest/download.csv")
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert "2025/26,Resourced provision (SRP) or SEN unit,3,4,33.3" in officer_lines
    assert manager_client.get("/dashboards/sufficiency/backtest/download.xlsx").status_code == 200
    # Costs need a scenario: without one, back to the page.
    assert manager_client.get("/dashboards/sufficiency/costs/download.csv").status_code == 302
    _scenario_post(manager_client)
    scenario = SufficiencyScenario.objects.get()
    costs = manager_client.get(f"/dashboards/sufficiency/costs/download.csv?scenario={scenario.pk}")
    header, *lines = costs.content.decode("utf-8-sig").splitlines()
    assert header == (
        "Academic year,Children moved from INMSS so far,INMSS cost avoided,"
        "Cost of children in other settings,Added places empty,Cost of empty places,"
        "Net saving,Scenario"
    )
    # 2026/27: 5 of the 12 INMSS children (£50,000 each) move into 5 added SRP places
    # (£15,000 each): £250,000 avoided, £75,000 for them in SRP. The SRP had 17 of its 20
    # places free already, so 5 places stand empty (at most the 5 added), £75,000: £100,000 net.
    assert (
        "2026/27,5,250000.00,75000.00,5,75000.00,100000.00,Five more SRP places for autism" in lines
    )
    assert manager_client.get("/dashboards/sufficiency/nope/download.csv").status_code == 404


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


def test_white_paper_preset_is_shown_and_copied_into_a_scenario_to_change(
    manager_client, officer_client
):
    _county()
    page = html.unescape(manager_client.get(URL).content.decode())
    assert "Schools White Paper, February 2026" in page
    assert "the council's assumptions about the Schools White Paper" in page
    assert "10% fewer new EHCPs in 2027/28, 20% in 2028/29 and 30% from 2029/30" in page
    assert (
        officer_client.post("/dashboards/sufficiency/presets/white-paper-2026/copy/").status_code
        == 403
    )
    assert manager_client.post("/dashboards/sufficiency/presets/nope/copy/").status_code == 404
    response = manager_client.post("/dashboards/sufficiency/presets/white-paper-2026/copy/")
    scenario = SufficiencyScenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
    assert scenario.name == "Schools White Paper, February 2026"
    assert (scenario.ehcp_change_percent, scenario.ehcp_change_from_year) == (Decimal("-30"), 2027)
    assert scenario.ehcp_change_full_by == 2029
    assert "not national statistics" in scenario.description
    # The copy is computed at once and forecasts what the preset does, until it is changed.
    from reporting.models import DashboardSnapshot

    snapshot = DashboardSnapshot.objects.get(dashboard="sufficiency")
    assert scenario.result == snapshot.data["presets"]["white-paper-2026"]
    manager_client.post("/dashboards/sufficiency/presets/white-paper-2026/copy/")
    assert sorted(SufficiencyScenario.objects.values_list("name", flat=True)) == [
        "Schools White Paper, February 2026",
        "Schools White Paper, February 2026 (copy 2)",
    ]
    edit = manager_client.get(f"/dashboards/sufficiency/scenarios/{scenario.pk}/")
    assert edit.status_code == 200
