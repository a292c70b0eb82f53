"""Every main list page, with more than one page of rows, and the home page pass axe (WCAG 2.2
AA) with no serious or critical violations, for a commissioner and for a manager.

The pagination once failed colour contrast (dark "Page 1 of 2" on the link-blue current-page
box); this keeps it, and everything else on these pages, from coming back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from panel.models import PanelRequest
from placements.views import PAGE_SIZE
from tests.factories import MeetingFactory, PanelRequestFactory, PlacementFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = "['wcag2a','wcag2aa','wcag21aa','wcag22aa']"
BLOCKING = {"serious", "critical"}

COMMISSIONER_PAGES = [
    ("/", None),
    ("/children/", "Children and young people"),
    ("/children/?page=2", "Children and young people"),
    ("/providers/", None),
    ("/providers/?page=2", None),
    ("/placements/", None),
    ("/placements/?page=2", None),
    ("/panel/meetings/", None),
    ("/panel/meetings/?page=2", None),
    ("/panel/decisions/", None),
    ("/panel/decisions/?page=2", None),
    ("/panel/summary/", None),
]
MANAGER_PAGES = ["/", "/providers/", "/providers/?page=2", "/panel/summary/"]


@pytest.fixture
def many_rows(db):
    """More than a page of children, providers, placements, past meetings and decisions."""
    rows = PAGE_SIZE + 5
    placements = PlacementFactory.create_batch(rows, start_date=dt.date(2024, 9, 2))
    meetings = MeetingFactory.create_batch(25)  # weekly from January 2025: all in the past
    outcomes = list(PanelRequest.Outcome)
    for i, placement in enumerate(placements):
        PanelRequestFactory(
            meeting=meetings[i % len(meetings)],
            child=placement.child,
            provider=placement.provider,
            outcome=outcomes[i % len(outcomes)],
        )
    return rows


def _serious_violations(page) -> list[dict]:
    page.wait_for_load_state("networkidle")
    result = page.evaluate(
        f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def _check(page, base_url: str, path: str) -> None:
    response = page.goto(f"{base_url}{path}")
    assert response is not None, path
    assert response.status == 200, path
    violations = _serious_violations(page)
    assert violations == [], f"{path}: {violations}"


def test_commissioner_list_pages_pass_axe(signed_in_page, live_server, commissioner, many_rows):
    page = signed_in_page(commissioner)
    page.add_init_script(path=str(AXE_JS))
    for path, heading in COMMISSIONER_PAGES:
        _check(page, live_server.url, path)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if "/children/" in path:
            # The pagination is really there, so its contrast was really checked.
            expect(page.locator(".govuk-pagination__item--current")).to_contain_text(" of 2")


def test_pagination_text_is_white_on_the_council_teal(
    signed_in_page, live_server, commissioner, many_rows
):
    page = signed_in_page(commissioner)
    page.goto(f"{live_server.url}/placements/")
    current = page.locator(".govuk-pagination__item--current")
    expect(current).to_have_css("background-color", "rgb(11, 79, 108)")
    expect(current.locator(".govuk-body")).to_have_css("color", "rgb(255, 255, 255)")


def test_manager_pages_pass_axe(signed_in_page, live_server, manager, many_rows):
    page = signed_in_page(manager)
    page.add_init_script(path=str(AXE_JS))
    for path in MANAGER_PAGES:
        _check(page, live_server.url, path)
