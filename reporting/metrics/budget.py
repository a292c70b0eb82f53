"""Budget lines against spent to date, committed, spend in the year and the forecast outturn
(docs/definitions.md, "Names of the money figures")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd

from core import calendar
from placements import rules

from .common import fy_spend, pounds, spend_between, text_key

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


NO_BUDGET_LINE = "Spend with no budget line"


def _group_names(groups: list[str]) -> str:
    labels = dict(rules.SETTING_GROUP_CHOICES)
    return ", ".join(labels.get(group, "setting group not recorded") for group in groups)


def _spend_by_group(
    placements: pd.DataFrame, panel_requests: pd.DataFrame, fy: int, as_of: dt.date
) -> pd.DataFrame:
    """Per setting group ("" when not recorded): spend in the year (the same function as the
    Spend dashboard's), spent to date, committed (the rest of the spend in the year) and agreed
    by panel, not started."""
    fy_start, fy_end = calendar.financial_year_bounds(fy)
    rest_start = max(as_of + dt.timedelta(days=1), fy_start)
    in_year = fy_spend(placements, fy)
    frame = pd.DataFrame(
        {
            "group": text_key(placements["group"]),
            "spend_in_year": in_year,
            "spent_to_date": in_year - spend_between(placements, rest_start, fy_end),
        }
    )
    frame["committed"] = frame["spend_in_year"] - frame["spent_to_date"]
    by_group = frame.groupby("group", observed=True)[
        ["spent_to_date", "committed", "spend_in_year"]
    ].sum()
    by_group.index = by_group.index.astype(str)
    pending = _pending_requests(panel_requests, as_of)
    if pending.empty:
        return by_group.assign(agreed_not_started=0.0)
    agreed = (
        pd.DataFrame(
            {
                "group": text_key(pending["group"]).astype(str),
                "agreed_not_started": spend_between(pending, rest_start, fy_end),
            }
        )
        .groupby("group")["agreed_not_started"]
        .sum()
    )
    return by_group.join(agreed, how="outer").fillna(0.0)


def _row(line: str, budget: float | None, sums: pd.DataFrame, groups: list[str]) -> dict:
    picked = sums.reindex(groups).fillna(0.0)
    spent, committed, in_year, agreed = (
        float(picked[key].sum())
        for key in ("spent_to_date", "committed", "spend_in_year", "agreed_not_started")
    )
    outturn = in_year + agreed
    return {
        "line": line,
        "budget": pounds(budget),
        "spent_to_date": pounds(spent),
        "committed": pounds(committed),
        "spend_in_year": pounds(in_year),
        "agreed_not_started": pounds(agreed),
        "forecast_outturn": pounds(outturn),
        "variance": pounds(outturn - budget) if budget is not None else None,
    }


def _unlinked_row() -> dict:
    return {
        key: None
        for key in (
            "spent_to_date",
            "committed",
            "spend_in_year",
            "agreed_not_started",
            "forecast_outturn",
            "variance",
        )
    }


def budget_lines_forecast(
    budget_lines: pd.DataFrame,
    placements: pd.DataFrame,
    panel_requests: pd.DataFrame,
    fy: int,
    as_of: dt.date,
) -> list[dict]:
    """Per budget line of the FY: budget, spent to date (FY start to `as_of`), committed (the
    placements recorded, from the day after `as_of` to the FY end), spend in the year (the two
    together), agreed by panel, not started (from the expected start), forecast outturn (spend in
    the year + agreed by panel, not started) and variance (forecast outturn − budget, positive:
    an overspend). Then one row, "Spend with no budget line", for the setting groups no line of
    the year pays for, naming them: the lines' spend in the year and that row's together is the
    Spend dashboard's spend in the year (`budget_totals`). No row when every group with spend has a line."""
    lines = budget_lines[budget_lines["fy"] == fy] if not budget_lines.empty else budget_lines
    sums = _spend_by_group(placements, panel_requests, fy, as_of)
    rows: list[dict] = []
    covered: set[str] = set()
    for line in (lines.sort_values("line") if len(lines) else lines).itertuples(index=False):
        groups = budget_line_groups(line.line)
        covered.update(groups)
        if groups:
            rows.append(_row(line.line, float(line.budget), sums, groups))
        else:
            rows.append({"line": line.line, "budget": pounds(line.budget), **_unlinked_row()})
    uncovered = [
        group
        for group in [*rules.SETTING_GROUPS, *sorted(sums.index)]
        if group not in covered and group in sums.index
    ]
    uncovered = list(dict.fromkeys(uncovered))
    if uncovered and float(sums.loc[uncovered].abs().to_numpy().sum()) > 0:
        rows.append(_row(f"{NO_BUDGET_LINE} ({_group_names(uncovered)})", None, sums, uncovered))
    return rows


def budget_totals(
    budget_lines: pd.DataFrame,
    placements: pd.DataFrame,
    panel_requests: pd.DataFrame,
    fy: int,
    as_of: dt.date,
) -> dict[str, float | None]:
    """The Budget dashboard's headline: the budget of every line of the FY, and spent to date,
    spend in the year and forecast outturn over every placement once (with or without a budget
    line; a placement two lines cover counts once), variance = forecast outturn − budget.
    Spend in the year is the Spend dashboard's spend in the year, from the same function."""
    lines = budget_lines[budget_lines["fy"] == fy] if not budget_lines.empty else budget_lines
    sums = _spend_by_group(placements, panel_requests, fy, as_of)
    total = _row("", float(lines["budget"].sum()) if len(lines) else None, sums, list(sums.index))
    return {
        key: total[key]
        for key in ("budget", "spent_to_date", "spend_in_year", "forecast_outturn", "variance")
    }


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
