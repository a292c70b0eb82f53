"""The home page's headline figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core import calendar
from placements import rules


def headline(placements: pd.DataFrame, ehcps: pd.DataFrame, as_of: dt.date) -> dict:
    """The home page's figures: INMSS placements and share of EHCPs, their average cost and FY spend."""
    fy = calendar.financial_year_of(as_of)
    fy_start, fy_end = calendar.financial_year_bounds(fy)
    inmss = placements[placements["group"] == rules.INMSS]
    active_inmss = inmss[rules.active_mask(inmss, as_of)]
    active_ehcps = int(rules.active_mask(ehcps, as_of, start="issue_date", end="ceased_date").sum())
    spend = float(rules.cost_in_period_frame(inmss, fy_start, fy_end).sum()) if len(inmss) else 0.0
    count = len(active_inmss)
    return {
        "as_of": as_of.isoformat(),
        "financial_year": fy,
        "inmss_placements": count,
        "ehcps": active_ehcps,
        "inmss_share": round(count / active_ehcps, 4) if active_ehcps else None,
        "inmss_avg_annual_cost": round(float(active_inmss["cost"].mean()), 2) if count else None,
        "inmss_spend_fy": round(spend, 2),
    }
