"""New placements in a FY, in and out of the council's area, and their cost."""

from __future__ import annotations

from typing import Any

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


def new_placements(
    placements: pd.DataFrame, fy: int, council_la: str, by: tuple[str, ...] = ()
) -> list[dict]:
    """Per setting group: new placements starting in the FY; in area (the provider's local
    authority is the council's own) and out of area (another one; a provider with no local
    authority recorded is neither); average and median annual cost of the new placements.
    `by` names more columns of `placements` to break the rows down by (e.g. `district`), first."""
    new = _new_in(placements, fy)
    if new.empty:
        return []
    la = _la_key(new["provider_la"])
    own = council_la.strip().casefold()
    frame = pd.DataFrame(
        {
            **{key: new[key] for key in by},
            "setting_group": new["group"],
            "in_area": (la == own) & (la != ""),
            "out_of_area": (la != own) & (la != ""),
            "cost": new["cost"],
        }
    )
    keys = [*by, "setting_group"]
    grouped = frame.groupby(keys).agg(
        new_placements=("cost", "size"),
        in_area=("in_area", "sum"),
        out_of_area=("out_of_area", "sum"),
        avg_annual_cost=("cost", "mean"),
        median_annual_cost=("cost", "median"),
    )
    order = {group: index for index, group in enumerate(rules.SETTING_GROUPS)}

    def sort_key(index: Any) -> tuple:
        parts = index if isinstance(index, tuple) else (index,)
        return (*parts[:-1], order.get(parts[-1], len(order)))

    rows = []
    for index in sorted(grouped.index, key=sort_key):
        row = grouped.loc[index]
        parts = index if isinstance(index, tuple) else (index,)
        rows.append(
            {
                **dict(zip(by, parts[:-1], strict=True)),
                "setting_group": parts[-1],
                "new_placements": int(row["new_placements"]),
                "in_area": int(row["in_area"]),
                "out_of_area": int(row["out_of_area"]),
                "avg_annual_cost": pounds(row["avg_annual_cost"]),
                "median_annual_cost": pounds(row["median_annual_cost"]),
            }
        )
    return rows


def _year_row(fy: int, new: pd.DataFrame) -> dict:
    inmss = new[new["group"] == rules.INMSS] if not new.empty else new
    return {
        "financial_year": calendar.financial_year_label(fy),
        "new_placements": len(new),
        "new_inmss_placements": len(inmss),
        "inmss_avg_annual_cost": pounds(inmss["cost"].mean()) if len(inmss) else None,
        "inmss_median_annual_cost": pounds(inmss["cost"].median()) if len(inmss) else None,
    }


def new_placements_by_year(
    placements: pd.DataFrame, years: list[int], by: str | None = None
) -> list[dict]:
    """Per FY: new placements, new INMSS placements and their average and median annual cost.
    With `by` (a column such as `district`), per value of it then FY: every value of the column
    in `placements` has a row for every year, 0 when nothing started."""
    if by is None:
        return [_year_row(fy, _new_in(placements, fy)) for fy in years]
    values = sorted(placements[by].dropna().unique()) if not placements.empty else []
    news = {fy: _new_in(placements, fy) for fy in years}
    parts = {fy: dict(tuple(new.groupby(by))) if not new.empty else {} for fy, new in news.items()}
    rows = []
    for value in values:
        for fy in years:
            new = parts[fy].get(value, news[fy].iloc[0:0])
            rows.append({by: value, **_year_row(fy, new)})
    return rows
