"""A commissioner changes a placement in the browser and sees the saved value; a second save
from a page opened before the first is refused with the other person's values (409)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from placements.models import Placement
from tests.factories import PlacementFactory, ProviderFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.production_too]


@pytest.fixture
def placement():
    return PlacementFactory(
        provider=ProviderFactory(name="Ashdown Lodge"),
        start_date=dt.date(2025, 9, 1),
        annual_cost=Decimal("36000.00"),
        additional_cost=Decimal("0.00"),
    )


def test_commissioner_changes_a_placement_and_sees_the_saved_value(
    signed_in_page, server, commissioner, placement
):
    page = signed_in_page(commissioner)
    page.goto(f"{server.url}/children/{placement.child.child_ref}/")
    page.get_by_role("link", name="Change placement at Ashdown Lodge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change or end the placement")

    page.get_by_label("Additional funding (a year)").fill("5,000")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("The placement has been changed.")).to_be_visible()
    row = page.locator("#placements tbody tr").filter(has_text="Ashdown Lodge")
    expect(row).to_contain_text("£41,000.00")
    expect(row).to_contain_text("incl. £5,000.00 additional")

    row.get_by_role("link", name="Change placement at Ashdown Lodge").click()
    expect(page.get_by_label("Additional funding (a year)")).to_have_value("5000.00")
    expect(page.get_by_role("table", name="Changes to this placement")).to_contain_text("£5,000.00")
    saved = Placement.objects.get(pk=placement.pk)
    assert (saved.additional_cost, saved.version) == (Decimal("5000.00"), 2)


def test_a_stale_second_save_is_refused_with_the_other_persons_values(
    signed_in_page, server, commissioner, placement
):
    page = signed_in_page(commissioner)
    change = f"{server.url}/placements/{placement.pk}/change/"
    page.goto(change)
    other_tab = page.context.new_page()
    other_tab.goto(change)
    other_tab.get_by_label("Additional funding (a year)").fill("5,000")
    other_tab.get_by_role("button", name="Save changes").click()
    expect(other_tab.get_by_text("The placement has been changed.")).to_be_visible()

    page.get_by_label("Base annual fee").fill("38,000")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save changes").click()

    assert navigation.value is not None
    assert navigation.value.status == 409
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Someone else changed this placement while you were editing it."
    )
    expect(page.get_by_label("Additional funding (a year)")).to_have_value("5000.00")
    expect(page.get_by_label("Base annual fee")).to_have_value("36000.00")
    saved = Placement.objects.get(pk=placement.pk)
    assert (saved.annual_cost, saved.additional_cost) == (Decimal("36000.00"), Decimal("5000.00"))
