"""Reporting's `report` names (found by `core.registry.autodiscover`).

Each report computes from the same pure metric functions the dashboards use, on frames the
loader reads now (not from stored snapshots). `--fy 2024` is 1 April 2024 – 31 March 2025;
`--as-of` defaults to the end of that year; figures are exact unless `--suppress`, which gives
them exactly as a manager sees them on the dashboard (`selectors.disclose_table`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from core import calendar, disclosure
from core.registry import register_report

from . import builders, dashboards, loader, metrics, selectors

Rows = list[dict[str, Any]]


def _as_of(fy: int, as_of: dt.date | None) -> dt.date:
    return as_of or calendar.financial_year_bounds(fy)[1]


def _suppressed(rows: Rows, suppress: bool, dashboard: dashboards.Dashboard, table: str) -> Rows:
    """`rows` as the dashboard's table shows them to people without casework, with `suppress`."""
    spec = dashboard.table(table)
    assert spec is not None
    return selectors.disclose_table(spec, rows) if suppress else rows


@register_report(
    "spend",
    "Placements active on the as-of date, spend in the year and average annual cost per need × setting group",
    money_fields=("spend", "avg_annual_cost"),
)
def spend_report(*, fy: int, as_of: dt.date | None, suppress: bool = False, **_: Any) -> Rows:
    placements = metrics.add_child_details(
        loader.load_placements(), loader.load_ehcps(), loader.load_children()
    )
    # Disclosed with the districts' rows, as the page is: the same cells are hidden.
    rows = _suppressed(
        builders.spend_rows(placements, fy, _as_of(fy, as_of)),
        suppress,
        dashboards.SPEND,
        "need_group",
    )
    return [
        {key: value for key, value in row.items() if key != "district"}
        for row in rows
        if not row["district"]
    ]


@register_report(
    "concentration",
    "Top N INMSS providers by spend in the year, with placements, average cost and share of INMSS spend",
    money_fields=("spend", "avg_annual_cost"),
)
def concentration_report(
    *, fy: int, as_of: dt.date | None, top: int = 10, suppress: bool = False, **_: Any
) -> Rows:
    rows = metrics.concentration(loader.load_placements(), fy, _as_of(fy, as_of), 10**9)
    return _suppressed(rows, suppress, dashboards.PROVIDERS, "concentration")[: max(top, 0)]


@register_report("ncy", "Placements active on the as-of date per NCY and setting group")
def ncy_report(*, fy: int, as_of: dt.date | None, suppress: bool = False, **_: Any) -> Rows:
    placements = metrics.add_child_details(
        loader.load_placements(), loader.load_ehcps(), loader.load_children()
    )
    rows = metrics.ncy_breakdown(placements, _as_of(fy, as_of), fy)
    shown = _suppressed(rows, suppress, dashboards.SPEND, "ncy")
    return [
        {"ncy": row["ncy"], "setting_group": row["setting_group"], "placements": row["placements"]}
        for exact, row in zip(rows, shown, strict=True)
        if exact["placements"]
    ]


@register_report("inmss-share", "Active INMSS placements as a share of active EHCPs")
def inmss_share_report(*, fy: int, as_of: dt.date | None, suppress: bool = False, **_: Any) -> Rows:
    result = metrics.inmss_share(loader.load_placements(), loader.load_ehcps(), _as_of(fy, as_of))
    rows = [
        {
            "inmss_placements": result["inmss_placements"],
            "ehcps": result["ehcps"],
            "share": result["share"],
        }
    ]
    if not suppress:
        return rows
    # As the home page shows it: the share worked out again from the rounded counts.
    return [
        disclosure.disclose_figures(
            rows[0],
            count_fields=["inmss_placements", "ehcps"],
            figure_fields=["share"],
            ratios={"share": ("inmss_placements", "ehcps")},
        )
    ]


BUDGET_MONEY = (
    "budget",
    "spent_to_date",
    "committed",
    "spend_in_year",
    "agreed_not_started",
    "forecast_outturn",
    "variance",
)


@register_report(
    "budget",
    "Budget lines of the FY, then the spend with no budget line: budget, spent to date, "
    "committed, spend in the year, agreed by panel not started, forecast outturn and variance",
    money_fields=BUDGET_MONEY,
)
def budget_report(*, fy: int, as_of: dt.date | None, suppress: bool = False, **_: Any) -> Rows:
    rows = metrics.budget_lines_forecast(
        loader.load_budget_lines(),
        loader.load_placements(),
        loader.load_panel_requests(),
        fy,
        _as_of(fy, as_of),
    )
    shown = _suppressed(rows, suppress, dashboards.BUDGET, "lines")
    return [{key: row[key] for key in ("line", *BUDGET_MONEY)} for row in shown]


@register_report(
    "new-placements",
    "New placements starting in the FY per setting group, in and out of area, and their cost",
    money_fields=("avg_annual_cost", "median_annual_cost"),
)
def new_placements_report(*, fy: int, suppress: bool = False, **_: Any) -> Rows:
    rows = metrics.new_placements(loader.load_placements(), fy, settings.COUNCIL_LA_NAME)
    return _suppressed(rows, suppress, dashboards.NEW_PLACEMENTS, "by_group")
