"""The figure rules of docs/definitions.md, implemented once.

Every report, service and import uses these functions; nothing else computes financial years,
academic years, NCY, cost in a period, activity on a date or setting groups.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

from core import calendar, choices

# --- Age and national curriculum year ----------------------------------------


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (1 if before_birthday else 0)


def ncy(date_of_birth: dt.date, academic_year: int) -> int:
    """National curriculum year in an AY: age on the 31 August before it starts, minus 4."""
    return age_on(date_of_birth, dt.date(academic_year, 8, 31)) - 4


def ncy_label(year: int) -> str:
    if year == 0:
        return "Reception"
    if year < 0:
        return f"Early years ({year})"
    return f"Year {year}"


# --- Activity and overlap ---------------------------------------------------


def is_active(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    """Active on a date: start ≤ date and (no end or end ≥ date). A record with no start is never active."""
    return start is not None and start <= on and (end is None or end >= on)


def periods_overlap(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> bool:
    """Two periods overlap when they share a day (ends inclusive; None means open)."""
    a_end_ord = a_end or dt.date.max
    b_end_ord = b_end or dt.date.max
    return a_start <= b_end_ord and b_start <= a_end_ord


# --- Cost -------------------------------------------------------------------


def placement_cost(annual_cost: Decimal, additional_cost: Decimal | None) -> Decimal:
    """Cost of a placement is always base fee + additional funding."""
    return Decimal(annual_cost) + Decimal(additional_cost or 0)


def _financial_year_slices(start: dt.date, end: dt.date):
    """Split an inclusive date range into (slice_start, slice_end, fy) pieces, one per FY."""
    fy = calendar.financial_year_of(start)
    while True:
        fy_start, fy_end = calendar.financial_year_bounds(fy)
        slice_start = max(start, fy_start)
        slice_end = min(end, fy_end)
        if slice_start > end:
            return
        yield slice_start, slice_end, fy
        fy += 1


def cost_in_period(
    cost: Decimal,
    placement_start: dt.date,
    placement_end: dt.date | None,
    period_start: dt.date,
    period_end: dt.date,
) -> Decimal:
    """Cost × days of the placement inside the period ÷ days in that FY, summed FY by FY.

    An open placement runs to the end of the period. Unrounded: money is rounded once, at output.
    """
    if period_end < period_start:
        raise ValueError("The period ends before it starts")
    start = max(placement_start, period_start)
    end = min(placement_end or period_end, period_end)
    if end < start:
        return Decimal(0)
    total = Decimal(0)
    for slice_start, slice_end, fy in _financial_year_slices(start, end):
        days = (slice_end - slice_start).days + 1
        total += Decimal(cost) * days / calendar.days_in_financial_year(fy)
    return total


def cost_in_period_frame(
    frame: pd.DataFrame,
    period_start: dt.date,
    period_end: dt.date,
    *,
    cost: str = "cost",
    start: str = "start_date",
    end: str = "end_date",
) -> pd.Series:
    """The same rule as `cost_in_period`, vectorised over a frame of placements (float pounds)."""
    if period_end < period_start:
        raise ValueError("The period ends before it starts")
    starts = pd.to_datetime(frame[start]).dt.normalize()
    ends = pd.to_datetime(frame[end]).dt.normalize().fillna(pd.Timestamp(period_end))
    total = _constant_cost_in_period(
        frame[cost].astype(float), _cost_from(frame, starts), ends, period_start, period_end
    )
    if EARLIER_COSTS in frame:
        total = total + _earlier_costs_in_period(frame, starts, ends, period_start, period_end)
    return total


# A placement whose fee or funding changed from a date (ADR 0008) carries, from
# `with_cost_segments`, the day its current cost applies from and its earlier costs.
COST_FROM = "cost_from"
EARLIER_COSTS = "earlier_costs"


def _cost_from(frame: pd.DataFrame, starts: pd.Series) -> pd.Series:
    """The day each row's current cost applies from: its start, or its latest cost change."""
    if COST_FROM not in frame:
        return starts
    changed = pd.to_datetime(frame[COST_FROM])
    return starts.where(changed.isna() | (changed <= starts), changed)


def _constant_cost_in_period(
    costs: pd.Series, starts: pd.Series, ends: pd.Series, period_start: dt.date, period_end: dt.date
) -> pd.Series:
    total = pd.Series(0.0, index=costs.index)
    for slice_start, slice_end, fy in _financial_year_slices(period_start, period_end):
        lo = starts.clip(lower=pd.Timestamp(slice_start))
        hi = ends.clip(upper=pd.Timestamp(slice_end))
        days = ((hi - lo).dt.days + 1).clip(lower=0)
        total = total + costs * days / calendar.days_in_financial_year(fy)
    return total


