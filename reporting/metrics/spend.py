"""Spend by need and setting group, INMSS against maintained special, and by NCY."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core import calendar
from placements import rules

from .common import active, children_covered, fy_spend, pounds, records, text_key

SPEND_COLUMNS = ["need", "setting_group", "children", "placements", "spend", "avg_annual_cost"]


def spend_by_need_and_group(
    placements: pd.DataFrame, fy: int, as_of: dt.date, by: tuple[str, ...] = ()
) -> list[dict]:
    """One row per need × setting group with spend in the FY or a placement active on `as_of`:
    the children behind the row (`children_covered`), placements active on `as_of`, spend in the FY, average annual cost over the active ones
    (None when none). `placements` carries `need` (see `add_child_details`); `by` names more
    columns of `placements` to break the rows down by (e.g. `district`), first."""
    if placements.empty:
        return []
    frame = pd.DataFrame(
        {
            **{key: placements[key] for key in by},
            "need": text_key(placements["need"]),
            "setting_group": text_key(placements["group"]),
            "spend": fy_spend(placements, fy),
            "child_id": placements["child_id"],
        }
    )
    is_active = active(placements, as_of)
    frame["placements"] = is_active.astype(int)
    frame["active_cost"] = placements["cost"].where(is_active, 0.0)
    keys = [*by, "need", "setting_group"]
    grouped = frame.groupby(keys, as_index=False, observed=True)[
        ["placements", "spend", "active_cost"]
    ].sum()
    grouped = grouped[(grouped["spend"] > 0) | (grouped["placements"] > 0)]
    grouped = grouped.merge(children_covered(frame, keys).reset_index(), on=keys, how="left")
    rows = []
    for row in grouped.sort_values(keys).itertuples(index=False):
        rows.append(
            {
                **{key: getattr(row, key) for key in by},
                "need": row.need or None,
                "setting_group": row.setting_group,
                "children": int(row.children),
                "placements": int(row.placements),
                "spend": pounds(row.spend),
                "avg_annual_cost": pounds(row.active_cost / row.placements)
                if row.placements
                else None,
            }
        )
    return rows


def cost_by_need_inmss_vs_special(placements: pd.DataFrame, as_of: dt.date) -> list[dict]:
    """Per need: active INMSS and maintained special placements and their average annual cost."""
    if placements.empty:
        return []
    current = placements[active(placements, as_of)]
    current = current[current["group"].isin([rules.INMSS, rules.SPECIAL])]
    if current.empty:
        return []
    table = current.assign(need=current["need"].fillna("").astype(str)).pivot_table(
        index="need", columns="group", values="cost", aggfunc=["count", "mean"], fill_value=None
    )
    rows = []
    for need in sorted(table.index):
        row = {"need": need or None}
        for group, prefix in ((rules.INMSS, "inmss"), (rules.SPECIAL, "special")):
            count = table.get(("count", group), pd.Series(dtype=float)).get(need)
            mean = table.get(("mean", group), pd.Series(dtype=float)).get(need)
            count = int(count) if count is not None and count == count else 0
            row[f"{prefix}_placements"] = count
            row[f"{prefix}_avg_annual_cost"] = pounds(mean) if count else None
        rows.append(row)
    return rows


def ncy_breakdown(
    placements: pd.DataFrame, as_of: dt.date, fy: int | None = None, by: tuple[str, ...] = ()
) -> list[dict]:
    """Placements active on `as_of` per NCY (in the AY containing `as_of`) and setting group,
    with their spend in the FY (default: the FY containing `as_of`). `placements` carries
    `date_of_birth`. Rows with neither an active placement nor spend are left out. `by` names
    more columns of `placements` to break the rows down by (e.g. `district`), first."""
    if placements.empty:
        return []
    fy = calendar.financial_year_of(as_of) if fy is None else fy
    ay = calendar.academic_year_of(as_of)
    frame = pd.DataFrame(
        {
            **{key: placements[key] for key in by},
            "ncy": rules.ncy_frame(placements["date_of_birth"], ay),
            "setting_group": text_key(placements["group"]),
            "placements": active(placements, as_of).astype(int),
            "spend": fy_spend(placements, fy),
            "child_id": placements["child_id"],
        }
    ).dropna(subset=["ncy"])
    keys = [*by, "ncy", "setting_group"]
    grouped = frame.groupby(keys, as_index=False, observed=True)[["placements", "spend"]].sum()
    grouped = grouped[(grouped["placements"] > 0) | (grouped["spend"] > 0)]
    grouped = grouped.merge(children_covered(frame, keys).reset_index(), on=keys, how="left")
    grouped = grouped.sort_values(keys)
    grouped["spend"] = grouped["spend"].map(pounds)
    grouped["ncy"] = grouped["ncy"].astype(int)
    grouped["children"] = grouped["children"].astype(int)
    return records(grouped[[*keys, "children", "placements", "spend"]])
