"""Helpers every metric shares: the child's need and district, activity, FY spend, tidy output."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from core import calendar, money
from placements import rules


def child_primary_need(ehcps: pd.DataFrame) -> pd.DataFrame:
    """Each child's primary need, from their latest EHCP (by request date, then issue date)."""
    if ehcps.empty:
        return pd.DataFrame(columns=["child_id", "need"])
    ordered = ehcps.assign(
        _key=ehcps["request_date"].fillna(ehcps["issue_date"]).fillna(pd.Timestamp.min)
    ).sort_values(["child_id", "_key"], kind="stable")
    return ordered.groupby("child_id", as_index=False).last()[["child_id", "need"]]


def add_child_details(
    placements: pd.DataFrame, ehcps: pd.DataFrame, children: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Placements with the child's primary `need` (None when no EHCP records one) and, given the
    children, their `district` and `date_of_birth`."""
    needs = child_primary_need(ehcps)
    # One key type whatever the frames hold (an empty frame's column has no numbers to infer from).
    frame = placements.assign(child_id=placements["child_id"].astype(float)).merge(
        needs.assign(child_id=needs["child_id"].astype(float)), on="child_id", how="left"
    )
    frame["need"] = frame["need"].astype(object).where(frame["need"].notna(), None)
    if children is not None:
        details = children[["child_id", "district", "date_of_birth"]]
        frame = frame.merge(
            details.assign(child_id=details["child_id"].astype(float)), on="child_id", how="left"
        )
        frame["district"] = frame["district"].fillna("")
    return frame


def add_district(frame: pd.DataFrame, children: pd.DataFrame) -> pd.DataFrame:
    """`frame` (placements or EHCPs, with `child_id`) with the child's `district` ("" when not
    recorded)."""
    details = children[["child_id", "district"]]
    merged = frame.assign(child_id=frame["child_id"].astype(float)).merge(
        details.assign(child_id=details["child_id"].astype(float)), on="child_id", how="left"
    )
    merged["district"] = merged["district"].fillna("").astype(str)
    return merged


def with_key_categories(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`frame` with the text `columns` it is grouped by held as categories ("" for none): a
    metric that groups a million rows ten times then hashes each string once, not ten times."""
    return frame.assign(
        **{
            column: frame[column].astype(object).where(frame[column].notna(), "").astype("category")
            for column in columns
            if column in frame
        }
    )


def text_key(series: pd.Series) -> pd.Series:
    """A text column to group by: "" for none; categories (see `with_key_categories`) kept."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    return series.fillna("").astype(str)


def active(frame: pd.DataFrame, on: dt.date) -> pd.Series:
    if frame.empty:
        return pd.Series(False, index=frame.index)
    return rules.active_mask(frame, on)


def fy_spend(frame: pd.DataFrame, fy: int) -> pd.Series:
    """Each placement's cost in the whole FY (DESIGN §3), as float pounds."""
    if frame.empty:
        return pd.Series(0.0, index=frame.index)
    start, end = calendar.financial_year_bounds(fy)
    return rules.cost_in_period_frame(frame, start, end)


def spend_between(frame: pd.DataFrame, start: dt.date, end: dt.date) -> pd.Series:
    if frame.empty or end < start:
        return pd.Series(0.0, index=frame.index)
    return rules.cost_in_period_frame(frame, start, end)


def children_covered(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per group of `keys`: the children behind it, each once, counting every child whose
    placement carries spend (`spend` > 0) or is active (`placements` > 0), ended placements
    included: the number that decides whether the group is small (docs/security.md)."""
    covered = frame[(frame["spend"] > 0) | (frame["placements"] > 0)]
    return covered.groupby(keys, observed=True)["child_id"].nunique().rename("children")


def pounds(value: Any) -> float | None:
    """Money rounded half-up to pence, once, at output; None for a missing figure."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(money.round_money(value))


def share(part: float, whole: float, places: int = 4) -> float | None:
    return round(part / whole, places) if whole else None


def whole(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain rows for JSON: NaN and NaT become None, numpy numbers become Python numbers."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value