def _earlier_costs_in_period(
    frame: pd.DataFrame,
    starts: pd.Series,
    ends: pd.Series,
    period_start: dt.date,
    period_end: dt.date,
) -> pd.Series:
    """The cost in the period of each row's segments before its current cost: the same rule
    applied to each segment, inside the placement's own dates."""
    earlier = frame[EARLIER_COSTS].to_numpy()
    rows: list[int] = []
    seg_starts: list[pd.Timestamp] = []
    seg_ends: list[pd.Timestamp] = []
    seg_costs: list[float] = []
    for row in _rows_with_changes(frame):
        for seg_from, seg_until, seg_cost, _ in earlier[row]:
            rows.append(row)
            seg_starts.append(
                max(starts.iat[row], seg_from) if pd.notna(seg_from) else starts.iat[row]
            )
            seg_ends.append(min(ends.iat[row], seg_until))
            seg_costs.append(seg_cost)
    if not rows:
        return pd.Series(0.0, index=frame.index)
    spend = _constant_cost_in_period(
        pd.Series(seg_costs, dtype=float),
        pd.Series(seg_starts, dtype="datetime64[ns]"),
        pd.Series(seg_ends, dtype="datetime64[ns]"),
        period_start,
        period_end,
    )
    by_row = np.bincount(rows, weights=spend.to_numpy(), minlength=len(frame))
    return pd.Series(by_row, index=frame.index)


def _rows_with_changes(frame: pd.DataFrame) -> np.ndarray:
    """Positions of the rows whose cost changed (few): the others need no look."""
    return np.flatnonzero(frame[EARLIER_COSTS].notna().to_numpy())


