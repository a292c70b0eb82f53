"""Shared state of one demo generation: sizes, the as-of date, day arithmetic and the world.

Dates are held as integer days since 1970-01-01 in numpy arrays (fast to compare and to turn
into `datetime.date` in bulk); `NO_DATE` stands for a missing date and an open end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from core import calendar
from placements import rules

EPOCH = dt.date(1970, 1, 1)
NO_DATE = -(10**6)
FAR_FUTURE = 10**6

# Setting groups as small integers for the simulation (index into GROUPS).
MS, SRP, SPECIAL, INMSS, AP, INDEP, POST16 = range(7)
GROUPS = [
    rules.MAINSTREAM,
    rules.SRP,
    rules.SPECIAL,
    rules.INMSS,
    rules.AP,
    rules.INDEPENDENT,
    rules.POST16,
]

NEEDS = rules.NEED_CODES  # SPLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, DS, OTH
N_NEEDS = len(NEEDS)
NEED_INDEX = {code: i for i, code in enumerate(NEEDS)}
ASD = NEED_INDEX["ASD"]
SEMH = NEED_INDEX["SEMH"]

MALE, FEMALE, OTHER_SEX = 0, 1, 2
SEX_CODES = ["M", "F", "X"]


def day(value: dt.date) -> int:
    return (value - EPOCH).days


def date_of(days: int) -> dt.date | None:
    if days == NO_DATE:
        return None
    return EPOCH + dt.timedelta(days=int(days))


def dates_of(days: np.ndarray) -> list[dt.date | None]:
    """Integer days → list of `datetime.date` (None where NO_DATE), in bulk."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == NO_DATE
    out = np.where(missing, 0, days).astype("datetime64[D]").astype(object)
    if missing.any():
        out[missing] = None
    return out.tolist()


def years_months(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of month of integer days, vectorised."""
    d64 = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    years = d64.astype("datetime64[Y]").astype(np.int64) + 1970
    months = d64.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (d64 - d64.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, dom


def academic_years(days: np.ndarray) -> np.ndarray:
    years, months, _ = years_months(days)
    return np.where(months >= 9, years, years - 1)


def term_start(year: int) -> int:
    """The first weekday on or after 2 September: the day a school year's placements start."""
    start = dt.date(year, 9, 2)
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    return day(start)


@dataclass(frozen=True)
class Size:
    name: str
    ehcps: int  # issued EHCPs active on the as-of date
    inmss_active: int  # INMSS placements active on the as-of date
    years: int  # years of history before the as-of date
    providers: dict[str, int]  # providers by kind (see population.KINDS)
    past_meetings: int | None  # past panel meetings kept (None: the whole history)
    upcoming_meetings: int
    requests_per_meeting: tuple[int, int]
    awaiting_children: int  # children with open consultations and no current placement
    block_contracts: tuple[int, int]
    national: bool = False

    @property
    def scale(self) -> float:
        """Size relative to the kent figures the ratios below were written for."""
        return self.ehcps / 12_000


SIZES: dict[str, Size] = {
    "small": Size(
        name="small",
        ehcps=600,
        inmss_active=80,
        years=3,
        providers={
            "inmss": 25,
            "special": 6,
            "srp_pri": 4,
            "srp_sec": 4,
            "ms_nursery": 1,
            "ms_pri": 10,
            "ms_sec": 4,
            "fe": 2,
            "post16spec": 1,
            "ap": 2,
            "indep": 1,
        },
        past_meetings=3,
        upcoming_meetings=1,
        requests_per_meeting=(8, 12),
        awaiting_children=2,
        block_contracts=(2, 2),
    ),
    "kent": Size(
        name="kent",
        ehcps=12_000,
        inmss_active=1_200,
        years=5,
        providers={
            "inmss": 120,
            "special": 24,
            "srp_pri": 32,
            "srp_sec": 24,
            "ms_nursery": 6,
            "ms_pri": 120,
            "ms_sec": 45,
            "fe": 8,
            "post16spec": 5,
            "ap": 10,
            "indep": 12,
        },
        past_meetings=None,
        upcoming_meetings=2,
        requests_per_meeting=(12, 38),
        awaiting_children=8,
        block_contracts=(4, 6),
    ),
    "national": Size(
        name="national",
        ehcps=640_000,
        inmss_active=60_000,
        years=8,
        providers={
            "inmss": 700,
            "special": 750,
            "srp_pri": 260,
            "srp_sec": 200,
            "ms_nursery": 40,
            "ms_pri": 520,
            "ms_sec": 250,
            "fe": 150,
            "post16spec": 50,
            "ap": 130,
            "indep": 90,
        },
        past_meetings=None,
        upcoming_meetings=2,
        requests_per_meeting=(12, 38),
        awaiting_children=400,
        block_contracts=(40, 60),
        national=True,
    ),
}


@dataclass
class World:
    """Everything generated so far, as columns; the writer turns it into rows at the end."""

    size: Size
    seed: int
    today: dt.date
    t: int = 0  # today as integer days
    history_start: int = 0
    current_ay: int = 0
    providers: dict[str, list] = field(default_factory=dict)
    children: dict[str, np.ndarray | list] = field(default_factory=dict)
    placements: dict[str, np.ndarray | list] = field(default_factory=dict)
    tables: dict[str, dict[str, list]] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.t = day(self.today)
        day_of_month = 28 if (self.today.month, self.today.day) == (2, 29) else self.today.day
        start = dt.date(self.today.year - self.size.years, self.today.month, day_of_month)
        self.history_start = day(start)
        self.current_ay = calendar.academic_year_of(self.today)

    def rng(self, *stage: int) -> np.random.Generator:
        """An independent, reproducible random stream per stage (same seed → same data)."""
        return np.random.default_rng([self.seed, *stage])
