"""An officer finds schools for a 12-year-old with autism, consults three (one the parents
named, outside the DPS), records an offer and a decline, compares and places the child."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import axe_playwright_python
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import calendar
from dps.models import Consultation
from placements.models import Placement
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    FeeScheduleFactory,
    LotFactory,
    MembershipFactory,
    ProviderFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.production_too]

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = "['wcag2a','wcag2aa','wcag21aa','wcag22aa']"
HOME = (600_000, 150_000)


def _assert_axe_clean(page, what: str) -> None:
    page.wait_for_load_state("networkidle")
    result = page.evaluate(
        f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}}})"
    )
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{what}: {serious}"


def _school(name: str, km: int, *, lot=None, urn: int) -> object:
    provider = ProviderFactory(
        name=name,
        urn=urn,
        easting=HOME[0] + km * 1000,
        northing=HOME[1],
        need_types=["ASD"],
        low_age=7,
        high_age=18,
        sen_contact_email=f"senco@{urn}.example",
    )
    if lot is not None:
        MembershipFactory(provider=provider, lot=lot, quality_score=Decimal("82"))
        FeeScheduleFactory(
            provider=provider,
            academic_year=calendar.academic_year_of(timezone.localdate()),
            annual_fee=Decimal("41000"),
        )
    return provider


def test_officer_finds_consults_compares_and_places(signed_in_page, server, officer, sent_emails):
    today = timezone.localdate()
    child = ChildFactory(
        first_name="Robin",
        last_name="Fletcher",
        sex="M",
        date_of_birth=today.replace(year=today.year - 12) - dt.timedelta(days=40),
        easting=HOME[0],
        northing=HOME[1],
    )
    EHCPFactory(child=child)
    lot = LotFactory()
    _school("Ashdown Lodge", 8, lot=lot, urn=200001)
    _school("Birchfield School", 22, lot=lot, urn=200002)
    _school("Distant Hall", 45, lot=lot, urn=200003)
    _school("Parents' Choice Academy", 12, urn=200004)  # not on the DPS
    start = today + dt.timedelta(days=60)

    page = signed_in_page(officer)
    page.add_init_script(path=str(AXE_JS))
    page.goto(f"{server.url}/children/{child.child_ref}/")
    page.get_by_role("link", name="Find a school for Robin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a school")
    expect(page.get_by_label("ASD - Autistic Spectrum Disorder")).to_be_checked()
    expect(page.locator("#results")).to_contain_text("Distant Hall")

    # Within 30 km: the results update in place, and the filter goes into the address.
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("Within (km of home)").fill("30")
    page.get_by_label("Within (km of home)").press("Tab")
    expect(page.locator("#results")).not_to_contain_text("Distant Hall")
    expect(page.locator("#result-count")).to_have_text("2 schools found.")
    assert page.evaluate("window.__marker") == "same page"
    assert "max_km=30" in page.url
    expect(page.locator("#result-200001")).to_contain_text("8.0 km")
    expect(page.locator("#result-200001")).to_contain_text("£41,000 a year")
    _assert_axe_clean(page, "search")

    page.get_by_label("Shortlist Ashdown Lodge").check()
    page.get_by_label("Shortlist Birchfield School").check()
    page.get_by_role("button", name="Add ticked schools to the shortlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shortlist and consult")

    # The parents have asked for a school outside the DPS.
    page.get_by_label("URN of the school").fill("200004")
    page.get_by_label("The parents have asked for this school").check()
    page.get_by_role("button", name="Add to the shortlist").click()
    expect(page.locator("#entry-200004")).to_contain_text("Not on the DPS")
    expect(page.locator("#entry-200004")).to_contain_text("Parents' choice")
    _assert_axe_clean(page, "shortlist")
    page.get_by_label("What the child needs from the school").fill("Small classes, SALT weekly")
    page.get_by_role("button", name="Consult the ticked schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    expect(page.locator("#consultations tbody tr")).to_have_count(3)
    assert sorted(m.to[0] for m in sent_emails()) == [
        "senco@200001.example",
        "senco@200002.example",
        "senco@200004.example",
    ]
    assert all("Robin" not in m.body and "Fletcher" not in m.body for m in sent_emails())

    # An offer from Ashdown Lodge.
    page.locator("#consultations").get_by_role("link", name="Ashdown Lodge").click()
    expect(page.locator("#emails")).to_contain_text("Consultation pack")
    _assert_axe_clean(page, "consultation")
    page.get_by_label("Offer", exact=True).check()
    page.get_by_label("Annual fee offered").fill("42,500")
    page.get_by_label("Start date offered").fill(start.isoformat())
    page.get_by_label("Additional cost (a year)").fill("3,000")
    page.get_by_role("button", name="Save response").click()
    expect(page.locator("tr[data-urn='200001'] [data-response]")).to_contain_text("Offer")

    # A decline from Birchfield.
    page.get_by_role("link", name="Birchfield School").click()
    page.get_by_label("Decline", exact=True).check()
    page.get_by_label("Reason for declining").select_option("no_vacancy")
    page.get_by_role("button", name="Save response").click()
    expect(page.locator("tr[data-urn='200002'] [data-response]")).to_contain_text("Decline")

    page.get_by_role("link", name="Compare offers").click()
    expect(page.locator("#offers tbody tr")).to_have_count(1)
    expect(page.locator("#offers tr[data-urn='200001']")).to_contain_text("£45,500.00")
    _assert_axe_clean(page, "compare")
    page.get_by_role("button", name="Accept the offer from Ashdown Lodge").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Fletcher")
    expect(page.locator("#placements")).to_contain_text("Ashdown Lodge")
    expect(page.locator("#placements")).to_contain_text("£45,500.00")
    expect(page.locator("#consultations")).to_contain_text("Closed: not needed")
    placement = Placement.objects.get(child=child)
    assert placement.start_date == start
    assert placement.annual_cost == Decimal("42500")
    closed = Consultation.objects.get(child=child, provider__urn=200004)
    assert closed.response == Consultation.Response.NOT_NEEDED
    assert closed.on_dps is False
    assert closed.parental_request is True
