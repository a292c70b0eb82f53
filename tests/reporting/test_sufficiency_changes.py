"""Changing and deleting sufficiency scenarios and planned places, through the client: each
change recomputes what it moves at once, and a stale form answers 409."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.errors import DomainError
from reporting import sufficiency_services
from reporting.models import PlannedPlaces, SufficiencyScenario
from tests.reporting.test_sufficiency_pages import URL, _county, _scenario_post

pytestmark = pytest.mark.django_db


def _scenario(client) -> SufficiencyScenario:
    assert _scenario_post(client).status_code == 302
    return SufficiencyScenario.objects.get()


def _edit_data(scenario: SufficiencyScenario, **overrides) -> dict[str, str]:
    return {
        "version": str(scenario.version),
        "name": scenario.name,
        "description": scenario.description,
        "ehcp_change_percent": "",
        "ehcp_change_need": "",
        "ehcp_change_phase": "",
        "ehcp_change_from_year": "",
        "ehcp_change_full_by": "",
        **overrides,
    }


def _places_data(line: PlannedPlaces, **overrides) -> dict[str, str]:
    return {
        "version": str(line.version),
        "setting_group": line.setting_group,
        "phase": line.phase,
        "need": line.need,
        "academic_year": str(line.academic_year),
        "places": str(line.places),
        "note": line.note,
        **overrides,
    }


def _inmss_2026(client, scenario: SufficiencyScenario) -> tuple[int, int]:
    row = client.get(URL, {"scenario": scenario.pk}).context["inmss_rows"][1]
    return row["baseline"], row["scenario"]


def test_dashboard_links_to_change_and_delete_for_managers_only(manager_client, officer_client):
    _county()
    scenario = _scenario(manager_client)
    page = manager_client.get(URL).content.decode()
    assert f"/dashboards/sufficiency/scenarios/{scenario.pk}/" in page
    assert f"/dashboards/sufficiency/scenarios/{scenario.pk}/delete/" in page
    assert (
        f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
        not in officer_client.get(URL).content.decode()
    )
    assert officer_client.get(f"/dashboards/sufficiency/scenarios/{scenario.pk}/").status_code == (
        403
    )


def test_rename_and_change_ehcps_recomputes_the_scenario(manager_client):
    _county()
    scenario = _scenario(manager_client)
    url = f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
    page = manager_client.get(url)
    assert page.status_code == 200
    assert "Five more SRP places for autism" in page.content.decode()
    before = scenario.computed_at
    response = manager_client.post(
        url,
        _edit_data(
            scenario,
            name="SRP places and fewer EHCPs",
            ehcp_change_percent="-50",
            ehcp_change_from_year="2026/27",
        ),
    )
    assert response.status_code == 302
    assert f"scenario={scenario.pk}" in response["Location"]
    scenario.refresh_from_db()
    assert scenario.name == "SRP places and fewer EHCPs"
    assert scenario.ehcp_change_percent == -50
    assert scenario.ehcp_change_from_year == 2026
    assert scenario.version == 2
    assert scenario.computed_at > before
    assert scenario.history.filter(name="SRP places and fewer EHCPs", version=2).exists()
    page = manager_client.get(URL, {"scenario": scenario.pk}).content.decode()
    assert "SRP places and fewer EHCPs" in page
    assert "Change the scenario “SRP places and fewer EHCPs” or its places" in page


def test_scenario_edit_errors_beside_the_fields(manager_client):
    _county()
    scenario = _scenario(manager_client)
    SufficiencyScenario.objects.create(name="Other")
    url = f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
    response = manager_client.post(url, _edit_data(scenario, name="other"))
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["There is already a scenario with this name"]
    response = manager_client.post(url, _edit_data(scenario, ehcp_change_percent="-10"))
    assert response.context["form"].errors["ehcp_change_from_year"] == [
        "Enter the academic year the change starts"
    ]
    response = manager_client.post(url, _edit_data(scenario, ehcp_change_percent="lots"))
    assert "percentage" in response.context["form"].errors["ehcp_change_percent"][0]
    scenario.refresh_from_db()
    assert (scenario.name, scenario.version) == ("Five more SRP places for autism", 1)


def test_stale_scenario_edit_answers_409_with_the_current_values(manager_client):
    _county()
    scenario = _scenario(manager_client)
    url = f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
    first = manager_client.post(url, _edit_data(scenario, name="First rename"))
    assert first.status_code == 302
    stale = manager_client.post(url, _edit_data(scenario, name="Second rename"))  # version 1
    assert stale.status_code == 409
    assert stale.context["form"].initial["name"] == "First rename"
    assert "Someone else saved this record" in stale.content.decode()
    scenario.refresh_from_db()
    assert scenario.name == "First rename"


def test_delete_scenario_asks_first_then_removes_its_places(manager_client):
    _county()
    scenario = _scenario(manager_client)
    baseline_line = PlannedPlaces.objects.create(
        setting_group="srp", phase="secondary", academic_year=2027, places=3
    )
    url = f"/dashboards/sufficiency/scenarios/{scenario.pk}/delete/"
    page = manager_client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Are you sure you want to delete the scenario" in text
    assert "Yes, delete the scenario" in text
    stale = manager_client.post(url, {"version": "7"})
    assert stale.status_code == 409
    assert SufficiencyScenario.objects.exists()
    response = manager_client.post(url, {"version": str(scenario.version)})
    assert response.status_code == 302
    assert not SufficiencyScenario.objects.exists()
    assert list(PlannedPlaces.objects.all()) == [baseline_line]  # the council's plan stays
    page = manager_client.get(URL)
    assert "Scenario “Five more SRP places for autism” deleted." in page.content.decode()
    page = manager_client.get(URL)
    assert page.context["scenarios"] == []
    assert "Five more SRP places for autism" not in page.content.decode()
    # The forecast no longer lists it.
    with pytest.raises(CommandError, match="No scenario called"):
        call_command(
            "report",
            "sufficiency",
            "--format",
            "json",
            "--scenario",
            "Five more SRP places for autism",
            stdout=StringIO(),
        )


def test_change_a_scenarios_places_recomputes_it(manager_client, officer_client):
    # Read as an officer, who sees exact figures (a manager's are rounded to 5).
    _county()
    scenario = _scenario(manager_client)
    baseline, with_five = _inmss_2026(officer_client, scenario)
    assert with_five == baseline - 5
    line = scenario.places.get()
    edit = manager_client.get(f"/dashboards/sufficiency/scenarios/{scenario.pk}/")
    assert f"/dashboards/sufficiency/planned-places/{line.pk}/" in edit.content.decode()
    url = f"/dashboards/sufficiency/planned-places/{line.pk}/"
    page = manager_client.get(url)
    assert page.context["form"].initial["academic_year"] == "2026/27"
    response = manager_client.post(url, _places_data(line, places="2"))
    assert response.status_code == 302
    assert response["Location"] == f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
    assert _inmss_2026(officer_client, scenario) == (baseline, baseline - 2)
    stale = manager_client.post(url, _places_data(line, places="4"))  # version 1 again
    assert stale.status_code == 409
    line.refresh_from_db()
    assert (line.places, line.version) == (2, 2)
    bad = manager_client.post(url, _places_data(line, places="0", academic_year="soon"))
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"places", "academic_year"}
    # Deleting the scenario's only places: the scenario is the baseline again.
    delete = f"/dashboards/sufficiency/planned-places/{line.pk}/delete/"
    assert "Are you sure" in manager_client.get(delete).content.decode()
    assert manager_client.post(delete, {"version": "2"}).status_code == 302
    assert not PlannedPlaces.objects.exists()
    assert _inmss_2026(officer_client, scenario) == (baseline, baseline)


def test_change_and_delete_the_councils_planned_places_moves_the_baseline(manager_client):
    _county()
    manager_client.post(
        "/dashboards/sufficiency/planned-places/",
        {"setting_group": "srp", "phase": "secondary", "academic_year": "2027", "places": "30"},
    )
    line = PlannedPlaces.objects.get()
    listing = manager_client.get("/dashboards/sufficiency/planned-places/").content.decode()
    assert f"/dashboards/sufficiency/planned-places/{line.pk}/delete/" in listing

    def srp_places() -> dict[str, int]:
        rows = manager_client.get(URL).context["provision_rows"]
        return {r["year"]: r["places"] for r in rows if r["group"] == "srp"}

    assert srp_places()["2027/28"] == 50
    url = f"/dashboards/sufficiency/planned-places/{line.pk}/"
    response = manager_client.post(url, _places_data(line, places="10", academic_year="2026"))
    assert response.status_code == 302
    assert response["Location"] == "/dashboards/sufficiency/planned-places/"
    places = srp_places()
    assert (places["2026/27"], places["2027/28"]) == (30, 30)
    line.refresh_from_db()
    stale = manager_client.post(f"{url}delete/", {"version": "1"})
    assert stale.status_code == 409
    assert manager_client.post(f"{url}delete/", {"version": str(line.version)}).status_code == 302
    assert not PlannedPlaces.objects.exists()
    assert srp_places()["2027/28"] == 20


def test_officer_cannot_change_or_delete(manager_client, officer_client):
    _county()
    scenario = _scenario(manager_client)
    line = scenario.places.get()
    for url, data in (
        (f"/dashboards/sufficiency/scenarios/{scenario.pk}/", _edit_data(scenario, name="X")),
        (f"/dashboards/sufficiency/scenarios/{scenario.pk}/delete/", {"version": "1"}),
        (f"/dashboards/sufficiency/planned-places/{line.pk}/", _places_data(line, places="1")),
        (f"/dashboards/sufficiency/planned-places/{line.pk}/delete/", {"version": "1"}),
    ):
        assert officer_client.post(url, data).status_code == 403
    scenario.refresh_from_db()
    assert scenario.name == "Five more SRP places for autism"
    assert PlannedPlaces.objects.count() == 1


def test_report_lists_the_renamed_scenario(manager_client):
    _county()
    scenario = _scenario(manager_client)
    manager_client.post(
        f"/dashboards/sufficiency/scenarios/{scenario.pk}/", _edit_data(scenario, name="Renamed")
    )
    out = StringIO()
    call_command("report", "sufficiency", "--format", "json", "--scenario", "Renamed", stdout=out)
    assert json.loads(out.getvalue())


def test_a_scenario_without_places_keeps_its_change_in_new_ehcps(manager_client):
    _county()
    _scenario_post(
        manager_client,
        name="White Paper",
        setting_group="",
        phase="",
        need="",
        academic_year="",
        places="",
        ehcp_change_percent="-50",
        ehcp_change_from_year="2026",
    )
    scenario = SufficiencyScenario.objects.get()
    url = f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
    response = manager_client.post(url, _edit_data(scenario))  # the change left blank
    assert response.status_code == 400
    assert response.context["form"].errors["ehcp_change_percent"] == [
        "Enter a change in new EHCPs: this scenario has no added places"
    ]
    response = manager_client.post(
        url,
        _edit_data(
            scenario,
            ehcp_change_percent="-30",
            ehcp_change_from_year="2027/28",
            ehcp_change_full_by="2026/27",
        ),
    )
    assert response.context["form"].errors["ehcp_change_full_by"] == [
        "The full effect must be in or after the starting year"
    ]
    response = manager_client.post(
        url,
        _edit_data(
            scenario,
            ehcp_change_percent="-30",
            ehcp_change_from_year="2027/28",
            ehcp_change_full_by="2029/30",
        ),
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.ehcp_change_from_year, scenario.ehcp_change_full_by) == (2027, 2029)


OUT_OF_RANGE = "Enter a change in new EHCPs between -100% and 100%"


@pytest.mark.parametrize("percent", ["150", "-150", "100.01", "1e9", "-150%"])
def test_a_change_beyond_a_hundred_percent_is_explained_when_added(manager_client, percent):
    _county()
    response = _scenario_post(
        manager_client, ehcp_change_percent=percent, ehcp_change_from_year="2026"
    )
    assert response.status_code == 200  # the dashboard again, the form's errors on it
    assert response.context["scenario_form"].errors["ehcp_change_percent"] == [OUT_OF_RANGE]
    assert OUT_OF_RANGE in response.content.decode()
    assert not SufficiencyScenario.objects.exists()


@pytest.mark.parametrize("percent", ["150", "-150", "-100.5"])
def test_a_change_beyond_a_hundred_percent_is_explained_when_changed(manager_client, percent):
    _county()
    scenario = _scenario(manager_client)
    url = f"/dashboards/sufficiency/scenarios/{scenario.pk}/"
    response = manager_client.post(
        url, _edit_data(scenario, ehcp_change_percent=percent, ehcp_change_from_year="2026")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ehcp_change_percent"] == [OUT_OF_RANGE]
    assert OUT_OF_RANGE in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.ehcp_change_percent is None


@pytest.mark.parametrize("percent", ["100", "-100", "-12.5%"])
def test_a_change_of_up_to_a_hundred_percent_either_way_is_kept(manager_client, percent):
    _county()
    response = _scenario_post(
        manager_client, ehcp_change_percent=percent, ehcp_change_from_year="2026"
    )
    assert response.status_code == 302
    assert SufficiencyScenario.objects.get().ehcp_change_percent == Decimal(
        percent.removesuffix("%")
    )


def test_the_service_refuses_a_change_beyond_a_hundred_percent_with_the_same_message():
    with pytest.raises(DomainError) as refused:
        sufficiency_services.sufficiency_scenario_create(
            name="Twice and a half",
            ehcp_change_percent=Decimal(150),
            ehcp_change_from_year=2026,
            user=None,
        )
    assert refused.value.errors["ehcp_change_percent"] == [OUT_OF_RANGE]
