"""Consultation timeliness and the days from panel approval to offer and from offer to start."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core import calendar
from placements import rules

ANSWERED = ("offer", "decline")


def _summary(frame: pd.DataFrame, today: dt.date) -> dict:
    answered = frame[frame["response"].isin(ANSWERED)]
    days = (answered["responded_on"] - answered["sent_on"]).dt.days.dropna()
    awaiting = frame["response"] == "awaiting"
    overdue = (awaiting & (frame["due_on"] < pd.Timestamp(today))) | (
        frame["response"].isin(ANSWERED) & (frame["responded_on"] > frame["due_on"])
    )
    return {
        "consulted": len(frame),
        "offers": int((frame["response"] == "offer").sum()),
        "declines": int((frame["response"] == "decline").sum()),
        "awaiting": int(awaiting.sum()),
        "overdue": int(overdue.sum()),
        "avg_response_days": round(float(days.mean()), 1) if len(days) else None,
        "median_response_days": round(float(days.median()), 1) if len(days) else None,
    }


def consultation_timeliness(
    consultations: pd.DataFrame, fy: int, today: dt.date
) -> tuple[dict, list[dict]]:
    """Consultations sent in the FY: the totals, and the same per month sent. Offers and
    declines by response; response days over offers and declines; overdue = awaiting past its
    due date as of `today`, or answered after its due date."""
    start, end = calendar.financial_year_bounds(fy)
    if consultations.empty:
        return _summary(consultations, today), []
    sent = consultations[
        (consultations["sent_on"] >= pd.Timestamp(start))
        & (consultations["sent_on"] <= pd.Timestamp(end))
    ]
    months = sent["sent_on"].dt.strftime("%Y-%m")
    rows = [
        {"month": month, **_summary(group, today)}
        for month, group in sent.groupby(months, sort=True)
    ]
    return _summary(sent, today), rows


def placement_timeline(
    placements: pd.DataFrame,
    panel_requests: pd.DataFrame,
    consultations: pd.DataFrame,
    fy: int,
) -> list[dict]:
    """For placements starting in the FY, per setting group (and `all`): the median days from
    the panel's approval (the latest agreed request for that child and provider decided on or
    before the start) to the provider's offer (the latest offer on or before the start), and
    from the offer to the start. Placements with neither are left out of each median."""
    start, end = calendar.financial_year_bounds(fy)
    if placements.empty:
        return []
    new = placements[
        (placements["start_date"] >= pd.Timestamp(start))
        & (placements["start_date"] <= pd.Timestamp(end))
    ][["id", "child_id", "provider_id", "group", "start_date"]]
    if new.empty:
        return []
    keys = ["child_id", "provider_id"]
    approvals = panel_requests[panel_requests["outcome"] == "agreed"][[*keys, "decided_on"]]
    joined = new.merge(approvals.dropna(), on=keys, how="left")
    joined = joined[joined["decided_on"].isna() | (joined["decided_on"] <= joined["start_date"])]
    approved = joined.groupby("id")["decided_on"].max()
    offers = consultations[consultations["response"] == "offer"][[*keys, "responded_on"]]
    joined = new.merge(offers.dropna(), on=keys, how="left")
    joined = joined[
        joined["responded_on"].isna() | (joined["responded_on"] <= joined["start_date"])
    ]
    offered = joined.groupby("id")["responded_on"].max()
    frame = new.set_index("id").assign(approved=approved, offered=offered)
    frame["approval_to_offer"] = (frame["offered"] - frame["approved"]).dt.days
    frame["offer_to_start"] = (frame["start_date"] - frame["offered"]).dt.days

    def row(group: str, part: pd.DataFrame) -> dict:
        a = part["approval_to_offer"].dropna()
        o = part["offer_to_start"].dropna()
        return {
            "setting_group": group,
            "placements": len(part),
            "with_approval_and_offer": len(a),
            "median_days_approval_to_offer": float(a.median()) if len(a) else None,
            "with_offer": len(o),
            "median_days_offer_to_start": float(o.median()) if len(o) else None,
        }

    order = {group: index for index, group in enumerate(rules.SETTING_GROUPS)}
    rows = [
        row(group, part)
        for group, part in sorted(frame.groupby("group"), key=lambda item: order.get(item[0], 99))
    ]
    rows.append(row("all", frame))
    return rows
