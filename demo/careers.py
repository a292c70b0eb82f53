"""Each child's placements from the EHCP to leaving: settings by phase, moves, providers, costs.

A child's placements never overlap: a move ends one placement the day before the next starts.
Phase changes (Reception, Year 7, Year 12) happen on the first school day of September, which
is where the Year 7 spike of new independent placements comes from.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

import numpy as np

from .context import (
    AP,
    ASD,
    FAR_FUTURE,
    INDEP,
    INMSS,
    MS,
    N_NEEDS,
    NEED_INDEX,
    NEEDS,
    NO_DATE,
    POST16,
    SEMH,
    SPECIAL,
    SRP,
    World,
    academic_years,
)

EARLY, PRIMARY, SECONDARY, POST = range(4)
PHASE_AGE = {EARLY: 3, PRIMARY: 7, SECONDARY: 13, POST: 17}

# Chance of each setting group when a child starts a phase (or gets a first placement).
BASE = {
    EARLY: [0.60, 0.00, 0.38, 0.02, 0.00, 0.000, 0.00],
    PRIMARY: [0.46, 0.12, 0.33, 0.04, 0.015, 0.015, 0.00],
    SECONDARY: [0.30, 0.10, 0.33, 0.16, 0.05, 0.02, 0.00],
    POST: [0.12, 0.00, 0.25, 0.08, 0.00, 0.005, 0.55],
}
# How each need tilts the groups (the INMSS column is the calibrated multiplier instead).
TILT = {
    "ASD": [0.9, 1.4, 1.0, 1, 0.8, 1.0, 1.0],
    "SEMH": [1.0, 0.5, 0.8, 1, 3.0, 1.0, 1.0],
    "SLCN": [1.5, 1.6, 0.6, 1, 0.5, 1.0, 1.0],
    "MLD": [1.3, 1.0, 1.0, 1, 0.6, 1.0, 1.1],
    "SLD": [0.25, 0.5, 2.2, 1, 0.1, 0.5, 0.8],
    "PMLD": [0.08, 0.2, 3.0, 1, 0.0, 0.2, 0.6],
    "SPLD": [2.2, 0.8, 0.3, 1, 0.5, 2.0, 1.2],
    "HI": [1.0, 3.0, 0.7, 1, 0.1, 1.0, 1.0],
    "VI": [1.0, 3.0, 0.7, 1, 0.1, 1.0, 1.0],
    "MSI": [0.3, 1.0, 2.5, 1, 0.1, 0.5, 0.7],
    "PD": [1.2, 1.3, 1.3, 1, 0.2, 1.0, 1.0],
    "DS": [0.9, 0.8, 1.6, 1, 0.1, 0.5, 0.8],
    "OTH": [1.1, 0.8, 1.0, 1, 0.8, 1.0, 1.0],
}
INMSS_START = {
    "ASD": 1.7, "SEMH": 1.5, "SLCN": 0.35, "MLD": 0.3, "SLD": 0.6, "PMLD": 0.6, "SPLD": 0.6,
    "HI": 0.5, "VI": 0.5, "MSI": 1.0, "PD": 0.5, "DS": 0.3, "OTH": 0.8,
}  # fmt: skip
# Mid-phase moves: chance per phase spent in a group, and where a move goes.
MOVE_P = [0.10, 0.08, 0.06, 0.10, 0.60, 0.15, 0.05]
MOVE_TO = {
    MS: [0.00, 0.25, 0.35, 0.20, 0.15, 0.05, 0.00],
    SRP: [0.20, 0.00, 0.45, 0.30, 0.05, 0.00, 0.00],
    SPECIAL: [0.00, 0.00, 0.35, 0.55, 0.10, 0.00, 0.00],
    INMSS: [0.00, 0.00, 0.30, 0.65, 0.05, 0.00, 0.00],
    AP: [0.25, 0.00, 0.40, 0.35, 0.00, 0.00, 0.00],
    INDEP: [0.20, 0.00, 0.30, 0.50, 0.00, 0.00, 0.00],
    POST16: [0.00, 0.00, 0.20, 0.20, 0.00, 0.00, 0.60],
}
# Chance of keeping the same group at a phase change (if the group exists in the new phase).
STICK = [0.55, 0.60, 0.90, 0.85, 0.20, 0.60, 0.95]
AVAILABLE = {
    EARLY: [1, 0, 1, 1, 0, 0, 0],
    PRIMARY: [1, 1, 1, 1, 1, 1, 0],
    SECONDARY: [1, 1, 1, 1, 1, 1, 0],
    POST: [1, 0, 1, 1, 0, 1, 1],
}
LOCAL_WEIGHTS = [0.40, 0.25, 0.15, 0.12, 0.08]
NEED_FILTERED = {"special", "srp_pri", "srp_sec", "post16spec"}
POST16SPEC_P = {"SLD": 0.35, "PMLD": 0.4, "ASD": 0.12, "PD": 0.2, "MSI": 0.3}


def _cumulative(weights) -> list[float]:
    total = float(sum(weights))
    if total <= 0:
        return []
    return list(accumulate(w / total for w in weights))


def _pick(cum: list[float], u: float) -> int:
    return min(bisect_right(cum, u), len(cum) - 1)


class Tables:
    """Cumulative choice tables for group draws, with the calibrated INMSS multipliers."""

    def __init__(self, inmss_mult: np.ndarray) -> None:
        self.start: dict[tuple[int, int], list[float]] = {}
        self.move: dict[tuple[int, int, int], list[float]] = {}
        for phase, base in BASE.items():
            avail = AVAILABLE[phase]
            for need in range(N_NEEDS):
                tilt = TILT[NEEDS[need]]
                weights = [
                    base[g] * (inmss_mult[need] if g == INMSS else tilt[g]) * avail[g]
                    for g in range(7)
                ]
                self.start[phase, need] = _cumulative(weights)
                for group, move in MOVE_TO.items():
                    weights = [
                        move[g] * (inmss_mult[need] if g == INMSS else 1.0) * avail[g]
                        for g in range(7)
                    ]
                    if sum(weights) <= 0:
                        weights = [base[g] * avail[g] for g in range(7)]
                    self.move[phase, need, group] = _cumulative(weights)


class Chooser:
    """Picks a provider for a placement: nearby schools for local settings, a Zipf-weighted
    choice among compatible independent special schools (a few large ones take most)."""

    def __init__(self, world: World) -> None:
        p = world.providers
        self.national = world.size.national
        self.cell = 10_000 if self.national else 4_000
        self.kind = np.array(p["kind"])
        self.east = np.array(p["easting"], dtype=float)
        self.north = np.array(p["northing"], dtype=float)
        self.low = np.array(p["low_age"])
        self.high = np.array(p["high_age"])
        self.sex = np.array(p["sex_of_entry"])
        n = len(self.kind)
        self.needs = np.zeros((n, N_NEEDS), dtype=bool)
        for i, needs in enumerate(p["needs"]):
            for code in needs:
                self.needs[i, NEED_INDEX[code]] = True
        self.by_kind = {kind: np.flatnonzero(self.kind == kind) for kind in set(p["kind"])}
        self.local_cache: dict[tuple, tuple[list[int], list[float]]] = {}
        self.inmss_cache: dict[tuple, tuple[list[int], list[float]]] = {}
        # Zipf-like weights: a handful of large schools first, then a long tail.
        inmss = self.by_kind.get("inmss", np.array([], dtype=np.int64))
        large = np.array(p["large"], dtype=bool)
        weight = np.zeros(n)
        big = [i for i in inmss.tolist() if large[i]]
        small = [i for i in inmss.tolist() if not large[i]]
        for rank, i in enumerate(big):
            weight[i] = 1.0 / (rank + 1) ** 0.35
        for rank, i in enumerate(small):
            weight[i] = 1.0 / (rank + 3) ** 0.8
        if big and small:
            big_total, small_total = weight[big].sum(), weight[small].sum()
            weight[big] *= 0.7 * small_total / big_total
        self.weight = weight

    # Categories of provider for a group in a phase.
    def category(self, group: int, phase: int, u: float, need: int) -> str:
        if group == MS:
            if phase == EARLY:
                return "ms_nursery" if len(self.by_kind.get("ms_nursery", ())) else "ms_pri"
            if phase == PRIMARY:
                return "ms_pri"
            return "ms_sec"
        if group == SRP:
            return "srp_pri" if phase <= PRIMARY else "srp_sec"
        if group == SPECIAL:
            return "special"
        if group == INMSS:
            return "inmss"
        if group == AP:
            return "ap"
        if group == INDEP:
            return "indep"
        return "post16spec" if u < POST16SPEC_P.get(NEEDS[need], 0.06) else "fe"

    def covers(self, provider: int, age: float) -> bool:
        return self.low[provider] <= age + 0.5 and self.high[provider] >= age + 1

    def choose(self, group, phase, need, sex, east, north, age, u, u2, exclude=-1) -> int:
        cat = self.category(group, phase, u2, need)
        if cat == "inmss":
            ids, cum = self._inmss(need, int(min(max(age, 4), 24)), sex, east, north)
        else:
            ids, cum = self._local(cat, need, phase, east, north)
        k = _pick(cum, u)
        if ids[k] == exclude and len(ids) > 1:
            k = (k + 1) % len(ids)
        return ids[k]

    def _local(self, cat, need, phase, east, north):
        cell = (int(east // self.cell), int(north // self.cell))
        key = (cat, need if cat in NEED_FILTERED else -1, phase, cell)
        found = self.local_cache.get(key)
        if found is not None:
            return found
        ids = self.by_kind.get(cat)
        if ids is None or not len(ids):
            fallback = {"ms_nursery": "ms_pri", "srp_pri": "ms_pri", "srp_sec": "ms_sec",
                        "post16spec": "fe", "indep": "ms_sec", "ap": "special"}  # fmt: skip
            ids = self.by_kind[fallback.get(cat, "special")]
        age = PHASE_AGE[phase] if cat != "ms_sec" or phase != POST else 17
        fits = (self.low[ids] <= age) & (self.high[ids] >= age)
        if fits.any():
            ids = ids[fits]
        if cat in NEED_FILTERED:
            meets = self.needs[ids, need]
            if meets.any():
                ids = ids[meets]
        cx, cy = (cell[0] + 0.5) * self.cell, (cell[1] + 0.5) * self.cell
        dist = np.hypot(self.east[ids] - cx, self.north[ids] - cy)
        order = np.argsort(dist, kind="stable")[: len(LOCAL_WEIGHTS)]
        result = (ids[order].tolist(), _cumulative(LOCAL_WEIGHTS[: len(order)]))
        self.local_cache[key] = result
        return result

    def _inmss(self, need, age, sex, east, north):
        region = (int(east // 50_000), int(north // 50_000)) if self.national else None
        key = (need, age, sex, region)
        found = self.inmss_cache.get(key)
        if found is not None:
            return found
        ids = self.by_kind["inmss"]
        sex_ok = (self.sex[ids] == "mixed") | (self.sex[ids] == ("boys" if sex == 0 else "girls"))
        age_ok = (self.low[ids] <= age) & (self.high[ids] >= age)
        need_ok = self.needs[ids, need]
        for mask in (sex_ok & age_ok & need_ok, age_ok & need_ok, need_ok, age_ok):
            if mask.any():
                ids = ids[mask]
                break
        weight = self.weight[ids].copy()
        if region is not None:
            dist = np.hypot(self.east[ids] - east, self.north[ids] - north)
            weight *= np.exp(-dist / 60_000)
        if weight.sum() <= 0:
            weight = np.ones(len(ids))
        result = (ids.tolist(), _cumulative(weight))
        self.inmss_cache[key] = result
        return result


def _simulate(world: World, chooser: Chooser, tables: Tables, rows: np.ndarray, uniforms):
    """Run the careers of the children at `rows`; returns placement columns (lists)."""
    c = world.children
    sept = world.facts["sept"]
    today = world.t
    out_child, out_provider, out_start, out_end, out_group = [], [], [], [], []
    first = world.facts["first_start"]
    for k, i in enumerate(rows.tolist()):
        s0 = int(first[i])
        if s0 == NO_DATE:
            continue
        end = int(c["end"][i])
        cut = min(end, today)
        if s0 > cut:
            continue
        u = uniforms[k]
        ui = 0
        cohort = int(c["cohort"][i])
        dob = int(c["dob"][i])
        need = int(c["need"][i])
        sex = int(c["sex"][i])
        east, north = float(c["easting"][i]), float(c["northing"][i])
        b_r, b_7, b_12 = sept[cohort + 4], sept[cohort + 11], sept[cohort + 16]
        bounds = [b for b in (b_r, b_7, b_12) if s0 < b <= cut]
        starts = [s0, *bounds]
        ends = [b - 1 for b in bounds] + [cut]
        group = provider = -1
        seg_start = s0
        for j, ps in enumerate(starts):
            pe = ends[j]
            phase = EARLY if ps < b_r else PRIMARY if ps < b_7 else SECONDARY if ps < b_12 else POST
            age = (ps - dob) / 365.25
            if j == 0:
                group = _pick(tables.start[phase, need], u[ui])
                provider = chooser.choose(
                    group, phase, need, sex, east, north, age, u[ui + 1], u[ui + 2]
                )
            else:
                keep = u[ui] < STICK[group] and AVAILABLE[phase][group]
                new_group = group if keep else _pick(tables.start[phase, need], u[ui + 1])
                if not (new_group == group and chooser.covers(provider, age)):
                    out_child.append(i)
                    out_provider.append(provider)
                    out_start.append(seg_start)
                    out_end.append(ps - 1)
                    out_group.append(group)
                    group = new_group
                    provider = chooser.choose(
                        group, phase, need, sex, east, north, age, u[ui + 2], u[ui + 3]
                    )
                    seg_start = ps
            ui += 4
            if pe - ps > 200 and u[ui] < MOVE_P[group]:
                move_day = ps + 90 + int(u[ui + 1] * (pe - ps - 180))
                new_group = _pick(tables.move[phase, need, group], u[ui + 2])
                move_age = (move_day - dob) / 365.25
                new_provider = chooser.choose(
                    new_group,
                    phase,
                    need,
                    sex,
                    east,
                    north,
                    move_age,
                    u[ui + 3],
                    u[ui + 4],
                    exclude=provider,
                )
                if new_provider != provider:
                    out_child.append(i)
                    out_provider.append(provider)
                    out_start.append(seg_start)
                    out_end.append(move_day - 1)
                    out_group.append(group)
                    group, provider, seg_start = new_group, new_provider, move_day
            ui += 5
        out_child.append(i)
        out_provider.append(provider)
        out_start.append(seg_start)
        out_end.append(end if end <= today else NO_DATE)
        out_group.append(group)
    return out_child, out_provider, out_start, out_end, out_group


UNIFORMS = 4 * 9 + 4
CHUNK = 50_000


def _uniforms(world: World, chunk: int, count: int) -> list[list[float]]:
    return world.rng(5, chunk).random((count, UNIFORMS)).tolist()


def _inmss_active_by_class(world: World, result, rows_active_ehcp: int):
    child, _, _, end, group = result
    need = world.children["need"]
    counts = np.zeros(3)
    for i, e, g in zip(child, end, group, strict=True):
        if g == INMSS and (e == NO_DATE or e >= world.t):
            n = need[i]
            counts[0 if n == ASD else 1 if n == SEMH else 2] += 1
    return counts


def make_placements(world: World, progress) -> None:
    c = world.children
    n = len(c["id"])
    rng = world.rng(6)
    issue = c["issue"]
    first = np.where(issue != NO_DATE, issue + rng.integers(0, 45, n), NO_DATE)
    world.facts["first_start"] = first
    chooser = Chooser(world)
    world.facts["chooser"] = chooser

    # Calibrate the INMSS multipliers on the first chunk so that the INMSS placements active
    # on the as-of date come to the size's figure with ≈ 50% ASD and ≈ 26% SEMH.
    mult = np.array([INMSS_START[code] for code in NEEDS])
    rows0 = np.arange(min(n, CHUNK))
    u0 = _uniforms(world, 0, len(rows0))
    active_ehcp = int(((issue[rows0] != NO_DATE) & (c["end"][rows0] > world.t)).sum())
    target_total = world.size.inmss_active / world.size.ehcps * active_ehcp
    target = np.array([0.50, 0.26, 0.24]) * target_total
    others = np.array([i not in (ASD, SEMH) for i in range(N_NEEDS)])
    for _ in range(4):
        result = _simulate(world, chooser, Tables(mult), rows0, u0)
        got = _inmss_active_by_class(world, result, active_ehcp)
        factor = np.clip(target / np.maximum(got, 1), 0.3, 3.0)
        mult[ASD] *= factor[0]
        mult[SEMH] *= factor[1]
        mult[others] *= factor[2]
    tables = Tables(mult)
    world.facts["inmss_mult"] = mult.round(3).tolist()

    columns: list[list] = [[], [], [], [], []]
    chunks = range(0, n, CHUNK)
    for number, start in enumerate(progress(chunks, desc="placements", unit="chunk")):
        rows = np.arange(start, min(n, start + CHUNK))
        uniforms = u0 if number == 0 else _uniforms(world, number, len(rows))
        for column, values in zip(
            columns, _simulate(world, chooser, tables, rows, uniforms), strict=True
        ):
            column.extend(values)
    child, provider, start, end, group = (np.array(col, dtype=np.int64) for col in columns)
    world.placements = {
        "child": child,
        "provider": provider,
        "start": start,
        "end": end,
        "group": group,
    }
    _awaiting(world)
    _attributes(world)


def _awaiting(world: World) -> None:
    """A few children whose placement broke down lately: EHCP, no current school, consultations open."""
    rng = world.rng(7)
    pl, c = world.placements, world.children
    t = world.t
    ncy = academic_years(np.full(len(pl["child"]), t)) - c["cohort"][pl["child"]] - 4
    eligible = np.flatnonzero(
        (pl["end"] == NO_DATE)
        & np.isin(pl["group"], [MS, SRP, SPECIAL])
        & (pl["start"] < t - 150)
        & (ncy >= 4)
        & (ncy <= 10)
    )
    count = min(world.size.awaiting_children, len(eligible))
    chosen = rng.choice(eligible, size=count, replace=False) if count else np.array([], np.int64)
    pl["end"][chosen] = t - rng.integers(14, 100, count)
    world.facts["awaiting_children"] = np.sort(pl["child"][chosen])


def _attributes(world: World) -> None:
    """Attendance pattern, costs, funding shares and reason of every placement."""
    rng = world.rng(8)
    pl, c, p = world.placements, world.children, world.providers
    m = len(pl["child"])
    t = world.t
    group = pl["group"]
    need = c["need"][pl["child"]]
    end_open = np.where(pl["end"] == NO_DATE, FAR_FUTURE, pl["end"])
    pl["end_open"] = end_open
    active = (pl["start"] <= t) & (end_open >= t)
    start_ay = academic_years(pl["start"])
    inflation = 1.03 ** (start_ay - world.current_ay).astype(float)
    level = np.array(p["fee_level"])[pl["provider"]]
    kind = np.array(p["kind"])[pl["provider"]]
    boarding = np.array(p["boarding"])[pl["provider"]] == "some"
    age_at_start = (pl["start"] - c["dob"][pl["child"]]) / 365.25

    # Attendance pattern: residential places only at boarding schools, ≈ 8% weekly, 3% 52-week.
    pattern = np.array(["day"] * m, dtype=object)
    inmss = group == INMSS
    eligible = np.flatnonzero(inmss & boarding & (age_at_start >= 8))
    n_inmss = int(inmss.sum())
    order = rng.permutation(eligible)
    n_weekly = min(len(order), round(0.08 * n_inmss))
    n_52 = min(len(order) - n_weekly, round(0.03 * n_inmss))
    pattern[order[:n_weekly]] = "weekly"
    pattern[order[n_weekly : n_weekly + n_52]] = "52_week"

    base = np.zeros(m)
    additional = np.zeros(m)
    noise = np.exp(rng.normal(0, 0.05, m))
    u = rng.random(m)
    # Independent and non-maintained special schools.
    inmss_need = np.full(N_NEEDS, 0.88)
    inmss_need[ASD], inmss_need[SEMH] = 1.0, 1.045
    for code, value in {"PMLD": 1.0, "SLD": 0.95, "MSI": 1.0, "PD": 0.92}.items():
        inmss_need[NEED_INDEX[code]] = value
    enhanced_p = np.where(
        np.isin(need, [SEMH, *[NEED_INDEX[x] for x in ("PMLD", "SLD", "MSI", "PD")]]), 0.3, 0.15
    )
    band = np.where(rng.random(m) < enhanced_p, 1.22, 1.0)
    day_fee = 34_000 * level * inmss_need[need] * band * inflation * noise
    weekly = pattern == "weekly"
    full = pattern == "52_week"
    residential_factor = np.where(
        weekly, rng.uniform(2.3, 3.4, m), np.where(full, rng.uniform(4.6, 6.8, m), 1.0)
    )
    base[inmss] = day_fee[inmss] * residential_factor[inmss]
    extra = inmss & (rng.random(m) < 0.15)
    additional[extra] = np.round(rng.uniform(5_000, 25_000, int(extra.sum())), -1)
    # Maintained and academy special schools (deck: ASD £19,041, SEMH £16,572, all £17.5k).
    special_need = np.full(N_NEEDS, 0.95)
    for code, value in {"ASD": 1.09, "SEMH": 0.95, "PMLD": 1.35, "SLD": 1.15, "PD": 1.15,
                        "MSI": 1.3, "MLD": 0.88, "SLCN": 0.95, "DS": 1.0}.items():  # fmt: skip
        special_need[NEED_INDEX[code]] = value
    special = group == SPECIAL
    base[special] = (17_500 * level * special_need[need] * inflation * noise)[special]
    extra = special & (rng.random(m) < 0.04)
    additional[extra] = np.round(rng.uniform(3_000, 12_000, int(extra.sum())), -1)
    # Everything else: ranges from the deck and typical high-needs top-ups.
    ranges = {
        MS: (6_000, 10_000), SRP: (12_000, 15_000), AP: (15_500, 20_500),
        INDEP: (18_000, 32_000), POST16: (9_000, 15_000),
    }  # fmt: skip
    for g, (lo, hi) in ranges.items():
        mask = group == g
        base[mask] = (lo + u[mask] * (hi - lo)) * inflation[mask]
    nursery = (group == MS) & (kind == "ms_nursery")
    base[nursery] = (5_000 + u[nursery] * 4_000) * inflation[nursery]
    specialist = (group == POST16) & (kind == "post16spec")
    base[specialist] = (35_000 + u[specialist] * 25_000) * inflation[specialist]
    srp = group == SRP

    # Come within ±1.5% of the deck's averages for placements active on the as-of date
    # (INMSS day £36k, maintained special £17.5k).
    jitter = rng.uniform(0.985, 1.015, 2)
    inmss_target, special_target = 36_000 * jitter[0], 17_500 * jitter[1]
    day_inmss = inmss & (pattern == "day") & active
    scale = 1.0
    if day_inmss.any():
        scale = (inmss_target - additional[day_inmss].mean()) / base[day_inmss].mean()
        base[inmss] *= scale
    world.facts["inmss_fee_scale"] = scale
    live_special = special & active
    if live_special.any():
        scale = (special_target - additional[live_special].mean()) / base[live_special].mean()
        base[special] *= scale
    lo_res, hi_res = 80_000, 250_000
    base[inmss & (pattern != "day")] = np.clip(base[inmss & (pattern != "day")], lo_res, hi_res)
    pl["annual_cost"] = np.round(base).astype(np.int64)
    pl["additional_cost"] = additional.astype(np.int64)
    pl["pattern"] = pattern
    pl["band"] = np.where(band > 1, "Enhanced", "Standard")

    education = np.full(m, 100.0)
    health = np.zeros(m)
    social = np.zeros(m)
    education[weekly], social[weekly], health[weekly] = 80, 15, 5
    education[full], social[full], health[full] = 60, 30, 10
    health_part = inmss & (pattern == "day") & (rng.random(m) < 0.05)
    education[health_part], health[health_part] = 90, 10
    pl["education_share"], pl["health_share"], pl["social_care_share"] = education, health, social

    reasons = np.array(["parental_request", "no_local_provision", "needs_too_complex", "no_capacity",
                        "tribunal_order", "other"])  # fmt: skip
    picks = rng.choice(len(reasons), size=m, p=[0.35, 0.2, 0.2, 0.15, 0.08, 0.02])
    reason = np.where(inmss, reasons[picks], "")
    special_reason = rng.choice(["no_capacity", "needs_too_complex", "parental_request"], size=m)
    reason = np.where(special & (rng.random(m) < 0.3), special_reason, reason)
    pl["reason"] = reason
    pl["setting_type"] = np.where(srp, "srp", "")
    pl["id"] = np.arange(1, m + 1)
