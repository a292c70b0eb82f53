"""New placements in a FY, in and out of the council's area, and their cost."""

from __future__ import annotations

import pandas as pd

from core import calendar
from placements import rules

from .common import pounds

CONTINUATION = "continuation"


def _new_in(placements: pd.DataFrame, fy: int) -> pd.DataFrame:
    """Placements starting in the FY, continuations of an existing placement left out."""
    if placements.empty:
        return placements
    start, end = calendar.financial_year_bounds(fy)
    starts = placements["start_date"]
    return placements[
        (starts >= pd.Timestamp(start))
        & (starts <= pd.Timestamp(end))
        & (placements["reason"] != CONTINUATION)
    ]


def _la_key(name: pd.Series) -> pd.Series:
    return name.fillna("").astype(str).str.strip().str.casefold()


def new_placements(placements: pd.DataFrame, fy: int, council_la: str) -> list[dict]:
    """Per setting group: new placements starting in the FY; in area (the provider's local
    authority is the council's own) and out of area (another one; a provider with no local
    authority recorded is neither); average and median annual cost of the new placements."""
    new = _new_in(placements, fy)
    if new.empty:
        return []
    la = _la_key(new["provider_la"])
    own = council_la.strip().casefold()
    frame = pd.DataFrame(
        {
            "setting_group": new["group"],
            "in_area": (la == own) & (la != ""),
            "out_of_area": (la != own) & (la != ""),
            "cost": new["cost"],
        }
    )
    grouped = frame.groupby("setting_group").agg(
        new_placements=("cost", "size"),
        in_area=("in_area", "sum"),
        out_of_area=("out_of_area", "sum"),
        avg_annual_cost=("cost", "mean"),
        median_annual_cost=("cost", "median"),
    )
    order = {group: index for index, group in enumerate(rules.SETTING_GROUPS)}
    rows = []
    for group in sorted(grouped.index, key=lambda g: order.get(g, len(order))):
        row = grouped.loc[group]
        rows.append(
            {
                "setting_group": group,
                "new_placements": int(row["new_placements"]),
                "in_area": int(row["in_area"]),
                "out_of_area": int(row["out_of_area"]),
                "avg_annual_cost": pounds(row["avg_annual_cost"]),
                "median_annual_cost": pounds(row["median_annual_cost"]),
            }
        )
    return rows


def new_placements_by_year(placements: pd.DataFrame, years: list[int]) -> list[dict]:
    """Per FY: new placements, new INMSS placements and their average and median annual cost."""
    rows = []
    for fy in years:
        new = _new_in(placements, fy)
        inmss = new[new["group"] == rules.INMSS] if not new.empty else new
        rows.append(
            {
                "financial_year": calendar.financial_year_label(fy),
                "new_placements": len(new),
                "new_inmss_placements": len(inmss),
                "inmss_avg_annual_cost": pounds(inmss["cost"].mean()) if len(inmss) else None,
                "inmss_median_annual_cost": pounds(inmss["cost"].median()) if len(inmss) else None,
            }
        )
    return rows
