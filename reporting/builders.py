"""Each dashboard's snapshot, built from the loader's frames by the pure metric functions.

Pure: frames and dates in, a JSON-ready dict out. Tables marked `per_year` are stored for each
of the recent financial years (the page's year filter picks one); the rest once, as of the
snapshot date. A past year's "active" figures are as of that year's last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from core import calendar
from placements import rules

from . import metrics
from .loader import Frames

YEARS_KEPT = 5
TOP_KEPT = 100

Data = dict[str, Any]


def recent_years(as_of: dt.date) -> list[int]:
    fy = calendar.financial_year_of(as_of)
    return list(range(fy - YEARS_KEPT + 1, fy + 1))


def active_on(fy: int, as_of: dt.date) -> dt.date:
    """Placements active on the as-of date, or on the year's last day for a past year."""
    return min(as_of, calendar.financial_year_bounds(fy)[1])


def _total(rows: list[dict], key: str) -> float:
    return float(sum(row[key] or 0 for row in rows))


def _districts(frame: pd.DataFrame) -> list[str]:
    """The districts recorded on a frame carrying `district` (the district filter's choices)."""
    return sorted(d for d in frame["district"].unique() if d) if len(frame) else []


def _everyone(rows: list[dict]) -> list[dict]:
    """Rows for every district together: `district` is ""."""
    return [{"district": "", **row} for row in rows]


