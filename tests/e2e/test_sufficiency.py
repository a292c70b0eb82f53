"""A manager opens the sufficiency dashboard, adds a scenario of 100 more SRP places for
secondary children with autism from 2026/27, and sees the INMSS forecast fall against the
baseline; the page passes axe with the scenario shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from reporting import services
from tests.factories import ChildFactory, EHCPFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = "['wcag2a','wcag2aa','wcag21aa','wcag22aa']"


def _county() -> None:
    """Twelve secondary children with autism in INMSS and six in an SRP of 20 places."""
    inmss = ProviderFactory()
    srp = ProviderFactory(
        establishment_type="Academy converter", low_age=11, high_age=16, capacity=1200,
        resourced_provision_capacity=20,
    )  # fmt: skip
    for count, provider, setting in ((12, inmss, ""), (6, srp, "srp")):
        for _ in range(count):
            child = ChildFactory(date_of_birth=dt.date(2012, 1, 1))
            EHCPFactory(child=child, request_date=dt.date(2021, 9, 1))
            PlacementFactory(
                child=child, provider=provider, setting_type=setting,
                start_date=dt.date(2022, 9, 1), annual_cost=Decimal("50000"),
            )  # fmt: skip
    services.snapshots_recompute(as_of=dt.date(2025, 11, 1))


def test_manager_adds_srp_places_scenario_and_sees_inmss_fall(signed_in_page, live_server, manager):
    _county()
    page = signed_in_page(manager)
    page.add_init_script(path=str(AXE_JS))
    page.goto(f"{live_server.url}/dashboards/sufficiency/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sufficiency")
    baseline = page.locator("#inmss-final-baseline .app-figure__value")
    expect(baseline).to_have_text("10")  # 12 children, rounded to 5 for a manager

    form = page.locator("#scenario-form")
    form.get_by_label("Scenario name").fill("100 SRP places for autism")
    form.get_by_label("Provision of the added places").select_option("srp")
    form.get_by_label("Phase of the added places").select_option("secondary")
    form.get_by_label("Need the places are for").select_option("ASD")
    form.get_by_label("Places open from academic year").fill("2026/27")
    form.get_by_label("Number of added places").fill("100")
    form.get_by_role("button", name="Add scenario").click()

    expect(page.locator("#scenario-effect")).to_contain_text(
        "10 fewer"
    )  # 12, rounded to 5 for a manager
    expect(page.locator("#inmss-final-scenario .app-figure__value")).to_have_text("0")
    table = page.locator("#sufficiency-inmss")
    expect(table.locator("thead")).to_contain_text("Scenario")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("-10")
    # The charts were drawn from their data blocks.
    expect(page.locator("canvas[data-chart='sufficiency-inmss-chart']")).to_be_visible()

    page.wait_for_load_state("networkidle")
    result = page.evaluate(
        f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}}})"
    )
    serious = [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []

    # Errors sit beside their fields.
    form = page.locator("#scenario-form")
    form.get_by_label("Scenario name").fill("")
    form.get_by_label("Number of added places").fill("many")
    form.get_by_role("button", name="Add scenario").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the scenario")
    expect(page.locator("#scenario-places-error")).to_contain_text("whole number")
