"""The pages work under the Content-Security-Policy: no violation reported by the browser on the
main pages (sign-in, lists, a child's record, the meeting page, the panel summary with its chart,
the audit log), the chart is drawn, htmx live search still swaps results, and a locked-out
person sees the branded page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import ChildFactory, MeetingFactory, PanelRequestFactory, PlacementFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/children/",
    "/children/C0042/",
    "/providers/",
    "/placements/",
    "/panel/meetings/",
    "/panel/decisions/",
    "/imports/",
    "/audit/",
]


def _data():
    child = ChildFactory(child_ref="C0042")
    placement = PlacementFactory(child=child, start_date=dt.date(2025, 9, 1))
    today = dt.date.today()
    meeting = MeetingFactory(date=today - dt.timedelta(days=3))
    for outcome in ("agreed", "declined", "agreed"):
        PanelRequestFactory(meeting=meeting, provider=placement.provider, outcome=outcome)
    return meeting


@pytest.mark.production_too
def test_main_pages_report_no_csp_violation(signed_in_page, server, admin_user, violations):
    meeting = _data()
    page = signed_in_page(admin_user)

    for path in [*PAGES, f"/panel/meetings/{meeting.pk}/", f"/panel/meetings/{meeting.pk}/record/"]:
        response = page.goto(f"{server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")

    assert violations == []


def test_the_panel_summary_chart_is_drawn_under_the_csp(
    signed_in_page, live_server, commissioner, violations
):
    meeting = _data()
    page = signed_in_page(commissioner)

    page.goto(f"{live_server.url}/panel/summary/?meeting={meeting.pk}")
    page.wait_for_load_state("networkidle")

    canvas = page.locator("canvas[data-chart]").first
    expect(canvas).to_be_visible()
    drawn = page.evaluate(
        "() => { const c = document.querySelector('canvas[data-chart]');"
        " return !!(window.Chart && window.Chart.getChart(c)); }"
    )
    assert drawn
    assert violations == []


def test_htmx_live_search_works_under_the_csp(signed_in_page, live_server, officer, violations):
    ChildFactory(child_ref="C0042", first_name="Zebedee")
    ChildFactory(child_ref="C0043", first_name="Amelia")
    page = signed_in_page(officer)
    page.goto(f"{live_server.url}/children/")

    page.get_by_label("Search by name or reference").fill("Zebedee")

    expect(page.locator("#results")).to_contain_text("1 child found")
    expect(page.locator("#results")).to_contain_text("C0042")
    assert violations == []


@pytest.mark.production_too
def test_a_locked_out_person_sees_the_branded_page(page, server, officer, violations):
    page.goto(f"{server.url}/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("demo-password-1")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have tried to sign in too many times"
    )
    assert violations == []