def _known(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose district is recorded (a row with none counts only in "every district")."""
    return frame[frame["district"] != ""]


def _base(as_of: dt.date, years: list[int]) -> Data:
    return {
        "as_of": as_of.isoformat(),
        "financial_year": calendar.financial_year_of(as_of),
        "years": years,
        "by_year": {},
        "figures": {},
        "tables": {},
    }


def build_budget(frames: Frames, as_of: dt.date) -> Data:
    fy_now = calendar.financial_year_of(as_of)
    budget_years = (
        {int(y) for y in frames.budget_lines["fy"].dropna()}
        if not frames.budget_lines.empty
        else set()
    )
    years = sorted({y for y in budget_years if y <= fy_now + 1} | {fy_now})
    data = _base(as_of, years)
    for fy in years:
        args = (frames.budget_lines, frames.placements, frames.panel_requests, fy, as_of)
        lines = metrics.budget_lines_forecast(*args)
        totals = metrics.budget_totals(*args)
        forecast = totals["forecast_outturn"]

        def forecast_on(day: dt.date, fy: int = fy) -> float | None:
            return metrics.budget_totals(
                frames.budget_lines, frames.placements, frames.panel_requests, fy, day
            )["forecast_outturn"]

        movement = metrics.forecast_by_month(
            frames.budget_history, fy, as_of, forecast, worked_out=forecast_on
        )
        data["by_year"][str(fy)] = {
            "figures": totals,
            "tables": {"lines": lines, "movement": movement},
        }
        if fy == fy_now:
            data["forecast_total"] = forecast
    return data


def spend_rows(placements: pd.DataFrame, fy: int, on: dt.date) -> list[dict]:
    """The Spend table by need and setting group: every district together (`district` ""),
    then each district where the child's is recorded."""
    everyone = metrics.spend_by_need_and_group(placements, fy, on)
    known = _known(placements)
    by_district = (
        metrics.spend_by_need_and_group(known, fy, on, by=("district",))
        if _districts(placements)
        else []
    )
    return _everyone(everyone) + by_district


def build_spend(frames: Frames, as_of: dt.date) -> Data:
    years = recent_years(as_of)
    data = _base(as_of, years)
    placements = frames.placements_detailed
    districts = _districts(placements)
    data["districts"] = districts
    known = _known(placements)
    for fy in years:
        on = active_on(fy, as_of)
        rows = spend_rows(placements, fy, on)
        everyone = [row for row in rows if not row["district"]]
        count = sum(row["placements"] for row in everyone)
        active_cost = sum((row["avg_annual_cost"] or 0) * row["placements"] for row in everyone)
        inmss = [row for row in everyone if row["setting_group"] == rules.INMSS]
        data["by_year"][str(fy)] = {
            "figures": {
                "spend": round(_total(everyone, "spend"), 2),
                "placements": count,
                "avg_annual_cost": round(active_cost / count, 2) if count else None,
                "inmss_placements": sum(row["placements"] for row in inmss),
            },
            "tables": {
                "need_group": rows,
                "inmss_vs_special": metrics.cost_by_need_inmss_vs_special(placements, on),
                # Not per district: NCY × setting group is about 100 rows a district a year
                # (measured on the kent-size demo), more than the spend table itself.
                "ncy": metrics.ncy_breakdown(placements, on, fy),
            },
        }
    new_by_year = _everyone(metrics.new_placements_by_year(placements, years))
    if districts:
        new_by_year += metrics.new_placements_by_year(known, years, by="district")
    data["tables"]["new_by_year"] = new_by_year
    return data


def build_providers(frames: Frames, as_of: dt.date) -> Data:
    years = recent_years(as_of)
    data = _base(as_of, years)
    for fy in years:
        ranked = metrics.concentration(frames.placements, fy, active_on(fy, as_of), 10**9)
        data["by_year"][str(fy)] = {
            "figures": {
                "inmss_spend": round(_total(ranked, "spend"), 2),
                "providers": len(ranked),
            },
            "tables": {"concentration": ranked[:TOP_KEPT]},
        }
    data["tables"]["block_contracts"] = metrics.block_contract_utilisation(
        frames.block_contracts, frames.placements, as_of
    )
    data["tables"]["savings"] = metrics.negotiation_savings(frames.uplifts, frames.placements)
    return data


def growth_dates(frames: Frames, as_of: dt.date) -> list[dt.date]:
    """31 March of each year since the first placement (at most 10 years back), and as-of."""
    first = frames.placements["start_date"].min() if len(frames.placements) else pd.NaT
    fy_now = calendar.financial_year_of(as_of)
    start = (
        fy_now - 10
        if pd.isna(first)
        else max(fy_now - 10, calendar.financial_year_of(first.date()))
    )
    dates = [calendar.financial_year_bounds(fy)[1] for fy in range(start, fy_now)]
    return [*[d for d in dates if d < as_of], as_of]


def build_growth(frames: Frames, as_of: dt.date) -> Data:
    data = _base(as_of, [])
    dates = growth_dates(frames, as_of)
    shares = metrics.inmss_share_over_time(frames.placements, frames.ehcps, dates)
    placements = frames.placements_detailed
    ehcps = frames.ehcps_with_district
    districts = sorted(set(_districts(placements)) | set(_districts(ehcps)))
    data["districts"] = districts
    share_rows = _everyone(shares)
    growth_rows = _everyone(metrics.growth_since(frames.placements, dates))
    if districts:
        share_rows += metrics.inmss_share_over_time_by(
            _known(placements), _known(ehcps), dates, "district"
        )
        growth_rows += metrics.growth_since_by(_known(placements), dates, "district")
    timeliness = metrics.ehcp_timeliness(frames.ehcps)
    latest = shares[-1]
    last_year = timeliness[-1] if timeliness else {}
    data["figures"] = {
        "share": latest["share"],
        "inmss_placements": latest["inmss_placements"],
        "ehcps": latest["ehcps"],
        "percent_within_20_weeks": last_year.get("percent_within_20_weeks"),
        "issued": last_year.get("issued"),
    }
    data["tables"] = {
        "share_over_time": share_rows,
        "growth": growth_rows,
        "timeliness": timeliness,
    }
    return data


def _timeline(frames: Frames, fy: int) -> list[dict]:
    return metrics.placement_timeline(
        frames.placements, frames.panel_requests, frames.consultations, fy
    )


def build_new_placements(frames: Frames, as_of: dt.date, council_la: str) -> Data:
    years = recent_years(as_of)
    data = _base(as_of, years)
    placements = frames.placements_detailed
    districts = _districts(placements)
    data["districts"] = districts
    known = _known(placements)
    for fy in years:
        groups = metrics.new_placements(frames.placements, fy, council_la)
        by_group = _everyone(groups)
        if districts:
            by_group += metrics.new_placements(known, fy, council_la, by=("district",))
        timeline = _timeline(frames, fy)
        overall = next((row for row in timeline if row["setting_group"] == "all"), {})
        inmss = next((row for row in groups if row["setting_group"] == rules.INMSS), {})
        data["by_year"][str(fy)] = {
            "figures": {
                "new_placements": sum(row["new_placements"] for row in groups),
                "out_of_area": sum(row["out_of_area"] for row in groups),
                "inmss_new": inmss.get("new_placements", 0),
                "inmss_avg_annual_cost": inmss.get("avg_annual_cost"),
                "inmss_median_annual_cost": inmss.get("median_annual_cost"),
                "median_days_approval_to_offer": overall.get("median_days_approval_to_offer"),
                "with_approval_and_offer": overall.get("with_approval_and_offer", 0),
                "median_days_offer_to_start": overall.get("median_days_offer_to_start"),
                "with_offer": overall.get("with_offer", 0),
            },
            "tables": {"by_group": by_group, "timeline": timeline},
        }
    return data


def build_casework(frames: Frames, as_of: dt.date) -> Data:
    years = recent_years(as_of)
    data = _base(as_of, years)
    for fy in years:
        totals, months = metrics.consultation_timeliness(frames.consultations, fy, as_of)
        data["by_year"][str(fy)] = {
            "figures": totals,
            "tables": {"months": months, "timeline": _timeline(frames, fy)},
        }
    return data


def builders(council_la: str) -> dict[str, Callable[[Frames, dt.date], Data]]:
    return {
        "budget": build_budget,
        "spend": build_spend,
        "providers": build_providers,
        "growth": build_growth,
        "new-placements": lambda frames, as_of: build_new_placements(frames, as_of, council_la),
        "casework": build_casework,
    }
