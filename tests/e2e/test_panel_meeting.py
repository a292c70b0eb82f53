"""A commissioner runs a panel meeting in the browser: outcomes recorded inline, totals and
the summary follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from panel.models import PanelRequest
from tests.factories import MeetingFactory, PanelRequestFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.production_too]


def _totals_cell(page, outcome: str):
    return page.locator(f"#meeting-totals tr[data-outcome='{outcome}'] td").first


def test_commissioner_records_three_outcomes_inline_and_sees_totals_and_summary(
    commissioner, signed_in_page, server
):
    meeting = MeetingFactory(date=dt.date(2026, 1, 14))
    first, second, third, _fourth = (
        PanelRequestFactory(meeting=meeting, requested_base_cost=Decimal(cost))
        for cost in ("36000", "42000", "51000", "30000")
    )
    page = signed_in_page(commissioner)
    page.goto(f"{server.url}/panel/meetings/{meeting.pk}/")
    page.evaluate("window.__marker = 'same page'")
    expect(page.locator("#meeting-totals")).to_contain_text("0 of 4")

    # Agreed at a different cost, saved from the keyboard.
    row = page.locator(f"#request-{first.pk}")
    row.get_by_label("Agreed", exact=True).check()
    row.get_by_label("Agreed annual cost").fill("35,000")
    row.get_by_label("Conditions").fill("Review at the annual review")
    row.get_by_role("button", name="Save decision").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#request-{first.pk}-outcome")).to_contain_text("Agreed at £35,000.00")
    expect(_totals_cell(page, "agreed")).to_have_text("1")

    row = page.locator(f"#request-{second.pk}")
    row.get_by_label("Declined", exact=True).check()
    row.get_by_label("Reason").fill("A local special school can meet need")
    row.get_by_role("button", name="Save decision").click()
    expect(page.locator(f"#request-{second.pk}-outcome")).to_contain_text("Declined")

    row = page.locator(f"#request-{third.pk}")
    row.get_by_label("More information required", exact=True).check()
    row.get_by_label("Reason").fill("Educational psychologist's report")
    row.get_by_role("button", name="Save decision").click()
    expect(page.locator(f"#request-{third.pk}-outcome")).to_contain_text(
        "More information required"
    )

    totals = page.locator("#meeting-totals")
    expect(totals).to_contain_text("3 of 4")
    expect(_totals_cell(page, "declined")).to_have_text("1")
    expect(_totals_cell(page, "more_information")).to_have_text("1")
    expect(_totals_cell(page, "undecided")).to_have_text("1")
    expect(page.locator("#meeting-totals tr[data-outcome='agreed'] td").nth(2)).to_have_text(
        "£35,000"
    )
    assert page.evaluate("window.__marker") == "same page", "the page reloaded"
    assert PanelRequest.objects.get(pk=first.pk).agreed_cost == Decimal("35000")

    page.get_by_role("link", name="Summary of this meeting").click()
    outcomes = page.locator("#summary-outcomes")
    expect(outcomes.locator("tr[data-outcome='agreed'] td").first).to_have_text("1")
    expect(outcomes.locator("tr[data-outcome='agreed'] td").nth(1)).to_have_text("36")
    expect(outcomes.locator("tr[data-outcome='declined'] td").first).to_have_text("1")
    expect(outcomes.locator("tr[data-outcome='more_information'] td").first).to_have_text("1")
    expect(outcomes.locator("tr[data-outcome='deferred'] td").first).to_have_text("0")
    expect(page.locator("#summary-needs")).to_contain_text("ASD")


def test_stale_decision_in_the_browser_shows_the_other_persons_value(
    commissioner, signed_in_page, server
):
    item = PanelRequestFactory(meeting=MeetingFactory(date=dt.date(2026, 1, 21)))
    page = signed_in_page(commissioner)
    page.goto(f"{server.url}/panel/meetings/{item.meeting_id}/")
    PanelRequest.objects.filter(pk=item.pk).update(
        outcome="declined", decision_reason="Decided elsewhere", version=2
    )

    row = page.locator(f"#request-{item.pk}")
    row.get_by_label("Agreed", exact=True).check()
    row.get_by_role("button", name="Save decision").click()

    expect(page.locator(f"#request-{item.pk}")).to_contain_text(
        "Someone else changed this decision"
    )
    expect(page.locator(f"#request-{item.pk}").get_by_label("Declined", exact=True)).to_be_checked()
    assert PanelRequest.objects.get(pk=item.pk).outcome == "declined"
