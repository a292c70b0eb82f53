"""Sufficiency: places by provision type against demand, now and forecast (docs/sufficiency.md).

Pure functions: frames in, frames (or plain dicts) out; no database. The forecast is a cohort
(Markov) model in the spirit of open SEND demand models (Mastodon C's witan.send):

1. A *census* on 1 October of each academic year (AY): every child with an EHCP active that day,
   their national curriculum year (NCY), primary need and setting group (the placement active
   that day, else "none").
2. *Transitions* between consecutive censuses: P(setting group next AY | setting group this AY,
   phase this AY, phase next AY), with "left" (no active EHCP next year) as one of the outcomes.
   The phases come from the NCY in each year, so a move between phases (Year 11 to Year 12)
   only happens at that NCY, never to a Year 8.
3. *Joiners*: children in a census who were not in the previous one, counted by NCY, need and
   setting group; the forecast adds the mean of the last three observed years every year.
4. The forecast moves every cohort up one NCY a year through the transition rates and adds the
   joiners. Counts are expected values (fractions are kept, rounded at output).

Scenarios add places (a scenario's own planned places) and change the rate of new EHCPs; the
*diversion rule* (see `divert`) moves children forecast into INMSS into added places the
provision's own demand leaves free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from placements import rules

NONE = "none"  # an active EHCP and no active placement on the census day
LEFT = "left"  # no active EHCP in the next census
GROUPS = [*rules.SETTING_GROUPS, NONE]
GROUP_LABELS = {**dict(rules.SETTING_GROUP_CHOICES), NONE: "No placement recorded"}
PROVISION_GROUPS = [rules.SPECIAL, rules.SRP]  # the places the council commissions itself
EARLY_YEARS, PRIMARY, SECONDARY, POST16 = "early_years", "primary", "secondary", "post16"
PHASES = [EARLY_YEARS, PRIMARY, SECONDARY, POST16]
PHASE_LABELS = {
    EARLY_YEARS: "Early years",
    PRIMARY: "Primary (Reception to Year 6)",
    SECONDARY: "Secondary (Years 7 to 11)",
    POST16: "Post-16 (Year 12 and above)",
}
MAX_NCY = 21  # a 25-year-old: EHCPs end at 25
JOINER_YEARS = 3  # joiners per year = mean of the last three observed years
HORIZON = 5  # forecast academic years after the base year
CENSUS_MONTH, CENSUS_DAY = 10, 1


def phase_of(ncy: int) -> str:
    """Early years below Reception (NCY < 0), primary 0-6, secondary 7-11, post-16 12 and above."""
    if ncy < 0:
        return EARLY_YEARS
    if ncy <= 6:
        return PRIMARY
    if ncy <= 11:
        return SECONDARY
    return POST16


def phase_frame(ncy: pd.Series) -> pd.Series:
    values = ncy.astype(int).to_numpy()
    out = np.select(
        [values < 0, values <= 6, values <= 11], [EARLY_YEARS, PRIMARY, SECONDARY], POST16
    )
    return pd.Series(out, index=ncy.index)


def census_date(academic_year: int) -> dt.date:
    return dt.date(academic_year, CENSUS_MONTH, CENSUS_DAY)


def base_year(as_of: dt.date) -> int:
    """The latest AY whose census day (1 October) is on or before `as_of`."""
    return as_of.year if as_of >= dt.date(as_of.year, CENSUS_MONTH, CENSUS_DAY) else as_of.year - 1


# --- Census ---------------------------------------------------------------------------------

CENSUS_COLUMNS = ["child_id", "ncy", "need", "group"]


def census(
    children: pd.DataFrame,
    ehcps: pd.DataFrame,
    placements: pd.DataFrame,
    academic_year: int,
    *,
    presorted: bool = False,
) -> pd.DataFrame:
    """Children with an EHCP active on 1 October of the AY: child_id, ncy, need, group.

    `children`: child_id, date_of_birth. `ehcps`: child_id, issue_date, ceased_date, need.
    `placements`: child_id, group, start_date, end_date. Two active EHCPs or placements: the
    one that started last counts. `presorted`: the EHCPs come sorted by child and issue date and
    the placements by child and start date (as `censuses` sorts them, once for every year)."""
    day = census_date(academic_year)
    active_e = ehcps[rules.active_mask(ehcps, day, start="issue_date", end="ceased_date")]
    if not presorted:
        active_e = active_e.sort_values(["child_id", "issue_date"], kind="stable")
    active_e = active_e.drop_duplicates("child_id", keep="last")[["child_id", "need"]]
    active_p = placements[rules.active_mask(placements, day)]
    if not presorted:
        active_p = active_p.sort_values(["child_id", "start_date"], kind="stable")
    active_p = active_p.drop_duplicates("child_id", keep="last")[["child_id", "group"]]
    active_p = active_p.astype({"group": object})  # plain text: "none" is added below
    # An empty table comes back with untyped columns: give the keys one type before merging.
    active_e = active_e.astype({"child_id": "int64"})
    active_p = active_p.astype({"child_id": "int64"})
    frame = active_e.merge(active_p, on="child_id", how="left")
    frame["group"] = frame["group"].fillna(NONE)
    frame["need"] = frame["need"].fillna("OTH")
    births = children[["child_id", "date_of_birth"]].astype({"child_id": "int64"})
    dob = frame[["child_id"]].merge(births, on="child_id")
    frame = frame.merge(dob, on="child_id")
    frame["ncy"] = rules.ncy_frame(frame["date_of_birth"], academic_year).astype(int)
    return frame[CENSUS_COLUMNS].reset_index(drop=True)


def censuses(
    children: pd.DataFrame,
    ehcps: pd.DataFrame,
    placements: pd.DataFrame,
    years: Iterable[int],
) -> dict[int, pd.DataFrame]:
    ehcps = ehcps.sort_values(["child_id", "issue_date"], kind="stable")
    placements = placements.sort_values(["child_id", "start_date"], kind="stable")
    return {year: census(children, ehcps, placements, year, presorted=True) for year in years}


# --- Fitting ----------------------------------------------------------------------------------


TRANSITION_KEYS = ["group", "phase", "next_phase"]


def transition_counts(this_year: pd.DataFrame, next_year: pd.DataFrame) -> pd.DataFrame:
    """Counts of (group, phase this year, phase next year) -> next group (or `left`). The phase
    next year is that of NCY + 1, so moves at a phase boundary are counted apart."""
    moved = this_year.merge(
        next_year[["child_id", "group"]].rename(columns={"group": "next_group"}),
        on="child_id",
        how="left",
    )
    moved["next_group"] = moved["next_group"].fillna(LEFT)
    moved["phase"] = phase_frame(moved["ncy"])
    moved["next_phase"] = phase_frame(moved["ncy"] + 1)
    return moved.groupby([*TRANSITION_KEYS, "next_group"]).size().rename("count").reset_index()


def transition_rates(
    census_by_year: dict[int, pd.DataFrame],
    years: list[int],
    counted: dict[int, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """P(next group | group, phase, next phase), pooled over the consecutive pairs of `years`. `counted`
    keeps each pair's counts (by its first year) for the next call: the back-test fits the same
    pairs again and again."""
    counted = {} if counted is None else counted
    pairs = []
    for y in years:
        if y + 1 in years:
            if y not in counted:
                counted[y] = transition_counts(census_by_year[y], census_by_year[y + 1])
            pairs.append(counted[y])
    if not pairs:
        return pd.DataFrame(columns=[*TRANSITION_KEYS, "next_group", "count", "rate"])
    counts = (
        pd.concat(pairs).groupby([*TRANSITION_KEYS, "next_group"], as_index=False)["count"].sum()
    )
    totals = counts.groupby(TRANSITION_KEYS)["count"].transform("sum")
    counts["rate"] = counts["count"] / totals
    return counts.sort_values([*TRANSITION_KEYS, "next_group"]).reset_index(drop=True)


def joiner_counts(this_year: pd.DataFrame, next_year: pd.DataFrame) -> pd.DataFrame:
    new = next_year[~next_year["child_id"].isin(this_year["child_id"])]
    return new.groupby(["group", "ncy", "need"]).size().rename("count").reset_index()


def joiner_rates(census_by_year: dict[int, pd.DataFrame], years: list[int]) -> pd.DataFrame:
    """Joiners a year by (group, ncy, need): the mean of the last JOINER_YEARS observed years."""
    pairs = [y for y in years if y + 1 in years][-JOINER_YEARS:]
    if not pairs:
        return pd.DataFrame(columns=["group", "ncy", "need", "count"])
    frames = [joiner_counts(census_by_year[y], census_by_year[y + 1]) for y in pairs]
    total = pd.concat(frames).groupby(["group", "ncy", "need"], as_index=False)["count"].sum()
    total["count"] = total["count"] / len(pairs)
    return total


def state_of(census_frame: pd.DataFrame) -> pd.DataFrame:
    """A census as cohort counts: group, ncy, need, count."""
    return (
        census_frame.groupby(["group", "ncy", "need"])
        .size()
        .rename("count")
        .reset_index()
        .astype({"count": float})
    )


# --- Forecast ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """Planned places of one provision (special or srp), phase and optional need, from an AY on."""

    group: str
    phase: str
    academic_year: int
    places: float
    need: str | None = None


@dataclass(frozen=True)
class EHCPChange:
    """A policy: new EHCPs (joiners) change by `percent` (e.g. -20) from an AY on, for one need
    and phase or all of them; `full_by` phases it in linearly to its full effect in that AY."""

    percent: float
    from_year: int
    need: str | None = None
    phase: str | None = None
    full_by: int | None = None

    def factor(self, year: int) -> float:
        if year < self.from_year:
            return 1.0
        if self.full_by and self.full_by > self.from_year and year < self.full_by:
            share = (year - self.from_year + 1) / (self.full_by - self.from_year + 1)
        else:
            share = 1.0
        return 1.0 + self.percent / 100.0 * share


@dataclass(frozen=True)
class Scenario:
    places: tuple[Places, ...] = ()
    ehcp_changes: tuple[EHCPChange, ...] = ()


@dataclass
class Model:
    """What the forecast needs, fitted on the history up to and including `base_year`."""

    base_year: int
    state: pd.DataFrame  # group, ncy, need, count: the base year's census
    transitions: pd.DataFrame  # group, phase, next_phase, next_group, rate
    joiners: pd.DataFrame  # group, ncy, need, count
    capacity: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["group", "phase", "places"])
    )
    planned: tuple[Places, ...] = ()  # the council's planned places (part of the baseline)


KEYS = ["group", "ncy", "need"]


def step(state: pd.DataFrame, transitions: pd.DataFrame) -> pd.DataFrame:
    """One AY on: every cohort moves up one NCY and between groups at the transition rates of
    its group, its phase and the phase of its NCY next year. A (group, phase, next phase) with
    no history keeps its children in the same group."""
    if state.empty:
        return state.copy()
    frame = state.assign(phase=phase_frame(state["ncy"]), next_phase=phase_frame(state["ncy"] + 1))
    rates = transitions[[*TRANSITION_KEYS, "next_group", "rate"]]
    moved = frame.merge(rates, on=TRANSITION_KEYS, how="left")
    unknown = moved["next_group"].isna()
    moved.loc[unknown, "next_group"] = moved.loc[unknown, "group"]
    moved.loc[unknown, "rate"] = 1.0
    moved = moved[moved["next_group"] != LEFT]
    moved = moved.assign(
        group=moved["next_group"], ncy=moved["ncy"] + 1, count=moved["count"] * moved["rate"]
    )
    moved = moved[moved["ncy"] <= MAX_NCY]
    return moved.groupby(KEYS, as_index=False)["count"].sum()


def joiners_for(joiners: pd.DataFrame, year: int, changes: Iterable[EHCPChange]) -> pd.DataFrame:
    frame = joiners.copy()
    if frame.empty:
        return frame
    factor = pd.Series(1.0, index=frame.index)
    phases = phase_frame(frame["ncy"])
    for change in changes:
        hit = pd.Series(True, index=frame.index)
        if change.need:
            hit &= frame["need"] == change.need
        if change.phase:
            hit &= phases == change.phase
        factor = factor.where(~hit, factor * change.factor(year))
    frame["count"] = frame["count"] * factor.clip(lower=0)
    return frame


def capacity_in(model: Model, year: int, extra: Iterable[Places] = ()) -> pd.DataFrame:
    """Places by provision group and phase in an AY: today's places plus planned places from
    their AY on (the council's plan and a scenario's own places)."""
    rows = [model.capacity[["group", "phase", "places"]]]
    planned = [p for p in (*model.planned, *extra) if p.academic_year <= year]
    if planned:
        rows.append(
            pd.DataFrame(
                [{"group": p.group, "phase": p.phase, "places": p.places} for p in planned]
            )
        )
    frame = (
        pd.concat([r for r in rows if not r.empty]) if any(not r.empty for r in rows) else rows[0]
    )
    return frame.groupby(["group", "phase"], as_index=False)["places"].sum()


def divert(
    state: pd.DataFrame,
    capacity: pd.DataFrame,
    added: Iterable[Places],
    year: int,
    moved_so_far: dict[int, float],
) -> pd.DataFrame:
    """The diversion rule. Each of a scenario's own planned places rows in force this AY (in the
    order given) moves at most its number of places over the whole forecast: its room is its
    places less the children it has already moved (`moved_so_far`, by the row's position, is
    updated). It takes, up to that room and up to the places its provision has free (capacity
    minus all children forecast there), children forecast into INMSS in that phase (and need),
    spread in proportion over their NCYs and needs. Moved children then follow the provision's
    transition rates; a place they leave is not filled from INMSS again (so a scenario never
    moves more children out of INMSS than the places it adds)."""
    state = state.copy()
    for index, row in enumerate(added):
        if row.academic_year > year or state.empty:
            continue
        phases = phase_frame(state["ncy"])
        cap = capacity[(capacity["group"] == row.group) & (capacity["phase"] == row.phase)][
            "places"
        ].sum()
        in_provision = (state["group"] == row.group) & (phases == row.phase)
        free = max(float(cap) - float(state.loc[in_provision, "count"].sum()), 0.0)
        room = max(float(row.places) - moved_so_far.get(index, 0.0), 0.0)
        source = (state["group"] == rules.INMSS) & (phases == row.phase)
        if row.need:
            source &= state["need"] == row.need
        available = float(state.loc[source, "count"].sum())
        moving = min(free, room, available)
        if moving <= 0:
            continue
        moved_so_far[index] = moved_so_far.get(index, 0.0) + moving
        share = moving / available
        moved = state.loc[source].copy()
        moved["count"] = moved["count"] * share
        moved["group"] = row.group
        state.loc[source, "count"] = state.loc[source, "count"] * (1 - share)
        state = pd.concat([state, moved], ignore_index=True)
        state = state.groupby(KEYS, as_index=False)["count"].sum()
    return state


def forecast(
    model: Model, scenario: Scenario | None = None, horizon: int = HORIZON
) -> pd.DataFrame:
    """Children by AY, group, ncy and need: the base year's census, then `horizon` forecast years.

    Columns: academic_year, group, ncy, need, demand, forecast. `demand` is the children the
    model puts in each group before the diversion rule, `forecast` after it (the same in the
    baseline, which has no scenario places). `attrs["moved"]` is, by AY, the children moved
    out of INMSS into the scenario's places so far."""
    scenario = scenario or Scenario()
    frames = []
    moved_so_far: dict[int, float] = {}
    moved_by_year = {model.base_year: 0.0}
    base = model.state.assign(academic_year=model.base_year, demand=model.state["count"])
    frames.append(base.rename(columns={"count": "forecast"}))
    state = model.state[["group", "ncy", "need", "count"]]
    for year in range(model.base_year + 1, model.base_year + horizon + 1):
        state = step(state, model.transitions)
        new = joiners_for(model.joiners, year, scenario.ehcp_changes)
        if not new.empty:
            new = new[["group", "ncy", "need", "count"]]
            state = pd.concat([state, new], ignore_index=True)
            state = state.groupby(KEYS, as_index=False)["count"].sum()
        before = state.copy()
        if scenario.places:
            capacity = capacity_in(model, year, scenario.places)
            state = divert(state, capacity, scenario.places, year, moved_so_far)
        moved_by_year[year] = sum(moved_so_far.values())
        after = state
        merged = (
            before.rename(columns={"count": "demand"})
            .merge(
                after.rename(columns={"count": "forecast"}),
                on=["group", "ncy", "need"],
                how="outer",
            )
            .fillna({"demand": 0.0, "forecast": 0.0})
        )
        frames.append(merged.assign(academic_year=year))
    result = pd.concat(frames, ignore_index=True)
    result = result[["academic_year", "group", "ncy", "need", "demand", "forecast"]]
    result.attrs["moved"] = moved_by_year
    return result


