"""Places, providers, children and their EHCPs."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from placements import rules

from . import words
from .context import (
    FEMALE,
    MALE,
    N_NEEDS,
    NEED_INDEX,
    NEEDS,
    NO_DATE,
    OTHER_SEX,
    SEMH,
    World,
    day,
    term_start,
    years_months,
)

# --- Places -------------------------------------------------------------------


class Geography:
    """Areas (Kent-like districts, or a grid of local authorities for `national`) with centres."""

    def __init__(self, world: World) -> None:
        self.national = world.size.national
        if not self.national:
            self.names = [d[0] for d in words.DISTRICTS]
            weights = np.array([d[1] for d in words.DISTRICTS])
            self.centres = np.array([(d[2], d[3]) for d in words.DISTRICTS], dtype=float)
            self.outward = [d[4] for d in words.DISTRICTS]
            self.box = words.KENT_BOX
            self.spread = 5_000.0
        else:
            rng = world.rng(1)
            x0, x1, y0, y1 = words.ENGLAND_BOX
            nx, ny = 10, 12
            cell_x, cell_y = (x1 - x0) / nx, (y1 - y0) / ny
            names = _place_names(rng, nx * ny)
            self.names = [
                (name + words.LA_SUFFIXES[i % len(words.LA_SUFFIXES)]).strip()
                for i, name in enumerate(names)
            ]
            self.centres = np.array(
                [
                    (x0 + (i % nx + 0.5) * cell_x, y0 + (i // nx + 0.5) * cell_y)
                    for i in range(nx * ny)
                ]
            )
            weights = rng.gamma(3.0, 1.0, nx * ny)
            areas = words.POSTCODE_AREAS
            self.outward = [
                [f"{areas[i % len(areas)]}{k}" for k in range(1, 9)] for i in range(nx * ny)
            ]
            self.box = words.ENGLAND_BOX
            self.spread = cell_x / 3
        self.weights = weights / weights.sum()

    def sample(self, rng: np.random.Generator, n: int, spread: float | None = None):
        area = rng.choice(len(self.names), size=n, p=self.weights)
        sd = spread or self.spread
        x0, x1, y0, y1 = self.box
        east = np.clip(self.centres[area, 0] + rng.normal(0, sd, n), x0, x1 - 1).astype(np.int64)
        north = np.clip(self.centres[area, 1] + rng.normal(0, sd, n), y0, y1 - 1).astype(np.int64)
        return area, east, north

    def postcodes(self, rng: np.random.Generator, area: np.ndarray) -> list[str]:
        n = len(area)
        pick = rng.random(n)
        digits = rng.integers(1, 10, n)
        letters = rng.integers(0, len(words.INWARD_LETTERS), (n, 2))
        out = []
        for i, a in enumerate(area.tolist()):
            options = self.outward[a]
            outward = options[int(pick[i] * len(options))]
            inward = (
                f"{digits[i]}{words.INWARD_LETTERS[letters[i, 0]]}"
                f"{words.INWARD_LETTERS[letters[i, 1]]}"
            )
            out.append(f"{outward} {inward}")
        return out

    def local_authority(self, area: int) -> str:
        return self.names[area] if self.national else words.HOME_LA


def _place_names(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct fictional place names such as Oakfield, Little Hillbrook."""
    combos = len(words.PLACE_QUALIFIERS) * len(words.PLACE_PREFIXES) * len(words.PLACE_SUFFIXES)
    picks = rng.choice(combos, size=min(n, combos), replace=False)
    names, seen = [], set()
    n_pre, n_suf = len(words.PLACE_PREFIXES), len(words.PLACE_SUFFIXES)
    for value in picks.tolist():
        qualifier = words.PLACE_QUALIFIERS[value // (n_pre * n_suf)]
        prefix = words.PLACE_PREFIXES[(value // n_suf) % n_pre]
        suffix = words.PLACE_SUFFIXES[value % n_suf]
        name = f"{qualifier}{prefix}{suffix}"
        if name not in seen:  # blank qualifiers repeat: keep the first
            seen.add(name)
            names.append(name)
    while len(names) < n:
        names.append(f"{names[len(names) % len(seen)]} {len(names)}")
    return names[:n]


# --- Providers ------------------------------------------------------------------

# kind: (templates, establishment types with weights, phase, age ranges with weights)
_MAINTAINED = {
    "Community school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "Community special school",
    "Foundation special school",
    "Pupil referral unit",
    "Local authority nursery school",
}
_PRIMARY_TYPES = (
    ["Community school", "Academy converter", "Voluntary aided school"]
    + ["Voluntary controlled school", "Academy sponsor led", "Foundation school", "Free schools"],
    [0.35, 0.30, 0.10, 0.10, 0.08, 0.04, 0.03],
)
_SECONDARY_TYPES = (
    ["Academy converter", "Academy sponsor led", "Community school", "Foundation school"]
    + ["Free schools", "Voluntary aided school"],
    [0.50, 0.20, 0.10, 0.10, 0.05, 0.05],
)
KINDS: dict[str, dict] = {
    "inmss": {
        "templates": words.INMSS_TEMPLATES,
        "types": (["Other independent special school", "Non-maintained special school"], [0.88, 0.12]),
        "phase": "Not applicable",
        "ages": ([(5, 19), (7, 19), (11, 19), (11, 18), (8, 18), (4, 11), (10, 19), (5, 16), (11, 16)],
                 [0.22, 0.12, 0.22, 0.10, 0.10, 0.06, 0.08, 0.05, 0.05]),
    },
    "special": {
        "templates": words.SPECIAL_TEMPLATES,
        "types": (["Community special school", "Foundation special school", "Academy special converter",
                   "Academy special sponsor led", "Free schools special"], [0.40, 0.15, 0.25, 0.10, 0.10]),
        "phase": "Not applicable",
        "ages": ([(2, 19), (3, 19)], [0.6, 0.4]),
    },
    "srp_pri": {"templates": words.PRIMARY_TEMPLATES, "types": _PRIMARY_TYPES, "phase": "Primary",
                "ages": ([(4, 11), (3, 11)], [0.8, 0.2])},
    "srp_sec": {"templates": words.SECONDARY_TEMPLATES, "types": _SECONDARY_TYPES, "phase": "Secondary",
                "ages": ([(11, 16), (11, 18)], [0.3, 0.7])},
    "ms_nursery": {"templates": words.NURSERY_TEMPLATES,
                   "types": (["Local authority nursery school"], [1.0]), "phase": "Nursery",
                   "ages": ([(2, 5)], [1.0])},
    "ms_pri": {"templates": words.PRIMARY_TEMPLATES, "types": _PRIMARY_TYPES, "phase": "Primary",
               "ages": ([(4, 11), (3, 11)], [0.8, 0.2])},
    "ms_sec": {"templates": words.SECONDARY_TEMPLATES, "types": _SECONDARY_TYPES, "phase": "Secondary",
               "ages": ([(11, 16), (11, 18)], [0.3, 0.7])},
    "fe": {"templates": words.FE_TEMPLATES, "types": (["Further education"], [1.0]), "phase": "16 plus",
           "ages": ([(16, 99)], [1.0])},
    "post16spec": {"templates": words.POST16_TEMPLATES, "types": (["Special post 16 institution"], [1.0]),
                   "phase": "16 plus", "ages": ([(16, 25)], [1.0])},
    "ap": {"templates": words.AP_TEMPLATES,
           "types": (["Pupil referral unit", "Academy alternative provision converter",
                      "Academy alternative provision sponsor led", "Free schools alternative provision"],
                     [0.6, 0.2, 0.1, 0.1]),
           "phase": "Not applicable", "ages": ([(5, 16), (11, 16)], [0.3, 0.7])},
    "indep": {"templates": words.INDEP_TEMPLATES, "types": (["Other independent school"], [1.0]),
              "phase": "All-through", "ages": ([(3, 18), (4, 18), (7, 18), (11, 18)], [0.3, 0.3, 0.2, 0.2])},
}  # fmt: skip

# Need profiles: which SEN2 needs a provider says it meets.
INMSS_PROFILES = {
    "asd": (0.33, ["ASD", "SLCN"], ["SEMH", "MLD"]),
    "semh": (0.25, ["SEMH"], ["ASD", "OTH", "SLCN"]),
    "complex": (0.12, ["SLD", "PMLD", "ASD", "PD", "DS", "MLD"], ["MSI", "SLCN"]),
    "spld": (0.07, ["SPLD", "SLCN", "MLD"], ["ASD"]),
    "sensory": (0.05, ["HI", "VI", "MSI"], ["SLCN", "PD"]),
    "pd": (0.05, ["PD", "PMLD", "SLD"], ["VI", "MSI", "HI"]),
    "general": (0.13, ["ASD", "SEMH", "MLD", "SLCN", "SPLD"], ["OTH", "DS"]),
}
LARGE_PROFILES = {
    "asd": (0.6, ["ASD", "SLCN", "SEMH", "MLD", "SPLD", "OTH"], []),
    "semh": (0.4, ["SEMH", "ASD", "SLCN", "MLD", "OTH"], []),
}
SPECIAL_PROFILES = {
    "learning": (0.45, ["MLD", "SLD", "PMLD", "ASD", "SLCN", "DS"], ["PD", "OTH"]),
    "asd": (0.25, ["ASD", "SLCN", "MLD"], ["SEMH", "SPLD"]),
    "semh": (0.15, ["SEMH", "ASD"], ["OTH", "MLD"]),
    "physical": (0.15, ["PD", "PMLD", "SLD", "MSI"], ["HI", "VI"]),
}
SRP_PROFILES = {
    "asd": (0.55, ["ASD", "SLCN"], []),
    "slcn": (0.20, ["SLCN", "ASD"], ["MLD"]),
    "hi": (0.08, ["HI"], []),
    "vi": (0.04, ["VI"], []),
    "pd": (0.06, ["PD"], []),
    "semh": (0.04, ["SEMH"], []),
    "spld": (0.03, ["SPLD", "MLD"], []),
}
FEE_LEVEL = {"semh": 1.05, "complex": 1.15, "sensory": 1.2, "pd": 1.15, "spld": 0.95}
OFSTED_LABELS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}


def _profile(rng: np.random.Generator, profiles: dict) -> tuple[str, list[str]]:
    names = list(profiles)
    weights = np.array([profiles[n][0] for n in names])
    name = names[rng.choice(len(names), p=weights / weights.sum())]
    _, core, optional = profiles[name]
    extra = [need for need in optional if rng.random() < 0.5]
    return name, core + extra


def _urns(rng: np.random.Generator, types: list[str]) -> list[int]:
    """Unique, plausible URNs by establishment type (maintained 1xxxxx, independents 8xxxxx)."""
    ranges = {
        "maintained": (100_000, 130_000),
        "post16": (130_000, 131_000),
        "academy": (131_000, 150_000),
        "nmss": (150_000, 160_000),
        "independent": (800_000, 900_000),
    }

    def band(kind: str) -> str:
        if kind in _MAINTAINED:
            return "maintained"
        if kind in ("Further education", "Special post 16 institution"):
            return "post16"
        if kind == "Non-maintained special school":
            return "nmss"
        if kind.startswith("Other independent"):
            return "independent"
        return "academy"

    bands = [band(kind) for kind in types]
    out = [0] * len(types)
    for name, (lo, hi) in ranges.items():
        idx = [i for i, b in enumerate(bands) if b == name]
        if idx:
            values = rng.choice(np.arange(lo, hi), size=len(idx), replace=False)
            for i, value in zip(idx, values.tolist(), strict=True):
                out[i] = value
    return out


def make_providers(world: World, geo: Geography) -> None:
    rng = world.rng(2)
    size = world.size
    kinds = [kind for kind, count in size.providers.items() for _ in range(count)]
    n = len(kinds)
    names = _place_names(rng, n)
    n_large = max(1, round(0.11 * size.providers["inmss"]))
    inmss_seen = 0
    p: dict[str, list] = {key: [] for key in (
        "kind", "name", "establishment_type", "phase", "low_age", "high_age", "sex_of_entry",
        "boarding", "needs", "profile", "ofsted_grade", "ofsted_rating", "ofsted_date",
        "area", "easting", "northing", "local_authority", "resourced_provision_type",
        "resourced_provision_capacity", "fee_level", "large", "capacity_hint",
    )}  # fmt: skip
    area, east, north = geo.sample(rng, n, spread=geo.spread * 1.3)
    for i, kind in enumerate(kinds):
        spec = KINDS[kind]
        type_names, type_weights = spec["types"]
        est_type = type_names[rng.choice(len(type_names), p=type_weights)]
        ages, age_weights = spec["ages"]
        low, high = ages[rng.choice(len(ages), p=age_weights)]
        sex, boarding, large, level, needs, profile = "mixed", "none", False, 1.0, [], ""
        rp_type, rp_capacity = "", None
        template_list = spec["templates"]
        if kind == "inmss":
            large = inmss_seen < n_large
            inmss_seen += 1
            if large:
                profile, needs = _profile(rng, LARGE_PROFILES)
                low, high = [(5, 19), (7, 19), (4, 19), (11, 19), (8, 19)][rng.integers(5)]
                boarding = "none"
                level = float(np.exp(rng.normal(0, 0.05))) * 1.02
            else:
                profile, needs = _profile(rng, INMSS_PROFILES)
                draw = rng.random()
                sex = "boys" if draw < 0.08 else ("girls" if draw < 0.11 else "mixed")
                boarding = "some" if rng.random() < 0.3 else "none"
                level = float(np.exp(rng.normal(0, 0.09)))
            level *= FEE_LEVEL.get(profile, 1.0)
        elif kind == "special":
            profile, needs = _profile(rng, SPECIAL_PROFILES)
            level = float(np.exp(rng.normal(0, 0.06)))
        elif kind in ("srp_pri", "srp_sec"):
            profile, needs = _profile(rng, SRP_PROFILES)
            rp_type = "Resourced provision"
            rp_capacity = int(rng.integers(12, 31) if kind == "srp_pri" else rng.integers(15, 41))
        elif kind == "post16spec":
            needs = ["ASD", "SLD", "PMLD", "MLD", "PD"]
        if kind in ("ms_sec", "srp_sec") and high == 16 and rng.random() < 0.1:
            sex = "boys" if rng.random() < 0.5 else "girls"
        template = template_list[rng.integers(len(template_list))]
        saint = words.SAINTS[rng.integers(len(words.SAINTS))]
        name = template.format(p=names[i], s=saint)
        if kind == "inmss" and geo.national is False and rng.random() < 0.3:
            la = words.NEIGHBOUR_LAS[rng.integers(len(words.NEIGHBOUR_LAS))]
        else:
            la = geo.local_authority(int(area[i]))
        grade = int(rng.choice([1, 2, 3, 4], p=[0.2, 0.6, 0.15, 0.05]))
        if kind in ("special", "ms_pri", "ms_sec", "srp_pri", "srp_sec"):
            grade = int(rng.choice([1, 2, 3, 4], p=[0.18, 0.68, 0.11, 0.03]))
        ofsted_date = world.t - int(rng.integers(60, 5 * 365))
        p["kind"].append(kind)
        p["name"].append(name)
        p["establishment_type"].append(est_type)
        p["phase"].append(spec["phase"])
        p["low_age"].append(low)
        p["high_age"].append(high)
        p["sex_of_entry"].append(sex)
        p["boarding"].append(boarding)
        p["needs"].append(sorted(set(needs), key=NEEDS.index))
        p["profile"].append(profile)
        p["ofsted_grade"].append(grade)
        p["ofsted_rating"].append(OFSTED_LABELS[grade])
        p["ofsted_date"].append(ofsted_date)
        p["area"].append(int(area[i]))
        p["easting"].append(int(east[i]))
        p["northing"].append(int(north[i]))
        p["local_authority"].append(la)
        p["resourced_provision_type"].append(rp_type)
        p["resourced_provision_capacity"].append(rp_capacity)
        p["fee_level"].append(level)
        p["large"].append(large)
    p["urn"] = _urns(rng, p["establishment_type"])
    p["postcode"] = geo.postcodes(rng, np.array(p["area"]))
    p["setting_group"] = [
        rules.setting_group_for_establishment_type(t) for t in p["establishment_type"]
    ]
    p["id"] = list(range(1, n + 1))
    world.providers = p


def finish_providers(world: World) -> None:
    """Capacity and pupils on roll, now that we know how many of our children each one has."""
    rng = world.rng(3)
    p, pl = world.providers, world.placements
    n = len(p["id"])
    active = (pl["start"] <= world.t) & (pl["end_open"] >= world.t)
    on_roll = np.bincount(pl["provider"][active], minlength=n)
    srp_roll = np.bincount(pl["provider"][active & (pl["group"] == 1)], minlength=n)
    capacity, pupils, rp_capacity = [], [], []
    for i in range(n):
        kind = p["kind"][i]
        ours = int(on_roll[i])
        if kind == "inmss":
            cap = max(ours * rng.uniform(1.2, 2.6), rng.uniform(15, 60))
        elif kind == "special":
            cap = max(ours * rng.uniform(1.05, 1.25), rng.uniform(90, 260))
        elif kind in ("ms_pri", "srp_pri"):
            cap = rng.choice([210, 315, 420, 630])
        elif kind in ("ms_sec", "srp_sec"):
            cap = rng.integers(6, 13) * 150
        elif kind == "fe":
            cap = rng.integers(20, 90) * 100
        elif kind == "post16spec":
            cap = max(ours * 1.3, rng.uniform(40, 150))
        elif kind == "ap":
            cap = max(ours * 1.3, rng.uniform(40, 120))
        elif kind == "ms_nursery":
            cap = rng.integers(4, 9) * 13
        else:
            cap = max(ours * 1.5, rng.uniform(150, 900))
        cap = max(int(math.ceil(cap)), ours)
        full = rng.random() < 0.3
        vacancies = 0 if full else int(math.ceil(cap * rng.uniform(0.01, 0.12)))
        capacity.append(cap)
        pupils.append(max(cap - vacancies, ours))
        rp = p["resourced_provision_capacity"][i]
        if rp is not None:
            rp = max(rp, int(srp_roll[i]) + int(rng.integers(0, 4)))
        rp_capacity.append(rp)
    p["capacity"], p["number_of_pupils"] = capacity, pupils
    p["resourced_provision_capacity"] = rp_capacity


# --- Children and EHCPs -----------------------------------------------------------

# Share of EHCPs by primary need (SEN2-like), in NEEDS order.
NEED_MIX = {
    "SPLD": 4.0, "MLD": 10.0, "SLD": 4.5, "PMLD": 1.3, "SEMH": 20.0, "SLCN": 17.0, "HI": 2.0,
    "VI": 1.0, "MSI": 0.2, "PD": 3.0, "ASD": 30.0, "DS": 1.5, "OTH": 4.5,
}  # fmt: skip
MALE_SHARE = {
    "SPLD": 0.65, "MLD": 0.62, "SLD": 0.60, "PMLD": 0.55, "SEMH": 0.75, "SLCN": 0.72, "HI": 0.52,
    "VI": 0.55, "MSI": 0.50, "PD": 0.55, "ASD": 0.80, "DS": 0.55, "OTH": 0.60,
}  # fmt: skip
SECONDARY_OF = {"ASD": ["SEMH", "SLCN", "MLD"], "SEMH": ["ASD", "SLCN", "SPLD"]}
# Last national curriculum year before leaving (NCY 14: leaves the summer they turn 19).
LEAVE_NCY = (
    [11, 13, 14, 15, 16, 17, 18, 19, 20],
    [0.12, 0.26, 0.34, 0.08, 0.07, 0.05, 0.04, 0.02, 0.02],
)
# Age (years) when the EHCP is issued.
ISSUE_AGE = (
    [(2.3, 4), (4, 6), (6, 11), (11, 12), (12, 16), (16, 20)],
    [0.06, 0.22, 0.36, 0.10, 0.19, 0.07],
)
GROWTH = 0.06  # a year: EHCP numbers grow by about 6% a year


def _need_weights() -> np.ndarray:
    weights = np.array([NEED_MIX[code] for code in NEEDS])
    return weights / weights.sum()


def _draw_needs(rng: np.random.Generator, issue_age: np.ndarray) -> np.ndarray:
    """Primary needs, tilted by the age at issue (SLCN early, SEMH and SpLD later)."""
    n = len(issue_age)
    base = _need_weights()
    young, old = base.copy(), base.copy()
    young[NEED_INDEX["SLCN"]] *= 1.7
    young[SEMH] *= 0.4
    young[NEED_INDEX["SPLD"]] *= 0.3
    old[SEMH] *= 1.5
    old[NEED_INDEX["SLCN"]] *= 0.55
    old[NEED_INDEX["SPLD"]] *= 1.4
    out = np.empty(n, dtype=np.int64)
    bands = [(issue_age < 6, young / young.sum()), (issue_age >= 11, old / old.sum())]
    middle = ~(bands[0][0] | bands[1][0])
    bands.append((middle, base))
    for mask, weights in bands:
        out[mask] = rng.choice(N_NEEDS, size=int(mask.sum()), p=weights)
    return out


def _draw_issue_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    bands, weights = ISSUE_AGE
    which = rng.choice(len(bands), size=n, p=weights)
    lo = np.array([b[0] for b in bands])[which]
    hi = np.array([b[1] for b in bands])[which]
    return lo + rng.random(n) * (hi - lo)


def _candidates(world: World, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Children who had an EHCP issued some time in the last 25 years (more of them lately)."""
    span = 25.0
    u = rng.random(n)
    floor = math.exp(-GROWTH * span)
    years_ago = -np.log(u * (1 - floor) + floor) / GROWTH
    issue = world.t - np.round(years_ago * 365.25).astype(np.int64)
    age = _draw_issue_ages(rng, n)
    dob = issue - np.round(age * 365.25).astype(np.int64)
    birth_year, birth_month, _ = years_months(dob)
    cohort = birth_year + (birth_month >= 9)
    leave_ncy = rng.choice(LEAVE_NCY[0], size=n, p=LEAVE_NCY[1])
    leave_year = cohort + 4 + leave_ncy + 1
    leave = np.array([day(dt.date(int(y), 7, 31)) for y in leave_year.tolist()], dtype=np.int64)
    early = rng.random(n) < 0.2
    frac = rng.random(n)
    early_end = issue + 180 + (frac * np.maximum(leave - issue - 180, 0)).astype(np.int64)
    end = np.where(early, np.minimum(early_end, leave), leave)
    return {"issue": issue, "age": age, "dob": dob, "cohort": cohort, "end": end}


def make_children(world: World, geo: Geography) -> None:
    rng = world.rng(4)
    size, t = world.size, world.t
    two_years = 2 * 365
    # Draw a generous pool, keep those whose EHCP touches the history window, then thin it
    # so that the EHCPs active on the as-of date come to the size's figure.
    pool_n = size.ehcps * 4
    while True:
        cand = _candidates(world, rng, pool_n)
        keep = (
            (cand["issue"] <= t)
            & (cand["end"] >= world.history_start)
            & (cand["end"] > cand["issue"] + 30)
            & (cand["dob"] <= t - two_years)
        )
        active = keep & (cand["end"] > t)
        if active.sum() >= size.ehcps:
            break
        pool_n *= 2
    thin = rng.random(pool_n) < size.ehcps / active.sum()
    keep &= thin
    idx = np.flatnonzero(keep)
    issued = {key: value[idx] for key, value in cand.items()}
    n_issued = len(idx)

    # Requests still in progress (or refused) in the last 40 weeks: no issue date.
    n_pending = max(3, round(size.ehcps * 0.08))
    request_p = t - rng.integers(1, 280, n_pending)
    age_p = 3 + rng.random(n_pending) * 13
    dob_p = request_p - np.round(age_p * 365.25).astype(np.int64)

    n = n_issued + n_pending
    issue_age = np.concatenate([issued["age"], age_p])
    need = _draw_needs(rng, issue_age)
    secondary = np.full(n, -1, dtype=np.int64)
    has_secondary = rng.random(n) < 0.07
    for i in np.flatnonzero(has_secondary).tolist():
        options = SECONDARY_OF.get(NEEDS[need[i]], ["SLCN", "ASD", "SEMH", "MLD"])
        options = [code for code in options if code != NEEDS[need[i]]]
        secondary[i] = NEED_INDEX[options[rng.integers(len(options))]]
    male_p = np.array([MALE_SHARE[code] for code in NEEDS])[need]
    draw = rng.random(n)
    sex = np.where(draw < male_p, MALE, FEMALE)
    sex[rng.random(n) < 0.003] = OTHER_SEX

    dob = np.concatenate([issued["dob"], dob_p])
    birth_year, birth_month, _ = years_months(dob)
    cohort = birth_year + (birth_month >= 9)

    # EHCP dates and statuses.
    issue = np.concatenate([issued["issue"], np.full(n_pending, NO_DATE)])
    weeks = np.where(rng.random(n) < 0.5, rng.integers(70, 141, n), rng.integers(141, 281, n))
    request = np.where(
        issue != NO_DATE, issue - weeks, np.concatenate([np.zeros(n_issued, np.int64), request_p])
    )
    decision_days = rng.integers(28, 43, n)
    decision_date = request + decision_days
    end = np.concatenate([issued["end"], np.full(n_pending, NO_DATE)])
    status = np.array(["issued"] * n, dtype=object)
    decision = np.array(["assess"] * n, dtype=object)
    ceased = np.where((end != NO_DATE) & (end <= t), end, NO_DATE)
    status[ceased != NO_DATE] = "ceased"
    pending = np.arange(n) >= n_issued
    recent = pending & (request > t - 42)
    refused = pending & ~recent & (rng.random(n) < 0.15)
    status[pending] = "assessing"
    status[recent] = "requested"
    status[refused] = "not_issued"
    decision[recent] = "pending"
    decision[refused] = "refused"
    decision_date = np.where(recent, NO_DATE, decision_date)

    # People and places.
    area, east, north = geo.sample(rng, n)
    postcodes = geo.postcodes(rng, area)
    first_draw = rng.random(n)
    last_draw = rng.integers(0, len(words.SURNAMES), n)
    first_names = []
    for i in range(n):
        names = (words.BOYS, words.GIRLS, words.NEUTRAL)[sex[i]]
        first_names.append(names[int(first_draw[i] * len(names))])
    refs = rng.permutation(n) + 1
    width = 7 if n >= 1_000_000 else 6
    world.children = {
        "id": np.arange(1, n + 1),
        "ref": [f"CYP{value:0{width}d}" for value in refs.tolist()],
        "first_name": first_names,
        "last_name": [words.SURNAMES[k] for k in last_draw.tolist()],
        "dob": dob,
        "cohort": cohort,
        "sex": sex,
        "need": need,
        "secondary": secondary,
        "area": area,
        "easting": east,
        "northing": north,
        "postcode": postcodes,
        "district": [geo.names[a] for a in area.tolist()],
        "request": request,
        "decision": decision,
        "decision_date": decision_date,
        "issue": issue,
        "end": end,  # planned end of the EHCP (leaving or ceasing), even after today
        "ceased": ceased,
        "status": status,
    }
    world.facts["sept"] = {
        y: term_start(y) for y in range(int(cohort.min()) - 1, world.today.year + 30)
    }
