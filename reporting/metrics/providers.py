"""Supplier concentration, block contract utilisation and uplift negotiation savings."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from placements import rules

from .common import active, children_covered, fy_spend, pounds, share


def concentration(placements: pd.DataFrame, fy: int, as_of: dt.date, top: int) -> list[dict]:
    """The top `top` providers by the FY spend of their INMSS placements (by the placement's
    setting group), ties by URN: spend, the children it covers, placements active on `as_of`, their average cost and
    the share of all INMSS spend in the FY (4 dp)."""
    inmss = placements[placements["group"] == rules.INMSS]
    if inmss.empty:
        return []
    is_active = active(inmss, as_of)
    frame = pd.DataFrame(
        {
            "urn": inmss["urn"].astype(int),
            "provider": inmss["provider"],
            "spend": fy_spend(inmss, fy),
            "placements": is_active.astype(int),
            "active_cost": inmss["cost"].where(is_active, 0.0),
            "child_id": inmss["child_id"],
        }
    )
    total = float(frame["spend"].sum())
    grouped = frame.groupby("urn", as_index=False).agg(
        provider=("provider", "first"),
        spend=("spend", "sum"),
        placements=("placements", "sum"),
        active_cost=("active_cost", "sum"),
    )
    grouped = grouped[grouped["spend"] > 0]
    grouped = grouped.merge(children_covered(frame, ["urn"]).reset_index(), on="urn", how="left")
    grouped = grouped.sort_values(["spend", "urn"], ascending=[False, True]).head(max(top, 0))
    rows = []
    for rank, row in enumerate(grouped.itertuples(index=False), start=1):
        count = int(row.placements)
        rows.append(
            {
                "rank": rank,
                "urn": int(row.urn),
                "provider": row.provider,
                "spend": pounds(row.spend),
                "children": int(row.children),
                "placements": count,
                "avg_annual_cost": pounds(row.active_cost / count) if count else None,
                "share": share(float(row.spend), total),
            }
        )
    return rows


def block_contract_utilisation(
    contracts: pd.DataFrame, placements: pd.DataFrame, as_of: dt.date
) -> list[dict]:
    """Each block contract running on `as_of`: places reserved, places used (the provider's
    placements active on `as_of`, no more than reserved counts as used) and utilisation."""
    if contracts.empty:
        return []
    running = contracts[active(contracts, as_of)]
    used = (
        placements[active(placements, as_of)].groupby("provider_id").size()
        if not placements.empty
        else pd.Series(dtype=int)
    )
    rows = []
    for row in running.sort_values(["provider", "start_date"]).itertuples(index=False):
        reserved = int(row.places_reserved)
        filled = min(int(used.get(row.provider_id, 0)), reserved)
        rows.append(
            {
                "provider": row.provider,
                "urn": int(row.urn),
                "start_date": row.start_date.date().isoformat(),
                "end_date": row.end_date.date().isoformat(),
                "places_reserved": reserved,
                "places_used": filled,
                "utilisation": share(filled, reserved),
                "value": pounds(reserved * float(row.price_per_place)),
            }
        )
    return rows


def negotiation_savings(uplifts: pd.DataFrame, placements: pd.DataFrame) -> list[dict]:
    """Per AY, decided uplift requests (agreed or refused; refused = 0% agreed) and the saving:
    Σ over the provider's placements active on 1 September of that AY of the base fee ×
    (requested % − agreed %) ÷ 100."""
    if uplifts.empty:
        return []
    decided = uplifts[uplifts["status"].isin(["agreed", "rejected"])].copy()
    if decided.empty:
        return []
    decided["agreed"] = decided["agreed_percent"].where(decided["status"] == "agreed", 0.0)
    decided["agreed"] = decided["agreed"].fillna(0.0)
    rows = []
    for ay, requests in decided.groupby("academic_year"):
        start = dt.date(int(ay), 9, 1)
        on_day = placements[active(placements, start)]
        fees = (
            on_day.assign(fee=rules.base_fee_on_frame(on_day, start))
            .groupby("provider_id")["fee"]
            .sum()
            if not placements.empty
            else pd.Series(dtype=float)
        )
        base = requests["provider_id"].map(fees).fillna(0.0)
        saving = (base * (requests["requested_percent"] - requests["agreed"]) / 100).sum()
        rows.append(
            {
                "academic_year": int(ay),
                "requests": len(requests),
                "agreed": int((requests["status"] == "agreed").sum()),
                "refused": int((requests["status"] == "rejected").sum()),
                "avg_requested_percent": round(float(requests["requested_percent"].mean()), 2),
                "avg_agreed_percent": round(float(requests["agreed"].mean()), 2),
                "saving": pounds(saving),
            }
        )
    return rows
