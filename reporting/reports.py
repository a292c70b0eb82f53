"""Reporting's `report` names (found by `core.registry.autodiscover`).

Each report computes from the same pure metric functions the dashboards use, on frames the
loader reads now (not from stored snapshots). `--fy 2024` is 1 April 2024 – 31 March 2025;
`--as-of` defaults to the end of that year; figures are unsuppressed unless `--suppress`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from core import calendar, disclosure
from core.registry import register_report

from . import loader, metrics

Rows = list[dict[str, Any]]


def _as_of(fy: int, as_of: dt.date | None) -> dt.date:
    return as_of or calendar.financial_year_bounds(fy)[1]


def _suppressed(rows: Rows, suppress: bool, counts: list[str], figures: list[str]) -> Rows:
    if not suppress:
        return rows
    return disclosure.suppress_rows(rows, count_fields=counts, figure_fields=figures)


@register_report(
    "spend",
    "Placements active on the as-of date, spend in the year and average annual cost per need × setting group",
    money_fields=("spend", "avg_annual_cost"),
)
def spend_report(*, fy: int, as_of: dt.date | None, suppress: bool = False, **_: Any) -> Rows:
    placements = metrics.add_child_details(loader.load_placements(), loader.load_ehcps())
    rows = metrics.spend_by_need_and_group(placements, fy, _as_of(fy, as_of))
    return _suppressed(rows, suppress, ["placements"], ["spend", "avg_annual_cost"])


@register_report(
    "concentration",
    "Top N INMSS providers by spend in the year, with placements, average cost and share of INMSS spend",
    money_fields=("spend", "avg_annual_cost"),
)
def concentration_report(
    *, fy: int, as_of: dt.date | None, top: int = 10, suppress: bool = False, **_: Any
) -> Rows:
    rows = metrics.concentration(loader.load_placements(), fy, _as_of(fy, as_of), top)
    return _suppressed(rows, suppress, ["placements"], ["spend", "avg_annual_cost", "share"])


@register_report("ncy", "Placements active on the as-of date per NCY and setting group")
def ncy_report(*, fy: int, as_of: dt.date | None, suppress: bool = False, **_: Any) -> Rows:
    placements = metrics.add_child_details(
        loader.load_placements(), loader.load_ehcps(), loader.load_children()
    )
    rows = [
        {"ncy": row["ncy"], "setting_group": row["setting_group"], "placements": row["placements"]}
        for row in metrics.ncy_breakdown(placements, _as_of(fy, as_of), fy)
        if row["placements"]
    ]
    return _suppressed(rows, suppress, ["placements"], [])


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
    return _suppressed(rows, suppress, ["inmss_placements", "ehcps"], ["share"])


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
def budget_report(*, fy: int, as_of: dt.date | None, **_: Any) -> Rows:
    rows = metrics.budget_lines_forecast(
        loader.load_budget_lines(),
        loader.load_placements(),
        loader.load_panel_requests(),
        fy,
        _as_of(fy, as_of),
    )
    return [{key: row[key] for key in ("line", *BUDGET_MONEY)} for row in rows]


@register_report(
    "new-placements",
    "New placements starting in the FY per setting group, in and out of area, and their cost",
    money_fields=("avg_annual_cost", "median_annual_cost"),
)
def new_placements_report(*, fy: int, suppress: bool = False, **_: Any) -> Rows:
    rows = metrics.new_placements(loader.load_placements(), fy, settings.COUNCIL_LA_NAME)
    return _suppressed(
        rows,
        suppress,
        ["new_placements", "in_area", "out_of_area"],
        ["avg_annual_cost", "median_annual_cost"],
    )