def with_cost_segments(placements: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """`placements` (with `id`) with `cost_from` and `earlier_costs` from their cost changes
    (`placement_id`, `effective_from`, `cost`, `previous_cost`, `annual_cost`,
    `previous_annual_cost`), so that `cost_in_period_frame`
    costs each day at the cost in effect on it: before the first change, that change's
    previous cost; from each change to the day before the next, its cost; from the latest
    change on, the placement's own `cost` (which an import may have corrected)."""
    frame = placements.assign(
        **{
            COST_FROM: pd.Series(pd.NaT, index=placements.index, dtype="datetime64[ns]"),
            EARLIER_COSTS: pd.Series(None, index=placements.index, dtype=object),
        }
    )
    if changes.empty or placements.empty:
        return frame
    ordered = changes.sort_values(["placement_id", "effective_from"], kind="stable")
    earlier: dict[float, tuple] = {}
    latest: dict[float, pd.Timestamp] = {}
    day = pd.Timedelta(days=1)
    for placement_id, group in ordered.groupby("placement_id", sort=False):
        starts = list(group["effective_from"])
        costs = list(group["cost"])
        fees = list(group["annual_cost"])
        segments = [
            (
                pd.NaT,
                starts[0] - day,
                float(group["previous_cost"].iat[0]),
                float(group["previous_annual_cost"].iat[0]),
            )
        ]
        segments += [
            (starts[i], starts[i + 1] - day, float(costs[i]), float(fees[i]))
            for i in range(len(starts) - 1)
        ]
        earlier[float(placement_id)] = tuple(segments)
        latest[float(placement_id)] = starts[-1]
    ids = frame["id"].astype(float)
    frame[COST_FROM] = pd.to_datetime(ids.map(latest)).astype("datetime64[ns]")
    frame[EARLIER_COSTS] = ids.map(earlier).astype(object)
    return frame


def base_fee_on(
    annual_cost: Decimal,
    changes: list[tuple[dt.date, Decimal, Decimal]],
    day: dt.date,
) -> Decimal:
    """A placement's base fee on `day`, given its `annual_cost` (from its latest change on) and
    its changes as (effective from, base fee from then, base fee before), in date order."""
    if not changes or day >= changes[-1][0]:
        return annual_cost
    earlier = [fee for effective_from, fee, _ in changes if effective_from <= day]
    return earlier[-1] if earlier else changes[0][2]


def base_fee_on_frame(frame: pd.DataFrame, day: dt.date) -> pd.Series:
    """`base_fee_on` vectorised over placements carrying `with_cost_segments`' columns."""
    fees = frame["annual_cost"].astype(float)
    if EARLIER_COSTS not in frame:
        return fees
    on = pd.Timestamp(day)
    fees = fees.copy()
    earlier = frame[EARLIER_COSTS].to_numpy()
    for row in _rows_with_changes(frame):
        for seg_from, seg_until, _, fee in earlier[row]:
            if (pd.isna(seg_from) or seg_from <= on) and on <= seg_until:
                fees.iat[row] = fee
    return fees


def active_mask(
    frame: pd.DataFrame, on: dt.date, *, start: str = "start_date", end: str = "end_date"
) -> pd.Series:
    """`is_active` vectorised over a frame."""
    on_ts = pd.Timestamp(on)
    starts = pd.to_datetime(frame[start])
    ends = pd.to_datetime(frame[end])
    return (starts <= on_ts) & (ends.isna() | (ends >= on_ts))


def ncy_frame(dates_of_birth: pd.Series, academic_year: int) -> pd.Series:
    """`ncy` vectorised over a series of dates of birth."""
    dob = pd.to_datetime(dates_of_birth)
    cutoff = dt.date(academic_year, 8, 31)
    before = (dob.dt.month > cutoff.month) | (
        (dob.dt.month == cutoff.month) & (dob.dt.day > cutoff.day)
    )
    return (cutoff.year - dob.dt.year - np.where(before, 1, 0) - 4).astype("Int64")


# --- Setting groups ---------------------------------------------------------

INMSS = "inmss"
SPECIAL = "special"
SRP = "srp"
MAINSTREAM = "mainstream"
POST16 = "post16"
AP = "ap"
INDEPENDENT = "independent"
OTHER = "other"

SETTING_GROUP_CHOICES = [
    (INMSS, "Independent or non-maintained special"),
    (SPECIAL, "Maintained or academy special"),
    (SRP, "Resourced provision (SRP) or SEN unit"),
    (MAINSTREAM, "Mainstream"),
    (POST16, "Further education and post-16"),
    (AP, "Alternative provision"),
    (INDEPENDENT, "Independent mainstream"),
    (OTHER, "Other"),
]
SETTING_GROUPS = [value for value, _ in SETTING_GROUP_CHOICES]


def _type_key(name: str) -> str:
    key = choices.normalise_choice(name).replace("16_to_19", "16_19")
    return key


_ESTABLISHMENT_TYPE_GROUPS = {
    _type_key(name): group
    for group, names in {
        INMSS: ["Other independent special school", "Non-maintained special school"],
        SPECIAL: [
            "Community special school",
            "Foundation special school",
            "Academy special converter",
            "Academy special sponsor led",
            "Free schools special",
        ],
        POST16: [
            "Further education",
            "Sixth form centres",
            "Academy 16-19 converter",
            "Academy 16-19 sponsor led",
            "Academy 16 to 19 sponsor led",
            "Free schools 16 to 19",
            "Special post 16 institution",
        ],
        AP: [
            "Pupil referral unit",
            "Academy alternative provision converter",
            "Academy alternative provision sponsor led",
            "Free schools alternative provision",
        ],
        INDEPENDENT: ["Other independent school"],
        MAINSTREAM: [
            "Community school",
            "Voluntary aided school",
            "Voluntary controlled school",
            "Foundation school",
            "Academy converter",
            "Academy sponsor led",
            "Free schools",
            "University technical college",
            "Studio schools",
            "City technology college",
            "Local authority nursery school",
        ],
    }.items()
    for name in names
}


def setting_group_for_establishment_type(establishment_type: str | None) -> str:
    """Map a GIAS `TypeOfEstablishment (name)` to a setting group (the imports issue's table)."""
    if not establishment_type:
        return OTHER
    return _ESTABLISHMENT_TYPE_GROUPS.get(_type_key(establishment_type), OTHER)


# --- Need types ---------------------------------------------------------------

NEED_TYPES = [
    ("SPLD", "SpLD - Specific Learning Difficulty"),
    ("MLD", "MLD - Moderate Learning Difficulty"),
    ("SLD", "SLD - Severe Learning Difficulty"),
    ("PMLD", "PMLD - Profound and Multiple Learning Difficulty"),
    ("SEMH", "SEMH - Social, Emotional and Mental Health"),
    ("SLCN", "SLCN - Speech, language and Communication"),
    ("HI", "HI - Hearing Impairment"),
    ("VI", "VI - Visual Impairment"),
    ("MSI", "MSI - Multi-Sensory Impairment"),
    ("PD", "PD - Physical Disability"),
    ("ASD", "ASD - Autistic Spectrum Disorder"),
    ("DS", "DS - Down Syndrome"),
    ("OTH", "OTH - Other Difficulty/Disability"),
]
NEED_CODES = [code for code, _ in NEED_TYPES]
_NEED_ALIASES = {"SPLD": "SPLD", "SpLD": "SPLD", "OTHER": "OTH"}


def parse_need_code(text: str | None) -> str | None:
    """`ASD`, `asd` or GIAS's `ASD - Autistic Spectrum Disorder` → `ASD`; None when unknown."""
    if text is None:
        return None
    head = str(text).strip().split(" - ", 1)[0].strip().upper()
    head = _NEED_ALIASES.get(head, head)
    if head in NEED_CODES:
        return head
    wanted = str(text).strip().lower()
    for code, label in NEED_TYPES:
        if wanted == label.lower() or wanted == label.split(" - ", 1)[1].lower():
            return code
    return None


TWENTY_WEEKS_DAYS = 140


def issued_within_20_weeks(request_date: dt.date, issue_date: dt.date) -> bool:
    """20-week timeliness: the plan was issued within 140 days of the request (docs/definitions.md)."""
    return (issue_date - request_date).days <= TWENTY_WEEKS_DAYS
