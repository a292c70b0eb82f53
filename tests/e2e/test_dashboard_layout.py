"""Dashboards read at a glance on a 1,280 px screen: every column of every table is on screen or
in a scroll region the keyboard reaches, a headline figure never breaks inside, and sorting a
column keeps suppressed `c` cells after the numbers whichever way it sorts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from reporting import services
from reporting.dashboards import DASHBOARDS
from tests.e2e.test_dashboards import AS_OF, county  # noqa: F401 - the fixture
from tests.factories import PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1280

# Per table: the columns whose right edge is past the page's, and whether its scroll region is
# inside the page and reachable by keyboard; the headline figures that take more than one line.
LAYOUT_JS = """(width) => {
  const tables = [...document.querySelectorAll("table[data-sortable]")].map((table) => {
    const region = table.closest(".app-table-scroll");
    const box = region ? region.getBoundingClientRect() : null;
    const offScreen = [...table.querySelectorAll("th")]
      .filter((th) => th.getBoundingClientRect().right > width + 1)
      .map((th) => th.textContent.trim());
    return {
      id: table.id,
      offScreen,
      region: region !== null,
      regionInside: box !== null && box.right <= width + 1,
      regionFocusable: region !== null && region.tabIndex === 0,
    };
  });
  const broken = [...document.querySelectorAll(".app-figure__value")]
    .filter((value) => value.getClientRects().length > 1 ||
      value.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(value).lineHeight))
    .map((value) => value.textContent.trim());
  return {pageWidth: document.documentElement.scrollWidth, tables, broken};
}"""


def test_every_column_and_figure_fits_at_1280_px(
    manager,
    signed_in_page,
    live_server,
    county,  # noqa: F811
):
    page = signed_in_page(manager)
    page.set_viewport_size({"width": WIDTH, "height": 900})

    for dashboard in DASHBOARDS:
        page.goto(f"{live_server.url}/dashboards/{dashboard.slug}/?fy=2024")
        expect(page.get_by_role("heading", name=dashboard.title, level=1)).to_be_visible()
        layout = page.evaluate(LAYOUT_JS, WIDTH)

        assert layout["pageWidth"] <= WIDTH, dashboard.slug
        assert layout["broken"] == [], dashboard.slug
        for table in layout["tables"]:
            assert table["region"], (dashboard.slug, table)
            assert table["regionInside"], (dashboard.slug, table)
            assert table["regionFocusable"], (dashboard.slug, table)
            # Each table has the page's whole width: every column of these is on screen.
            assert table["offScreen"] == [], (dashboard.slug, table)


def test_sorting_keeps_suppressed_cells_after_the_numbers(
    manager,
    signed_in_page,
    live_server,
    county,  # noqa: F811
):
    # A second school large enough to show: with only one beside the small one, secondary
    # suppression (the total less one school gives the other) rightly hides both.
    cedar = ProviderFactory(name="Cedar School")
    for index in range(9):
        PlacementFactory(
            provider=cedar, start_date=dt.date(2023, 9, 1), annual_cost=Decimal(40000 + index)
        )
    services.snapshots_recompute(as_of=AS_OF)
    page = signed_in_page(manager)
    page.goto(f"{live_server.url}/dashboards/providers/?fy=2024")
    concentration = page.locator("#data-concentration")
    button = concentration.get_by_role("button", name="INMSS spend in the year")

    for order in ("ascending", "descending"):
        button.click()
        expect(concentration.locator("th").nth(3)).to_have_attribute("aria-sort", order)
        cells = concentration.locator("tbody tr td:nth-child(4)").all_text_contents()
        numbers = [cell for cell in cells if cell.strip() != "c"]
        assert cells[: len(numbers)] == numbers, order
        assert cells[len(numbers) :] == ["c"] * (len(cells) - len(numbers)), order
        assert numbers, order
        assert len(numbers) < len(cells), order
