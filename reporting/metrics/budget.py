"""Budget lines against spend to date, committed spend and the forecast outturn."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd

from core import calendar
from placements import rules

from .common import pounds, spend_between

# A budget line's name says which placements it pays for. Checked in order; first match wins,
# so "Post-16 high needs" is post-16 and only a line named as a total covers every group.
_LINE_KEYWORDS: list[tuple[str, list[str]]] = [
    (r"\binmss\b|non[- ]maintained|independent (and non-maintained )?special", [rules.INMSS]),
    (r"independent mainstream", [rules.INDEPENDENT]),
    (r"maintained special|special school|academy special", [rules.SPECIAL]),
    (r"\bsrp\b|resourced|sen unit", [rules.SRP]),
    (r"post[- ]?16|further education|\bfe\b", [rules.POST16]),
    (r"alternative provision|\bap\b|\bpru\b", [rules.AP]),
    (r"mainstream", [rules.MAINSTREAM]),
    (r"\b(total|all placements)\b", list(rules.SETTING_GROUPS)),
]
FORECAST_REQUEST_TYPES = ("new_placement", "change_of_placement")


def budget_line_groups(line: str) -> list[str]:
    """The setting groups a budget line pays for, from its name (none: spend not linked)."""
    text = line.lower()
    for pattern, groups in _LINE_KEYWORDS:
        if re.search(pattern, text):
            return groups
    return []


def _pending_requests(panel_requests: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Agreed new placements (and changes of placement) not yet recorded as placements, each
    costed from its expected start (the day after `as_of` when that is earlier or unknown)."""
    if panel_requests.empty:
        return panel_requests.assign(start_date=[], end_date=[], cost=[])
    agreed = panel_requests[
        (panel_requests["outcome"] == "agreed")
        & panel_requests["placement_id"].isna()
        & panel_requests["request_type"].isin(FORECAST_REQUEST_TYPES)
        & (
            panel_requests["decided_on"].isna()
            | (panel_requests["decided_on"] <= pd.Timestamp(as_of))
        )
    ]
    tomorrow = pd.Timestamp(as_of + dt.timedelta(days=1))
    requested = agreed["requested_base_cost"].fillna(0.0) + agreed[
        "requested_additional_cost"
    ].fillna(0.0)
    return pd.DataFrame(
        {
            "group": agreed["group"],
            "start_date": agreed["expected_start"].fillna(tomorrow).clip(lower=tomorrow),
            "end_date": pd.Series(pd.NaT, index=agreed.index, dtype="datetime64[ns]"),
            "cost": agreed["agreed_cost"].fillna(requested),
        }
    )


def budget_lines_forecast(
    budget_lines: pd.DataFrame,
    placements: pd.DataFrame,
    panel_requests: pd.DataFrame,
    fy: int,
    as_of: dt.date,
) -> list[dict]:
    """Per budget line of the FY: budget, spend to date (FY start to `as_of`), committed spend
    (the placements recorded, from the day after `as_of` to the FY end), agreed-but-not-started
    panel requests from their expected start, forecast outturn = the three together, and
    variance = forecast outturn − budget (positive: an overspend)."""
    lines = budget_lines[budget_lines["fy"] == fy] if not budget_lines.empty else budget_lines
    if lines.empty:
        return []
    fy_start, fy_end = calendar.financial_year_bounds(fy)
    to_date_end = min(as_of, fy_end)
    rest_start = max(as_of + dt.timedelta(days=1), fy_start)
    frame = placements.assign(
        to_date=spend_between(placements, fy_start, to_date_end),
        committed=spend_between(placements, rest_start, fy_end),
    )
    pending = _pending_requests(panel_requests, as_of)
    pending = pending.assign(pending=spend_between(pending, rest_start, fy_end))
    by_group = frame.groupby("group")[["to_date", "committed"]].sum()
    pending_by_group = pending.groupby("group")["pending"].sum()
    rows = []
    for line in lines.sort_values("line").itertuples(index=False):
        groups = budget_line_groups(line.line)
        linked = bool(groups)
        to_date = float(by_group.reindex(groups)["to_date"].sum()) if linked else None
        committed = float(by_group.reindex(groups)["committed"].sum()) if linked else None
        agreed = float(pending_by_group.reindex(groups).sum()) if linked else None
        outturn = (to_date or 0.0) + (committed or 0.0) + (agreed or 0.0) if linked else None
        rows.append(
            {
                "line": line.line,
                "budget": pounds(line.budget),
                "spend_to_date": pounds(to_date),
                "committed": pounds(committed),
                "agreed_not_started": pounds(agreed),
                "forecast_outturn": pounds(outturn),
                "variance": pounds(outturn - float(line.budget)) if outturn is not None else None,
            }
        )
    return rows


def total_forecast(lines: list[dict]) -> float | None:
    """The forecast outturn of every budget line with spend linked, together (None: none)."""
    linked = [row for row in lines if row["forecast_outturn"] is not None]
    return round(float(sum(row["forecast_outturn"] for row in linked)), 2) if linked else None


def _month_ends(start: dt.date, before: dt.date) -> list[dt.date]:
    """The last day of each month from `start`'s month to the month before `before`'s."""
    ends = []
    first = start.replace(day=1)
    while first < before.replace(day=1):
        following = (first + dt.timedelta(days=32)).replace(day=1)
        ends.append(following - dt.timedelta(days=1))
        first = following
    return ends


def forecast_by_month(
    history: pd.DataFrame,
    fy: int,
    as_of: dt.date,
    current: float | None,
    worked_out: Callable[[dt.date], float | None] | None = None,
) -> list[dict]:
    """How the forecast outturn moved: per month of the FY up to `as_of`, the last forecast a
    stored Budget snapshot gave in that month (this recompute's figure for `as_of`'s month).
    A month no snapshot was stored in (before the first recompute, or a fresh demo) has, given
    `worked_out`, the forecast it gives as of the month's last day."""
    fy_start, _ = calendar.financial_year_bounds(fy)
    rows: dict[str, float | None] = {}
    if not history.empty:
        earlier = history[
            (history["fy"] == fy)
            & (history["as_of"] >= pd.Timestamp(fy_start))
            & (history["as_of"] < pd.Timestamp(as_of))
        ].sort_values("as_of")
        for stamp, forecast in zip(earlier["as_of"], earlier["forecast"], strict=True):
            rows[stamp.strftime("%Y-%m")] = forecast
    if worked_out is not None:
        for month_end in _month_ends(fy_start, as_of):
            if month_end.strftime("%Y-%m") not in rows:
                rows[month_end.strftime("%Y-%m")] = worked_out(month_end)
    if as_of >= fy_start:
        rows[as_of.strftime("%Y-%m")] = current
    return [{"month": month, "forecast_outturn": value} for month, value in sorted(rows.items())]
