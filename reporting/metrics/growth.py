"""INMSS share of EHCPs over time, growth against special schools, EHCP 20-week timeliness."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.disclosure import SUPPRESSED
from placements import rules

from .common import active, share

TWENTY_WEEKS_DAYS = 140


def inmss_share(placements: pd.DataFrame, ehcps: pd.DataFrame, as_of: dt.date) -> dict:
    """Active INMSS placements ÷ active EHCPs (issue date to ceased date) on `as_of`, 4 dp."""
    inmss = placements[placements["group"] == rules.INMSS]
    count = int(active(inmss, as_of).sum())
    plans = (
        int(rules.active_mask(ehcps, as_of, start="issue_date", end="ceased_date").sum())
        if not ehcps.empty
        else 0
    )
    return {"inmss_placements": count, "ehcps": plans, "share": share(count, plans)}


def inmss_share_over_time(
    placements: pd.DataFrame, ehcps: pd.DataFrame, dates: list[dt.date]
) -> list[dict]:
    return [{"date": day.isoformat(), **inmss_share(placements, ehcps, day)} for day in dates]


def _counts(frame: pd.DataFrame, by: str, day: dt.date, **ends: str) -> pd.Series:
    """How many rows of `frame` are active on `day`, per value of the column `by`."""
    if frame.empty:
        return pd.Series(dtype=int)
    mask = rules.active_mask(frame, day, **ends) if ends else active(frame, day)
    return frame.loc[mask, by].value_counts()


def inmss_share_over_time_by(
    placements: pd.DataFrame, ehcps: pd.DataFrame, dates: list[dt.date], by: str
) -> list[dict]:
    """`inmss_share_over_time` per value of the column `by` (e.g. `district`) that both frames
    carry: a row for every value and date, values first."""
    inmss = placements[placements["group"] == rules.INMSS]
    values = sorted(set(placements[by].dropna().unique()) | set(ehcps[by].dropna().unique()))
    per_day = [
        (
            day,
            _counts(inmss, by, day),
            _counts(ehcps, by, day, start="issue_date", end="ceased_date"),
        )
        for day in dates
    ]
    rows = []
    for value in values:
        for day, counts, plans in per_day:
            count, total = int(counts.get(value, 0)), int(plans.get(value, 0))
            rows.append(
                {
                    by: value,
                    "date": day.isoformat(),
                    "inmss_placements": count,
                    "ehcps": total,
                    "share": share(count, total),
                }
            )
    return rows


def growth_since_by(placements: pd.DataFrame, dates: list[dt.date], by: str) -> list[dict]:
    """`growth_since` per value of the column `by` (e.g. `district`), values first."""
    inmss = placements[placements["group"] == rules.INMSS]
    special = placements[placements["group"] == rules.SPECIAL]
    values = sorted(set(inmss[by].dropna().unique()) | set(special[by].dropna().unique()))
    per_day = [(day, _counts(inmss, by, day), _counts(special, by, day)) for day in dates]
    return [
        {
            by: value,
            "date": day.isoformat(),
            "inmss_placements": int(a.get(value, 0)),
            "special_placements": int(b.get(value, 0)),
        }
        for value in values
        for day, a, b in per_day
    ]


def growth_since(placements: pd.DataFrame, dates: list[dt.date]) -> list[dict]:
    """Active INMSS and maintained special placements (the special school places the council
    uses) on each date; `rebase` turns them into indices against a chosen base date."""
    inmss = placements[placements["group"] == rules.INMSS]
    special = placements[placements["group"] == rules.SPECIAL]
    return [
        {
            "date": day.isoformat(),
            "inmss_placements": int(active(inmss, day).sum()),
            "special_placements": int(active(special, day).sum()),
        }
        for day in dates
    ]


def rebase(rows: list[dict], base_date: str) -> list[dict]:
    """Growth as an index (base date = 100) for each series; None where the base is 0, `c`
    where the count or its base is hidden (`c`)."""
    base = next((row for row in rows if row["date"] == base_date), None)
    result = []
    for row in rows:
        out = dict(row)
        for key in ("inmss", "special"):
            start = base[f"{key}_placements"] if base else 0
            count = row[f"{key}_placements"]
            if SUPPRESSED in (start, count):  # people without casework: from the figures shown
                out[f"{key}_index"] = SUPPRESSED if row["date"] >= base_date else None
                continue
            out[f"{key}_index"] = (
                round(100 * count / start, 1) if start and row["date"] >= base_date else None
            )
        result.append(out)
    return result


def ehcp_timeliness(ehcps: pd.DataFrame) -> list[dict]:
    """Per calendar year of issue: new plans issued (with a request date), those under the
    exception, and the percent issued within 20 weeks of the request, exceptions excluded."""
    if ehcps.empty:
        return []
    issued = ehcps.dropna(subset=["issue_date", "request_date"])
    if issued.empty:
        return []
    frame = pd.DataFrame(
        {
            "year": issued["issue_date"].dt.year,
            "exception": issued["week20_exception"].astype(bool),
            "within": (issued["issue_date"] - issued["request_date"]).dt.days <= TWENTY_WEEKS_DAYS,
        }
    )
    rows = []
    for year, group in frame.groupby("year"):
        counted = group[~group["exception"]]
        within = int(counted["within"].sum())
        rows.append(
            {
                "year": int(year),
                "issued": len(group),
                "exceptions": int(group["exception"].sum()),
                "within_20_weeks": within,
                "percent_within_20_weeks": round(100 * within / len(counted), 1)
                if len(counted)
                else None,
            }
        )
    return rows
