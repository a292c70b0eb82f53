"""A manager reads the dashboards in the browser: each one opens with its charts and tables,
a filter changes the figures, a download carries the suppressed cells, and axe finds nothing
serious on any of them."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from reporting import services
from reporting.dashboards import DASHBOARDS
from tests.factories import (
    BudgetLineFactory,
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    NeedTypeFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.production_too]

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = "['wcag2a','wcag2aa','wcag21aa','wcag22aa']"
AS_OF = dt.date(2025, 3, 31)


@pytest.fixture
def county(db):
    alder = ProviderFactory(name="Alder School")
    birch = ProviderFactory(name="Birch School", local_authority="Kent")
    oakfield = ProviderFactory(
        name="Oakfield School", establishment_type="Community special school"
    )
    for index in range(8):
        child = ChildFactory(district="Northvale")
        EHCPFactory(child=child, primary_need=NeedTypeFactory(code="ASD"))
        PlacementFactory(
            child=child,
            provider=alder,
            start_date=dt.date(2023, 9, 1),
            annual_cost=Decimal(36500 + 1000 * index),
        )
    for provider in (birch, oakfield):
        child = ChildFactory(district="Southdown")
        EHCPFactory(child=child, primary_need=NeedTypeFactory(code="SEMH"))
        PlacementFactory(child=child, provider=provider, start_date=dt.date(2024, 10, 1))
        ConsultationFactory(child=child, provider=provider, sent_on=dt.date(2024, 9, 2))
    BudgetLineFactory(financial_year=2024, line="INMSS placements", amount=Decimal("400000"))
    services.snapshots_recompute(as_of=AS_OF)


def _serious_violations(page) -> list[dict]:
    page.wait_for_load_state("networkidle")
    result = page.evaluate(
        f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}}})"
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_manager_reads_each_dashboard_filters_and_downloads(
    manager, signed_in_page, server, county
):
    page = signed_in_page(manager)
    page.add_init_script(path=str(AXE_JS))
    page.get_by_role("link", name="Dashboards").first.click()
    expect(page.get_by_role("heading", name="Dashboards", level=1)).to_be_visible()

    for dashboard in DASHBOARDS:
        page.goto(f"{server.url}/dashboards/")
        page.get_by_role("link", name=f"{dashboard.number}. {dashboard.title}").click()
        expect(page.get_by_role("heading", name=dashboard.title, level=1)).to_be_visible()
        expect(page.get_by_test_id("as-of")).to_contain_text("Figures as of 31 March 2025")
        assert _serious_violations(page) == [], dashboard.slug

    # Spend: charts are drawn beside their tables; a filter narrows the table to one group.
    page.goto(f"{server.url}/dashboards/spend/?fy=2024")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length > 0")
    table = page.locator("#data-need_group")
    expect(table).to_contain_text("Independent or non-maintained special")
    page.get_by_label("Setting group", exact=True).select_option("special")
    page.get_by_role("button", name="Show figures").click()
    expect(page).to_have_url(re.compile(r"/dashboards/spend/\?.*group=special"))
    expect(table).not_to_contain_text("Independent or non-maintained special")
    expect(table).to_contain_text("Maintained or academy special")
    # One maintained special placement: suppressed for a manager, with its cost.
    expect(table.locator("tbody tr").first).to_contain_text("c")
    assert _serious_violations(page) == []

    # Sorting a column from its header button.
    page.goto(f"{server.url}/dashboards/providers/?fy=2024")
    concentration = page.locator("#data-concentration")
    concentration.get_by_role("button", name="Provider").click()
    expect(concentration.locator("th").nth(2)).to_have_attribute("aria-sort", "ascending")
    expect(concentration.locator("tbody tr").first).to_contain_text("Alder School")

    # The download carries the same suppressed cells.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV of Supplier concentration").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Rank", "URN", "Provider"]
    birch = next(row for row in rows if row[2] == "Birch School")
    # Spend, children, placements, average cost and share; and no rank between figures shown.
    assert birch[3:] == ["c", "c", "c", "c", "c"]
    assert birch[0] == "c"


def test_a_manager_sees_figures_are_out_of_date_and_recomputes_them_with_progress(
    manager, signed_in_page, server, county, settings, request
):
    from django.utils import timezone

    from core import services as core_services
    from core.templatetags.govuk import govuk_date
    from placements import services as placement_services
    from placements.models import Placement

    live = "[live]" in request.node.name
    if live:  # the server runs in this process: the demo's set-up, without a worker
        settings.CELERY_TASK_ALWAYS_EAGER = True
        settings.REPORTING_RECOMPUTE_IN_BACKGROUND = True
    placement = Placement.objects.filter(provider__name="Alder School").first()
    placement_services.placement_update(
        placement=placement,
        version=placement.version,
        annual_cost=Decimal("90000"),
        user=None,
    )

    page = signed_in_page(manager)
    page.add_init_script(path=str(AXE_JS))
    page.goto(f"{server.url}/dashboards/spend/?fy=2024")
    expect(page.get_by_test_id("stale")).to_contain_text(
        "1 change since these figures were computed"
    )
    held = core_services._IN_BACKGROUND if live else contextlib.nullcontext()
    with held:  # on this process's server, the recompute waits: its progress is on the page
        page.get_by_role("button", name="Recompute now").click()
        expect(page.get_by_role("heading", name="Recomputing the dashboards")).to_be_visible()
        if live:
            expect(page.locator("progress#recompute-progress")).to_be_visible()
    # The page polls the job: the result shows without a reload.
    expect(page.get_by_text("Recomputed 8 dashboards")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name="See the new figures").click()
    expect(page).to_have_url(re.compile(r"/dashboards/spend/\?fy=2024$"))
    expect(page.get_by_test_id("as-of")).to_contain_text(
        f"Figures as of {govuk_date(timezone.localdate())}"
    )
    expect(page.get_by_test_id("stale")).to_have_count(0)
    assert _serious_violations(page) == []
