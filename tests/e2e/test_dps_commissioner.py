"""A commissioner runs the DPS in the browser: admits a provider to Lot 1, edits a fee, records
an uplift decision and sees the saving on the register, creates a block contract and sees its
utilisation; every page passes axe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from dps.models import Membership
from tests.factories import (
    BlockContractFactory,
    ContractFactory,
    FeeScheduleFactory,
    LotFactory,
    MembershipFactory,
    PlacementFactory,
    ProviderFactory,
    UpliftRequestFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = "['wcag2a','wcag2aa','wcag21aa','wcag22aa']"


def _axe_violations(page) -> list[dict]:
    page.wait_for_load_state("networkidle")
    result = page.evaluate(
        f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_commissioner_runs_the_dps(commissioner, signed_in_page, live_server):
    lot = LotFactory(name="Higher quality providers", block_contract_eligible=True)
    provider = ProviderFactory(name="Oakwood School", urn=886123)
    membership = MembershipFactory(
        provider=provider, lot=lot, status=Membership.Status.APPLIED, admitted_on=None
    )
    # Two placements active on 1 September 2025 (£40,000 + £60,000 base fees).
    PlacementFactory(provider=provider, annual_cost=Decimal("40000"))
    PlacementFactory(
        provider=provider, annual_cost=Decimal("60000"), start_date=dt.date(2025, 9, 1)
    )
    fee = FeeScheduleFactory(provider=provider, academic_year=2025, annual_fee=Decimal("36000"))
    uplift = UpliftRequestFactory(provider=provider, requested_percent=Decimal("5.00"))

    page = signed_in_page(commissioner)
    page.add_init_script(path=str(AXE_JS))
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="DPS", exact=True).click()
    expect(page.get_by_role("heading", name="Dynamic purchasing system")).to_be_visible()
    assert _axe_violations(page) == []

    # Admit the provider to Lot 1.
    page.get_by_role("link", name="Memberships").first.click()
    page.get_by_role("link", name="Oakwood School").click()
    page.get_by_label("Admitted", exact=True).check()
    page.get_by_label("Date of the change").fill("2025-07-01")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("#membership-status")).to_contain_text("Admitted")
    expect(page.locator("#membership-history")).to_contain_text("Applied")
    assert _axe_violations(page) == []
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ADMITTED

    # Edit the fee schedule.
    page.goto(f"{live_server.url}/dps/fees/")
    page.locator("#fees").get_by_role("link", name="Change").first.click()
    page.get_by_label("Annual fee").fill("38,000")
    page.get_by_role("button", name="Save fee").click()
    expect(page.locator("#fee-history")).to_contain_text("£38,000.00")
    expect(page.locator("#fee-history")).to_contain_text("£36,000.00")
    assert _axe_violations(page) == []
    fee.refresh_from_db()
    assert fee.annual_fee == Decimal("38000")

    # Record the uplift decision: above 3%, so the breakdown is needed first.
    page.goto(f"{live_server.url}/dps/uplifts/{uplift.pk}/")
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_label("Agreed uplift (%)").fill("2")
    page.get_by_label("Date of the decision").fill("2025-06-20")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the cost breakdown")
    assert _axe_violations(page) == []
    page.get_by_label("Cost breakdown").fill("Pay award 3%; energy 2%")
    page.get_by_role("button", name="Save decision").click()
    # £100,000 × (5 − 2) ÷ 100 = £3,000.
    expect(page.locator("#uplift-saving")).to_have_text("£3,000.00")
    page.get_by_role("link", name="Back to uplift requests").click()
    expect(page.locator("#savings-headline")).to_contain_text(
        "£3,000 saved across 2 placements in 2025/26"
    )
    assert _axe_violations(page) == []

    # Create a block contract and see its utilisation.
    page.goto(f"{live_server.url}/dps/block-contracts/")
    page.get_by_role("link", name="Add a block contract").click()
    page.get_by_label("Provider URN").fill("886123")
    page.get_by_label("Lot").select_option(label=f"{lot.framework.name}: {lot}")
    page.get_by_label("Places reserved").fill("4")
    page.get_by_label("Annual price per place").fill("34,500")
    page.get_by_label("Start date").fill("2025-09-01")
    page.get_by_label("End date").fill("2028-08-31")
    page.get_by_role("button", name="Save block contract").click()
    expect(page.get_by_role("heading", name="4 places at Oakwood School")).to_be_visible()
    expect(page.locator("#utilisation tr[data-month='2025-09'] td").nth(1)).to_have_text("2")
    expect(page.locator("#utilisation tr[data-month='2025-09'] td").nth(2)).to_have_text("50.0%")
    canvas = page.locator("canvas[data-chart='block-utilisation-chart']")
    expect(canvas).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector("
        "\"canvas[data-chart='block-utilisation-chart']\"))"
    )
    assert _axe_violations(page) == []

    # Change it: 2 places instead of 4, and utilisation follows.
    page.get_by_role("button", name="Change the block contract").click()
    page.get_by_label("Places reserved").fill("2")
    page.get_by_role("button", name="Save block contract").click()
    expect(page.get_by_role("heading", name="2 places at Oakwood School")).to_be_visible()
    expect(page.locator("#utilisation tr[data-month='2025-09'] td").nth(2)).to_have_text("100.0%")


def test_every_dps_management_page_passes_axe(commissioner, signed_in_page, live_server):
    lot = LotFactory(block_contract_eligible=True)
    provider = ProviderFactory(name="Beech School")
    membership = MembershipFactory(provider=provider, lot=lot)
    PlacementFactory(provider=provider)
    fee = FeeScheduleFactory(provider=provider)
    uplift = UpliftRequestFactory(provider=provider)
    block = BlockContractFactory(provider=provider)
    contract = ContractFactory(provider=provider)
    page = signed_in_page(commissioner)
    page.add_init_script(path=str(AXE_JS))
    for path in (
        "/dps/frameworks/",
        f"/dps/frameworks/{lot.framework_id}/lots/{lot.pk}/edit/",
        "/dps/memberships/",
        "/dps/memberships/new/",
        f"/dps/memberships/{membership.pk}/",
        "/dps/fees/",
        f"/dps/fees/{fee.pk}/",
        "/dps/uplifts/",
        "/dps/uplifts/new/",
        f"/dps/uplifts/{uplift.pk}/",
        "/dps/block-contracts/",
        f"/dps/block-contracts/{block.pk}/edit/",
        "/dps/contracts/",
        "/dps/contracts/new/",
        f"/dps/contracts/{contract.pk}/",
        "/dps/attendance/",
        "/dps/attendance/record/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        assert _axe_violations(page) == [], path
