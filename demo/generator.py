"""`seed()`: a reproducible, realistic fictional county (or country) of SEN placements.

Same size, seed and as-of date → identical data. The stages run in memory on numpy columns
(population → careers → DPS → consultations → panels → budgets) and are written at the end in
one transaction with bulk paths. See docs/definitions.md for the figure rules.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np
import pandas as pd
from django.db import transaction
from tqdm import tqdm

from core import calendar
from placements import rules

from . import careers, dps, panels, population
from .context import INMSS, NEEDS, NO_DATE, POST16, SEX_CODES, SIZES, SPECIAL, SRP, World, dates_of
from .writer import Writer, flush_domain_data, has_domain_data

BUDGET_LINES = {
    "INMSS placements": INMSS,
    "Maintained special top-up": SPECIAL,
    "SRP top-up": SRP,
    "Post-16 high needs": POST16,
}


EXISTS_MESSAGE = (
    "The database already holds children, providers, placements, DPS, panel or budget rows. "
    "Run again with --flush to delete them (and their history) first."
)


class DemoDataExists(Exception):
    """The database already holds domain data and no flush was asked for."""


def seed(
    size: str, seed: int, today: dt.date, progress: bool = True, *, flush: bool = False
) -> dict[str, int]:
    """Generate and write the demo data; returns the number of rows written per table.

    Refuses (DemoDataExists) when the database already holds children, providers, placements,
    DPS, panel or budget rows, unless `flush` is true, in which case those are deleted first.
    """
    if size not in SIZES:
        raise ValueError(f"Unknown size {size!r}: choose from {', '.join(SIZES)}")
    started = time.perf_counter()
    if not flush and has_domain_data():
        raise DemoDataExists(EXISTS_MESSAGE)
    world = World(size=SIZES[size], seed=seed, today=today)

    def bar(iterable, **kwargs):
        return tqdm(iterable, disable=not progress, file=sys.stderr, leave=False, **kwargs)

    stages = tqdm(
        total=9, desc=f"seed_demo {size}", unit=" stage", disable=not progress, file=sys.stderr
    )

    def stage(name: str) -> None:
        stages.set_postfix_str(name)
        stages.update(1)

    geo = population.Geography(world)
    population.make_providers(world, geo)
    population.make_children(world, geo)
    stage("children and EHCPs")
    careers.make_placements(world, bar)
    population.finish_providers(world)
    stage("placements")
    _spend(world)
    stage("spend")
    dps.make_dps(world)
    stage("DPS")
    dps.make_consultations(world)
    stage("consultations")
    panels.make_panels(world)
    stage("panels")
    _budgets(world)
    stage("budgets")

    with transaction.atomic():
        if flush:
            flush_domain_data()
        elif has_domain_data():
            raise DemoDataExists(EXISTS_MESSAGE)
        writer = Writer(progress=progress)
        _write(world, writer)
        writer.reset_sequences()
    stage("written")
    writer.analyze()
    stage("analysed")
    stages.close()
    counts = dict(writer.counts)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


# --- Spend and budgets -------------------------------------------------------------------


def placements_frame(world: World) -> pd.DataFrame:
    pl = world.placements
    end = np.where(pl["end"] == NO_DATE, np.iinfo(np.int64).min, pl["end"]).astype("datetime64[D]")
    return pd.DataFrame(
        {
            "cost": (pl["annual_cost"] + pl["additional_cost"]).astype(float),
            "start_date": pl["start"].astype("datetime64[D]"),
            "end_date": pd.to_datetime(end).where(pl["end"] != NO_DATE),
            "group": pl["group"],
            "provider": pl["provider"],
        }
    )


def financial_years(world: World) -> list[int]:
    first = calendar.financial_year_of(
        world.today.replace(year=world.today.year - world.size.years)
    )
    return list(range(first, calendar.financial_year_of(world.today) + 1))


def _spend(world: World) -> None:
    """Spend per FY and setting group (docs/definitions.md), for budgets and the contract register."""
    frame = placements_frame(world)
    spend: dict[tuple[int, int], float] = {}
    for fy in financial_years(world):
        start, end = calendar.financial_year_bounds(fy)
        for group in BUDGET_LINES.values():
            part = frame[frame["group"] == group]
            spend[fy, group] = float(rules.cost_in_period_frame(part, start, end).sum())
    world.facts["spend"] = spend
    world.facts["inmss_spend_by_fy"] = {
        fy: value for (fy, group), value in spend.items() if group == INMSS
    }


def _budgets(world: World) -> None:
    rng = world.rng(13)
    spend = world.facts["spend"]
    cols: dict[str, list] = {"id": [], "financial_year": [], "line": [], "amount": []}
    for fy in financial_years(world):
        for line, group in BUDGET_LINES.items():
            amount = spend[fy, group] * (0.975 + rng.random() * 0.05)
            cols["id"].append(len(cols["id"]) + 1)
            cols["financial_year"].append(fy)
            cols["line"].append(line)
            cols["amount"].append(dps.money(round(amount, -3)))
    world.tables["budget"] = cols


# --- Writing --------------------------------------------------------------------------


def _write(world: World, writer: Writer) -> None:
    from dps import models as d
    from panel import models as pm
    from placements import models as m
    from reporting import models as r

    p, c, pl, tables = world.providers, world.children, world.placements, world.tables
    writer.write(
        m.Provider,
        {
            "id": p["id"],
            "urn": p["urn"],
            "name": p["name"],
            "establishment_type": p["establishment_type"],
            "setting_group": p["setting_group"],
            "status": ["open"] * len(p["id"]),
            "phase": p["phase"],
            "low_age": p["low_age"],
            "high_age": p["high_age"],
            "sex_of_entry": p["sex_of_entry"],
            "boarding": p["boarding"],
            "capacity": p["capacity"],
            "number_of_pupils": p["number_of_pupils"],
            "ofsted_grade": p["ofsted_grade"],
            "ofsted_rating": p["ofsted_rating"],
            "ofsted_date": dates_of(np.array(p["ofsted_date"])),
            "postcode": p["postcode"],
            "easting": p["easting"],
            "northing": p["northing"],
            "local_authority": p["local_authority"],
            "resourced_provision_type": p["resourced_provision_type"],
            "resourced_provision_capacity": p["resourced_provision_capacity"],
            **dps.report_cards_and_contacts(world),
        },
        "providers",
    )
    pairs = [(i + 1, code) for i, needs in enumerate(p["needs"]) for code in needs]
    writer.write(
        m.Provider.need_types.through,
        {
            "id": list(range(1, len(pairs) + 1)),
            "provider_id": [pid for pid, _ in pairs],
            "needtype_id": [code for _, code in pairs],
        },
        "provider need types",
    )
    ids = c["id"].tolist()
    writer.write(
        m.Child,
        {
            "id": ids,
            "child_ref": c["ref"],
            "first_name": c["first_name"],
            "last_name": c["last_name"],
            "date_of_birth": dates_of(c["dob"]),
            "sex": [SEX_CODES[s] for s in c["sex"].tolist()],
            "home_postcode": c["postcode"],
            "easting": c["easting"].tolist(),
            "northing": c["northing"].tolist(),
            "district": c["district"],
        },
        "children",
    )
    secondary = c["secondary"].tolist()
    writer.write(
        m.EHCP,
        {
            "id": ids,
            "child_id": ids,
            "request_date": dates_of(c["request"]),
            "assessment_decision": c["decision"].tolist(),
            "assessment_decision_date": dates_of(c["decision_date"]),
            "issue_date": dates_of(c["issue"]),
            "ceased_date": dates_of(c["ceased"]),
            "status": c["status"].tolist(),
            "primary_need_id": [NEEDS[k] for k in c["need"].tolist()],
            "secondary_need_id": [None if k < 0 else NEEDS[k] for k in secondary],
        },
        "EHCPs",
    )
    writer.write(
        m.Placement,
        {
            "id": pl["id"].tolist(),
            "child_id": (pl["child"] + 1).tolist(),
            "provider_id": (pl["provider"] + 1).tolist(),
            "setting_type": pl["setting_type"].tolist(),
            "start_date": dates_of(pl["start"]),
            "end_date": dates_of(pl["end"]),
            "attendance_pattern": pl["pattern"].tolist(),
            "annual_cost": pl["annual_cost"].tolist(),
            "additional_cost": pl["additional_cost"].tolist(),
            "education_share": pl["education_share"].astype(int).tolist(),
            "health_share": pl["health_share"].astype(int).tolist(),
            "social_care_share": pl["social_care_share"].astype(int).tolist(),
            "reason": pl["reason"].tolist(),
        },
        "placements",
    )
    writer.write(d.Framework, tables["framework"], "frameworks")
    writer.write(d.Lot, tables["lot"], "lots")
    writer.write(d.Membership, tables["membership"], "memberships")
    writer.write(d.Membership.history.model, tables["membership_history"], "membership history")
    writer.write(d.FeeSchedule, tables["fee_schedule"], "fee schedules")
    writer.write(d.UpliftRequest, tables["uplift"], "uplift requests")
    writer.write(d.BlockContract, tables["block_contract"], "block contracts")
    writer.write(d.Contract, tables["contract"], "contracts")
    writer.write(d.AttendancePenaltyRule, tables["attendance_rule"], "attendance rules")
    writer.write(d.AttendanceRecord, tables["attendance"], "attendance records")
    writer.write(d.Consultation, tables["consultation"], "consultations")
    writer.write(pm.Meeting, tables["meeting"], "panel meetings")
    writer.write(pm.PanelRequest, tables["panel_request"], "panel requests")
    writer.write(r.BudgetLine, tables["budget"], "budget lines")