# --- Capacity from providers --------------------------------------------------------------------


def provider_places(providers: pd.DataFrame) -> pd.DataFrame:
    """Places today by provision group and phase.

    `providers`: setting_group, low_age, high_age, capacity, resourced_provision_capacity.
    Special school places are the capacity of maintained and academy special schools; SRP
    places are the resourced provision capacity of any school. A school's places are shared
    between phases in proportion to the NCYs its age range covers (NCY low_age-4 to
    high_age-5; no age range: Reception to Year 13)."""
    rows: list[dict[str, Any]] = []
    for record in providers.itertuples(index=False):
        low = record.low_age if pd.notna(record.low_age) else 4
        high = record.high_age if pd.notna(record.high_age) else 18
        first, last = int(low) - 4, max(int(high) - 5, int(low) - 4)
        years = list(range(first, last + 1))
        for group, places in (
            (rules.SPECIAL, record.capacity if record.setting_group == rules.SPECIAL else None),
            (rules.SRP, record.resourced_provision_capacity),
        ):
            if places is None or pd.isna(places) or not places:
                continue
            for ncy in years:
                rows.append(
                    {"group": group, "phase": phase_of(ncy), "places": float(places) / len(years)}
                )
    if not rows:
        return pd.DataFrame(columns=["group", "phase", "places"])
    return pd.DataFrame(rows).groupby(["group", "phase"], as_index=False)["places"].sum()


# --- Fit, back-test, results -----------------------------------------------------------------


def fit(
    census_by_year: dict[int, pd.DataFrame],
    up_to: int,
    counted: dict[int, pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    years = sorted(y for y in census_by_year if y <= up_to)
    return transition_rates(census_by_year, years, counted), joiner_rates(census_by_year, years)


def backtest(
    census_by_year: dict[int, pd.DataFrame], counted: dict[int, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """Fit on the years before each target year, forecast it one year ahead from the year before,
    and compare by setting group. Targets: every year with at least two earlier years (one
    transition pair to fit). Columns: academic_year, group, actual, forecast, ape (absolute
    percentage error, None when the actual is 0)."""
    years = sorted(census_by_year)
    rows = []
    for target in years[2:]:
        transitions, joiners = fit(census_by_year, target - 1, counted)
        model = Model(target - 1, state_of(census_by_year[target - 1]), transitions, joiners)
        predicted = forecast(model, horizon=1)
        predicted = (
            predicted[predicted["academic_year"] == target].groupby("group")["forecast"].sum()
        )
        actual = census_by_year[target].groupby("group").size()
        for group in sorted(set(actual.index) | set(predicted.index)):
            a = float(actual.get(group, 0))
            f = float(predicted.get(group, 0.0))
            rows.append(
                {
                    "academic_year": target,
                    "group": group,
                    "actual": a,
                    "forecast": f,
                    "ape": abs(f - a) / a * 100 if a else None,
                }
            )
    return pd.DataFrame(rows, columns=["academic_year", "group", "actual", "forecast", "ape"])


def mape_by_group(backtest_frame: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute percentage error by setting group over the back-test years."""
    if backtest_frame.empty:
        return pd.DataFrame(columns=["group", "mape", "years"])
    valid = backtest_frame.dropna(subset=["ape"])
    return valid.groupby("group").agg(mape=("ape", "mean"), years=("ape", "size")).reset_index()


def average_costs(placements: pd.DataFrame, as_of: dt.date) -> dict[str, float]:
    """Current average annual cost (base fee + additional funding) per setting group, over the
    placements active on the as-of date."""
    active = placements[rules.active_mask(placements, as_of)]
    return {str(k): float(v) for k, v in active.groupby("group")["cost"].mean().items()}


def results(model: Model, scenario: Scenario | None = None) -> dict[str, list[dict[str, Any]]]:
    """The forecast as JSON-ready rows: children by AY, group, phase and need (`demand`,
    `forecast`), places by AY, provision group and phase (`capacity`), the scenario's own
    places in force by AY, group and phase (`added`) and the children moved out of INMSS into
    them so far by AY (`moved`)."""
    scenario = scenario or Scenario()
    frame = forecast(model, scenario)
    moved = frame.attrs.get("moved", {})
    frame = frame.assign(phase=phase_frame(frame["ncy"]) if not frame.empty else [])
    rows = (
        frame.groupby(["academic_year", "group", "phase", "need"], as_index=False)[
            ["demand", "forecast"]
        ]
        .sum()
        .sort_values(["academic_year", "group", "phase", "need"])
    )
    capacity = []
    added = []
    for year in range(model.base_year, model.base_year + HORIZON + 1):
        in_force: dict[tuple[str, str], float] = {}
        for p in scenario.places:
            if p.academic_year <= year:
                in_force[(p.group, p.phase)] = in_force.get((p.group, p.phase), 0.0) + p.places
        added.extend(
            {"academic_year": year, "group": g, "phase": ph, "places": places}
            for (g, ph), places in sorted(in_force.items())
        )
        places = capacity_in(model, year, scenario.places)
        for record in places.itertuples(index=False):
            capacity.append(
                {"academic_year": year, "group": record.group, "phase": record.phase,
                 "places": round(float(record.places), 1)}
            )  # fmt: skip
    return {
        "rows": [
            {
                "academic_year": int(r.academic_year),
                "group": r.group,
                "phase": r.phase,
                "need": r.need,
                "demand": round(float(r.demand), 2),
                "forecast": round(float(r.forecast), 2),
            }
            for r in rows.itertuples(index=False)
        ],
        "capacity": capacity,
        "added": added,
        "moved": [
            {"academic_year": int(year), "children": round(float(count), 2)}
            for year, count in sorted(moved.items())
        ],
    }


def scenario_costs(
    baseline: dict[str, Any], scenario: dict[str, Any], average_costs: dict[str, float]
) -> list[dict[str, Any]]:
    """A scenario's net saving against the baseline, by AY, for all needs and phases, at today's
    average annual cost of each setting group (`average_costs`; a group with no placements
    today costs nothing):

    - `inmss_avoided`: (baseline − scenario) INMSS children × the INMSS cost;
    - `other_settings`: Σ over every other group of (scenario − baseline) children × its cost:
      the children moved into the added places, wherever they go next, and any change in new
      EHCPs (negative when there are fewer children);
    - `empty_places`: the added places standing empty (at most the places added, at most the
      provision's free places), each at the cost of a placement in that provision: the council
      pays for the places it commissions, filled or not;
    - `net_saving` = inmss_avoided − other_settings − empty_places_cost.
    Also `moved`: children moved out of INMSS into the added places so far."""

    def by_year_group(result: dict[str, Any], field: str = "forecast") -> dict[Any, float]:
        out: dict[Any, float] = {}
        for row in result["rows"]:
            key = (row["academic_year"], row["group"])
            out[key] = out.get(key, 0.0) + float(row[field])
        return out

    def by_year_group_phase(rows: list[dict[str, Any]], field: str) -> dict[Any, float]:
        out: dict[Any, float] = {}
        for row in rows:
            key = (row["academic_year"], row["group"], row["phase"])
            out[key] = out.get(key, 0.0) + float(row[field])
        return out

    base = by_year_group(baseline)
    scen = by_year_group(scenario)
    children = by_year_group_phase(scenario["rows"], "forecast")
    places = by_year_group_phase(scenario["capacity"], "places")
    added = by_year_group_phase(scenario.get("added", []), "places")
    moved = {r["academic_year"]: float(r["children"]) for r in scenario.get("moved", [])}
    years = sorted({year for year, _ in (*base, *scen)})
    rows = []
    for year in years:
        inmss_cost = average_costs.get(rules.INMSS) or 0.0
        avoided = (base.get((year, rules.INMSS), 0.0) - scen.get((year, rules.INMSS), 0.0)) * (
            inmss_cost
        )
        other = sum(
            (scen.get((year, g), 0.0) - base.get((year, g), 0.0)) * (average_costs.get(g) or 0.0)
            for g in GROUPS
            if g != rules.INMSS
        )
        empty = 0.0
        empty_cost = 0.0
        for (y, group, phase), count in added.items():
            if y != year:
                continue
            free = places.get((y, group, phase), 0.0) - children.get((y, group, phase), 0.0)
            standing = min(count, max(free, 0.0))
            empty += standing
            empty_cost += standing * (average_costs.get(group) or 0.0)
        rows.append(
            {
                "academic_year": year,
                "moved": moved.get(year, 0.0),
                "inmss_avoided": avoided,
                "other_settings": other,
                "empty_places": empty,
                "empty_places_cost": empty_cost,
                "net_saving": avoided - other - empty_cost,
            }
        )
    return rows


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def model_to_json(model: Model) -> dict[str, Any]:
    return {
        "base_year": model.base_year,
        "state": _records(model.state[["group", "ncy", "need", "count"]]),
        "transitions": _records(model.transitions[[*TRANSITION_KEYS, "next_group", "rate"]]),
        "joiners": _records(model.joiners[["group", "ncy", "need", "count"]]),
        "capacity": _records(model.capacity[["group", "phase", "places"]]),
        "planned": [p.__dict__ for p in model.planned],
    }


def model_from_json(data: dict[str, Any]) -> Model:
    def frame(key: str, columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame(data[key], columns=columns)

    transitions = data["transitions"]
    if transitions and "next_phase" not in transitions[0]:
        # Stored before rates depended on the next phase: the same rates for either.
        transitions = [{**row, "next_phase": p} for row in transitions for p in PHASES]
    return Model(
        base_year=int(data["base_year"]),
        state=frame("state", ["group", "ncy", "need", "count"]),
        transitions=pd.DataFrame(transitions, columns=[*TRANSITION_KEYS, "next_group", "rate"]),
        joiners=frame("joiners", ["group", "ncy", "need", "count"]),
        capacity=frame("capacity", ["group", "phase", "places"]),
        planned=tuple(Places(**p) for p in data["planned"]),
    )


def build(
    children: pd.DataFrame,
    ehcps: pd.DataFrame,
    placements: pd.DataFrame,
    providers: pd.DataFrame,
    as_of: dt.date,
    planned: tuple[Places, ...] = (),
    history_years: int = 8,
) -> dict[str, Any]:
    """The sufficiency snapshot: the fitted model, the baseline forecast, the back-test and the
    current average costs. Censuses from up to `history_years` AYs before the base year."""
    year = base_year(as_of)
    first_data = min(
        [d for d in (ehcps["issue_date"].min(), placements["start_date"].min()) if pd.notna(d)],
        default=pd.Timestamp(census_date(year)),
    )
    first = max(year - history_years, base_year(first_data.date()))
    census_by_year = censuses(children, ehcps, placements, range(first, year + 1))
    counted: dict[int, pd.DataFrame] = {}
    transitions, joiners = fit(census_by_year, year, counted)
    model = Model(
        year,
        state_of(census_by_year[year]),
        transitions,
        joiners,
        provider_places(providers),
        planned,
    )
    test = backtest(census_by_year, counted)
    mape = mape_by_group(test)
    counts = transition_rates(census_by_year, sorted(census_by_year), counted)
    return {
        "as_of": as_of.isoformat(),
        "base_year": year,
        "history_years": sorted(census_by_year),
        "model": model_to_json(model),
        "baseline": results(model),
        "average_costs": average_costs(placements, as_of),
        "backtest": _records(test.astype(object).where(test.notna(), None)),
        "mape": _records(mape),
        "transition_counts": _records(counts[[*TRANSITION_KEYS, "next_group", "count"]]),
    }
