"""The DPS: frameworks, lots, memberships, fees, uplifts, block contracts, the contract register,
attendance, and the consultations that led to each recent independent placement."""

from __future__ import annotations

import datetime as dt
import functools
import math
from decimal import Decimal

import numpy as np
from django.conf import settings

from dps.rules import consultation_due_date

from .context import INMSS, NO_DATE, World, date_of, day

DPS_NAME = "SEN Independent and Non-Maintained Special Schools DPS"
JUSTIFICATIONS = [
    "Teachers' and support staff pay awards for the coming year.",
    "Employer pension and National Insurance contributions have risen.",
    "Energy, food and transport costs have risen above inflation.",
    "Additional therapy staffing (speech and language, occupational therapy).",
    "Higher staffing ratios needed for the current cohort's needs.",
]
BREAKDOWNS = [
    "Staff pay award {a}%; pension and NI {b}%; utilities and food {c}%.",
    "Teaching and care staff pay {a}%; therapy staffing {b}%; premises {c}%.",
]
SUSPEND_REASONS = ["Ofsted judgement of Inadequate", "Safeguarding concern under review"]
REMOVE_REASONS = [
    "Failed to meet the contract's quality standards",
    "Provider withdrew from the DPS",
]


def money(value: float) -> Decimal:
    return Decimal(int(round(value)))


def percent(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def framework_start(today: dt.date) -> dt.date:
    """1 September 2026 while that framework runs, else the September before today."""
    first = dt.date(2026, 9, 1)
    if first <= today < dt.date(2034, 9, 1):
        return first
    year = today.year if today.month >= 9 else today.year - 1
    return dt.date(year, 9, 1)


def make_dps(world: World) -> None:
    rng = world.rng(10)
    p, pl = world.providers, world.placements
    t = world.t
    start = framework_start(world.today)
    previous_start = start.replace(year=start.year - 4)
    frameworks = {
        "id": [1, 2],
        "name": [f"{DPS_NAME} {previous_start.year}", f"{DPS_NAME} {start.year}"],
        "start_date": [previous_start, start],
        "initial_term_years": [4, 4],
        "max_extension_years": [4, 4],
        "description": [
            "The first DPS for independent and non-maintained special school places.",
            "Two quality-based lots; block contracts with higher-quality schools; annual fee "
            "uplift requests with cost breakdowns above the threshold; attendance penalties.",
        ],
    }
    lots = {
        "id": [1, 2, 3],
        "framework_id": [1, 2, 2],
        "number": [1, 1, 2],
        "name": [
            "Independent and non-maintained special schools",
            "Higher quality, eligible for block contracts",
            "Schools supported to improve",
        ],
        "description": [
            "All admitted schools.",
            "Schools rated Good or Outstanding with a high quality score.",
            "Lower-rated schools kept in to support improvement and existing pupils.",
        ],
        "block_contract_eligible": [False, True, False],
    }
    inmss_ids = [i for i, kind in enumerate(p["kind"]) if kind == "inmss"]
    active = (pl["start"] <= t) & (pl["end_open"] >= t)
    on_roll = np.bincount(pl["provider"][active & (pl["group"] == INMSS)], minlength=len(p["id"]))

    m: dict[str, list] = {key: [] for key in (
        "provider_id", "framework_id", "lot_id", "status", "applied_on", "admitted_on",
        "status_changed_on", "status_reason", "quality_score", "notes",
    )}  # fmt: skip
    windows: dict[
        int, list[tuple[int, int, int]]
    ] = {}  # provider → (framework, from, to) on the DPS
    start_day, prev_day = day(start), day(previous_start)
    for i in inmss_ids:
        grade = p["ofsted_grade"][i]
        lo, hi = {1: (75, 95), 2: (58, 88), 3: (45, 70), 4: (40, 55)}[grade]
        quality = lo + rng.random() * (hi - lo)
        # The previous framework: about 70% of schools, a few removed during it.
        if rng.random() < 0.7 or p["large"][i]:
            applied = prev_day - int(rng.integers(20, 150))
            admitted = applied + int(rng.integers(14, 45))
            removed = rng.random() < 0.1
            changed = admitted + int(rng.integers(200, 1200)) if removed else NO_DATE
            changed = min(changed, start_day - 1) if removed else NO_DATE
            m["provider_id"].append(i + 1)
            m["framework_id"].append(1)
            m["lot_id"].append(1)
            m["status"].append("removed" if removed else "admitted")
            m["applied_on"].append(applied)
            m["admitted_on"].append(admitted)
            m["status_changed_on"].append(changed)
            m["status_reason"].append(REMOVE_REASONS[int(rng.integers(2))] if removed else "")
            m["quality_score"].append(percent(max(40, quality - rng.random() * 8)))
            m["notes"].append("")
            until = changed if removed else start_day - 1
            windows.setdefault(i, []).append((1, admitted, until))
        # The current framework: about 80% of schools, mostly admitted.
        if not (p["large"][i] or on_roll[i] >= 8 or rng.random() < 0.72):
            continue
        draw = rng.random()
        status = (
            "admitted"
            if draw < 0.85
            else "applied"
            if draw < 0.91
            else ("suspended" if draw < 0.96 else "removed")
        )
        if p["large"][i]:
            status = "admitted"
        if rng.random() < 0.8 or t < start_day + 60:
            applied = start_day - int(rng.integers(20, 150))
        else:
            applied = start_day + int(rng.integers(0, max(1, t - start_day - 45)))
        admitted = applied + int(rng.integers(14, 45))
        if status == "applied":
            applied = t - int(rng.integers(3, 40))
            admitted = NO_DATE
        elif admitted > t:
            admitted = t - 1
            applied = min(applied, admitted - 14)
        changed, reason = NO_DATE, ""
        if status in ("suspended", "removed"):
            changed = min(t, admitted + int(rng.integers(30, 400)))
            reason = (SUSPEND_REASONS if status == "suspended" else REMOVE_REASONS)[
                int(rng.integers(2))
            ]
        lot = 2 if grade <= 2 and quality >= 60 else 3
        m["provider_id"].append(i + 1)
        m["framework_id"].append(2)
        m["lot_id"].append(lot)
        m["status"].append(status)
        m["applied_on"].append(applied)
        m["admitted_on"].append(admitted)
        m["status_changed_on"].append(changed)
        m["status_reason"].append(reason)
        m["quality_score"].append(percent(quality))
        m["notes"].append("Ofsted evidence checked at admission." if status == "admitted" else "")
        if admitted != NO_DATE:
            windows.setdefault(i, []).append(
                (2, admitted, changed if changed != NO_DATE else 10**7)
            )
    m["id"] = list(range(1, len(m["provider_id"]) + 1))
    m["ofsted_grade"] = [int(p["ofsted_grade"][pid - 1]) for pid in m["provider_id"]]
    world.tables["membership_history"] = _membership_history(m)
    world.facts["dps_windows"] = windows
    world.facts["framework_start"] = start
    current_members = [
        (k, pid - 1)
        for k, (pid, fw) in enumerate(zip(m["provider_id"], m["framework_id"], strict=True))
        if fw == 2
    ]

    _fees_and_uplifts(world, rng, [i for _, i in current_members])
    blocks, contracts = _blocks_and_contracts(world, rng, m, on_roll, start, previous_start)
    for name, columns in (
        ("framework", frameworks),
        ("lot", lots),
        ("membership", {**m, "version": _versions(m), "applied_on": _dates(m["applied_on"]), "admitted_on": _dates(m["admitted_on"]),
                        "status_changed_on": _dates(m["status_changed_on"])}),
        ("block_contract", blocks),
        ("contract", contracts),
        ("attendance_rule", {
            "id": [1, 2], "framework_id": [1, 2],
            "threshold_percent": [Decimal(80), Decimal(80)],
            "fee_reduction_percent": [Decimal(10), Decimal(10)],
        }),
    ):  # fmt: skip
        world.tables[name] = columns
    _attendance(world, rng)


def _membership_history(m: dict[str, list]) -> dict[str, list]:
    """Each membership's life as django-simple-history rows: applied, then admitted, then the
    suspension or removal with its date and reason, so the membership page shows its history."""
    h: dict[str, list] = {key: [] for key in (
        "id", "provider_id", "framework_id", "lot_id", "status", "applied_on", "admitted_on",
        "status_changed_on", "status_reason", "quality_score", "ofsted_grade", "notes", "version",
        "history_date", "history_type", "history_change_reason", "history_user_id",
    )}  # fmt: skip
    for k in range(len(m["id"])):
        applied, admitted = m["applied_on"][k], m["admitted_on"][k]
        steps = [("applied", applied, NO_DATE, applied, "")]
        if admitted != NO_DATE:
            steps.append(("admitted", applied, admitted, admitted, ""))
        if m["status"][k] in ("suspended", "removed"):
            changed = m["status_changed_on"][k]
            steps.append((m["status"][k], applied, admitted, changed, m["status_reason"][k]))
        for version, (status, app, adm, changed, reason) in enumerate(steps, start=1):
            h["id"].append(m["id"][k])
            h["provider_id"].append(m["provider_id"][k])
            h["framework_id"].append(m["framework_id"][k])
            h["lot_id"].append(m["lot_id"][k])
            h["status"].append(status)
            h["applied_on"].append(date_of(app))
            h["admitted_on"].append(date_of(adm))
            h["status_changed_on"].append(date_of(changed))
            h["status_reason"].append(reason)
            h["quality_score"].append(m["quality_score"][k])
            h["ofsted_grade"].append(m["ofsted_grade"][k])
            h["notes"].append(m["notes"][k] if version == len(steps) else "")
            h["version"].append(version)
            when = date_of(changed) or date_of(app) or dt.date(2000, 1, 1)
            h["history_date"].append(dt.datetime(when.year, when.month, when.day, 9, tzinfo=dt.UTC))
            h["history_type"].append("+" if version == 1 else "~")
            h["history_change_reason"].append(None)
            h["history_user_id"].append(None)
    h["history_id"] = list(range(1, len(h["id"]) + 1))
    return h


def _versions(m: dict[str, list]) -> list[int]:
    """1 applied, 2 admitted, 3 suspended or removed: one per history row."""
    return [
        1 + (admitted != NO_DATE) + (status in ("suspended", "removed"))
        for admitted, status in zip(m["admitted_on"], m["status"], strict=True)
    ]


def _dates(values: list[int]) -> list[dt.date | None]:
    return [date_of(v) for v in values]


def _fees_and_uplifts(world: World, rng: np.random.Generator, members: list[int]) -> None:
    """Fee schedules for the last three academic years and the uplift requests between them.

    Agreed uplifts are negotiated down so that each year's saving (docs/definitions.md) comes to about
    £1m at `kent` size."""
    p, pl = world.providers, world.placements
    years = [world.current_ay - 2, world.current_ay - 1, world.current_ay]
    inmss = pl["group"] == INMSS
    scale = world.facts["inmss_fee_scale"]
    target = 1_000_000 * world.size.inmss_active / 1_200
    u: dict[str, list] = {key: [] for key in (
        "provider_id", "academic_year", "requested_percent", "justification", "cost_breakdown",
        "agreed_percent", "status", "received_on", "decided_on",
    )}  # fmt: skip
    kinds: list[str] = []
    for year in years:
        current = year == world.current_ay
        year_start = day(dt.date(year, 9, 1))
        live = inmss & (pl["start"] <= year_start) & (pl["end_open"] >= year_start)
        base = np.bincount(
            pl["provider"][live], weights=pl["annual_cost"][live], minlength=len(p["id"])
        )
        rows = []
        for i in members:
            draw = rng.random()
            if current:
                kind = (
                    "lower"
                    if draw < 0.6
                    else "full"
                    if draw < 0.72
                    else "rejected"
                    if draw < 0.8
                    else ("negotiating" if draw < 0.92 else "requested")
                )
            else:
                kind = "lower" if draw < 0.7 else "full" if draw < 0.88 else "rejected"
            requested = (
                round(2 + rng.random() * 6, 1)
                if kind != "full"
                else round(2 + rng.random() * 1.5, 1)
            )
            agreed = (
                requested * (0.15 + rng.random() * 0.6)
                if kind == "lower"
                else (requested if kind == "full" else None)
            )
            received = day(dt.date(year, 3, 1)) + int(rng.integers(0, 100))
            received = min(received, world.t - 1)
            decided = (
                received + int(rng.integers(20, 120))
                if kind in ("lower", "full", "rejected")
                else NO_DATE
            )
            if decided != NO_DATE:
                decided = min(decided, world.t)
            rows.append([i, year, requested, agreed, kind, received, decided])
        saving = sum((r[2] - r[3]) / 100 * base[r[0]] for r in rows if r[4] == "lower")
        factor = target / saving if saving > 0 else 1.0
        for r in rows:
            i, year_, requested, agreed, kind, received, decided = r
            if kind == "lower":
                gap = min(requested, (requested - agreed) * factor)
                agreed = max(0.0, requested - gap)
            status = {"lower": "agreed", "full": "agreed"}.get(kind, kind)
            u["provider_id"].append(i + 1)
            u["academic_year"].append(year_)
            u["requested_percent"].append(percent(requested))
            u["justification"].append(JUSTIFICATIONS[int(rng.integers(len(JUSTIFICATIONS)))])
            breakdown = ""
            if requested > settings.UPLIFT_BREAKDOWN_THRESHOLD_PERCENT or rng.random() < 0.3:
                a = round(requested * 0.6, 1)
                b = round(requested * 0.25, 1)
                c = round(requested - a - b, 1)
                breakdown = BREAKDOWNS[int(rng.integers(2))].format(a=a, b=b, c=c)
            u["cost_breakdown"].append(breakdown)
            u["agreed_percent"].append(None if agreed is None else percent(agreed))
            u["status"].append(status)
            u["received_on"].append(date_of(received))
            u["decided_on"].append(date_of(decided))
            kinds.append(kind)
    u["id"] = list(range(1, len(u["provider_id"]) + 1))
    world.tables["uplift"] = u

    # Fee schedules: a day fee per school grown by the agreed uplifts, with an Enhanced band and
    # residential patterns for boarding schools.
    agreed_by = {
        (pid - 1, year): (float(a) if a is not None else 0.0)
        for pid, year, a in zip(
            u["provider_id"], u["academic_year"], u["agreed_percent"], strict=True
        )
    }
    f: dict[str, list] = {
        key: []
        for key in ("provider_id", "academic_year", "attendance_pattern", "band", "annual_fee")
    }
    day_fees: dict[int, float] = {}
    for i in members:
        fee = 34_000 * p["fee_level"][i] * scale * 1.03**-2
        for year in years:
            if year != years[0]:
                fee *= 1 + agreed_by.get((i, year), 0.0) / 100
            patterns = [("day", 1.0)]
            if p["boarding"][i] == "some":
                patterns += [("weekly", 2.8), ("52_week", 5.6)]
            for pattern, factor in patterns:
                for band, band_factor in (("Standard", 1.0), ("Enhanced", 1.22)):
                    value = fee * factor * band_factor
                    if pattern != "day":
                        value = min(max(value, 80_000), 250_000)
                    f["provider_id"].append(i + 1)
                    f["academic_year"].append(year)
                    f["attendance_pattern"].append(pattern)
                    f["band"].append(band)
                    f["annual_fee"].append(money(value))
        day_fees[i] = fee
    f["id"] = list(range(1, len(f["provider_id"]) + 1))
    world.tables["fee_schedule"] = f
    world.facts["day_fee"] = day_fees


def _blocks_and_contracts(world, rng, m, on_roll, start, previous_start):
    p = world.providers
    t = world.t
    lot1 = [
        (pid - 1, admitted)
        for pid, lot, status, admitted in zip(
            m["provider_id"], m["lot_id"], m["status"], m["admitted_on"], strict=True
        )
        if lot == 2 and status == "admitted"
    ]
    lot1.sort(key=lambda item: (-on_roll[item[0]], p["urn"][item[0]]))
    lo, hi = world.size.block_contracts
    count = min(len(lot1), int(rng.integers(lo, hi + 1)))
    pool = lot1[: max(count, 2 * count)]
    picks = sorted(rng.choice(len(pool), size=count, replace=False).tolist()) if count else []
    blocks: dict[str, list] = {key: [] for key in (
        "provider_id", "lot_id", "places_reserved", "price_per_place", "start_date", "end_date",
    )}  # fmt: skip
    contracts: dict[str, list] = {key: [] for key in (
        "reference", "title", "provider_id", "framework_id", "value", "start_date", "end_date",
        "extension_options", "max_extension_months", "status",
    )}  # fmt: skip
    spend = world.facts["inmss_spend_by_fy"]
    for fw, fw_start, status in ((1, previous_start, "expired"), (2, start, "active")):
        fy = fw_start.year
        annual = spend.get(fy) or spend.get(max(spend)) or 0.0
        contracts["reference"].append(f"DPS-INMSS-{fw_start.year}")
        contracts["title"].append(f"{DPS_NAME} {fw_start.year}")
        contracts["provider_id"].append(None)
        contracts["framework_id"].append(fw)
        contracts["value"].append(money(min(round(annual * 4, -5), 9_900_000_000)))
        contracts["start_date"].append(fw_start)
        contracts["end_date"].append(
            fw_start.replace(year=fw_start.year + 4) - dt.timedelta(days=1)
        )
        contracts["extension_options"].append("Up to 4 further years in periods of 12 months")
        contracts["max_extension_months"].append(48)
        contracts["status"].append(status)
    for n, k in enumerate(picks, start=1):
        i, admitted = pool[k]
        places = int(min(40, max(4, round(on_roll[i] * (0.5 + rng.random() * 0.4)))))
        price = world.facts["day_fee"].get(i, 34_000) * (0.9 + rng.random() * 0.07)
        begin = max(day(start), admitted) + int(rng.integers(0, 60))
        begin = min(begin, t)
        begin_date = date_of(begin)
        end_date = begin_date.replace(year=begin_date.year + 3) - dt.timedelta(days=1)
        blocks["provider_id"].append(i + 1)
        blocks["lot_id"].append(2)
        blocks["places_reserved"].append(places)
        blocks["price_per_place"].append(money(price))
        blocks["start_date"].append(begin_date)
        blocks["end_date"].append(end_date)
        contracts["reference"].append(f"BC-{start.year}-{n:03d}")
        contracts["title"].append(f"Block contract: {places} places at {p['name'][i]}")
        contracts["provider_id"].append(i + 1)
        contracts["framework_id"].append(2)
        contracts["value"].append(money(places * round(price) * 3))
        contracts["start_date"].append(begin_date)
        contracts["end_date"].append(end_date)
        contracts["extension_options"].append("Up to 2 further years")
        contracts["max_extension_months"].append(24)
        contracts["status"].append("active")
    blocks["id"] = list(range(1, len(blocks["provider_id"]) + 1))
    contracts["id"] = list(range(1, len(contracts["reference"]) + 1))
    return blocks, contracts


def _attendance(world: World, rng: np.random.Generator) -> None:
    """Termly attendance of independent placements over the last academic year (~5% below 80%)."""
    pl = world.placements
    year = world.current_ay - 1
    terms = [
        ("autumn", dt.date(year, 9, 1), dt.date(year, 12, 31)),
        ("spring", dt.date(year + 1, 1, 1), dt.date(year + 1, 4, 14)),
        ("summer", dt.date(year + 1, 4, 15), dt.date(year + 1, 8, 31)),
    ]
    a: dict[str, list] = {
        key: [] for key in ("placement_id", "academic_year", "term", "attendance_percent")
    }
    inmss = pl["group"] == INMSS
    for term, first, last in terms:
        lo, hi = day(first) + 20, day(last)
        rows = np.flatnonzero(inmss & (pl["start"] <= hi) & (pl["end_open"] >= lo))
        low = rng.random(len(rows)) < 0.05
        values = np.where(
            low, rng.uniform(55, 79.9, len(rows)), 100 - rng.gamma(2.0, 2.6, len(rows))
        )
        values = np.clip(values, np.where(low, 0, 85), 100)
        a["placement_id"].extend((pl["id"][rows]).tolist())
        a["academic_year"].extend([year] * len(rows))
        a["term"].extend([term] * len(rows))
        a["attendance_percent"].extend(percent(v) for v in values.tolist())
    a["id"] = list(range(1, len(a["placement_id"]) + 1))
    world.tables["attendance"] = a


# --- Consultations ---------------------------------------------------------------

RESPONSE_DAYS_MEDIAN = 10


def _response_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """3–25 days, median ≈ 10."""
    return np.clip(np.round(rng.lognormal(math.log(RESPONSE_DAYS_MEDIAN), 0.5, n)), 3, 25).astype(
        np.int64
    )


def _on_dps(world: World, provider: int, sent: int) -> bool:
    for _, first, last in world.facts["dps_windows"].get(provider, []):
        if first <= sent <= last:
            return True
    return False


def _other_schools(
    world: World, rng, child: int, avoid: set[int], count: int, at: int
) -> list[int]:
    chooser = world.facts["chooser"]
    c = world.children
    age = int(min(max((at - c["dob"][child]) / 365.25, 4), 24))
    ids, cum = chooser._inmss(int(c["need"][child]), age, int(c["sex"][child]),
                              float(c["easting"][child]), float(c["northing"][child]))  # fmt: skip
    weights = np.diff(np.concatenate([[0.0], cum]))
    candidates = [
        (pid, w) for pid, w in zip(ids, weights.tolist(), strict=True) if pid not in avoid
    ]
    if len(candidates) < count:
        pool = [
            i
            for i in chooser.by_kind["inmss"].tolist()
            if i not in avoid and i not in dict(candidates)
        ]
        candidates += [(i, 0.2 / max(len(pool), 1)) for i in pool]
    if not candidates:
        return []
    probs = np.array([w for _, w in candidates]) + 1e-9
    picks = rng.choice(
        len(candidates), size=min(count, len(candidates)), replace=False, p=probs / probs.sum()
    )
    return [candidates[k][0] for k in picks.tolist()]


def make_consultations(world: World) -> None:
    rng = world.rng(11)
    pl = world.placements
    t = world.t

    @functools.cache
    def due_day(sent: int) -> int:
        """The due date dps.rules gives (calendar or working days, per the settings)."""
        return day(consultation_due_date(date_of(sent)))

    cols: dict[str, list] = {key: [] for key in (
        "child_id", "provider_id", "on_dps", "parental_request", "sent_on", "due_on", "response",
        "responded_on", "decline_reason", "offered_fee", "offered_start", "last_chased_on",
        "notes", "placement_id", "contact_email", "offered_additional_cost", "decline_detail",
    )}  # fmt: skip
    reasons = ["cannot_meet_need", "no_vacancy", "peer_group", "other"]

    def add(
        child,
        provider,
        sent,
        response,
        responded,
        placement=None,
        fee=None,
        start=None,
        parental=False,
    ):
        cols["child_id"].append(int(child) + 1)
        cols["provider_id"].append(int(provider) + 1)
        cols["on_dps"].append(_on_dps(world, provider, sent))
        cols["parental_request"].append(parental)
        cols["sent_on"].append(sent)
        due = due_day(sent)
        cols["due_on"].append(due)
        cols["response"].append(response)
        cols["responded_on"].append(responded)
        reason = ""
        if response == "decline":
            reason = reasons[int(rng.choice(4, p=[0.45, 0.35, 0.12, 0.08]))]
        cols["decline_reason"].append(reason)
        cols["decline_detail"].append(
            "Cannot offer the therapy input in the plan." if reason == "other" else ""
        )
        cols["contact_email"].append(f"senco@{world.providers['urn'][provider]}.school.example")
        extra = None
        if fee is not None:
            extra = money(5_000 * int(rng.integers(1, 4))) if rng.random() < 0.2 else Decimal(0)
            if placement is not None:
                extra = Decimal(0)  # the placement's own cost already holds what was agreed
        cols["offered_additional_cost"].append(extra)
        cols["offered_fee"].append(None if fee is None else money(fee))
        cols["offered_start"].append(start)
        late = responded == NO_DATE and response == "awaiting" and due < t
        late = late or (responded != NO_DATE and responded > due)
        chased = NO_DATE
        if late and rng.random() < 0.7:
            chased = min(t, due + 1 + int(rng.integers(0, 4)))
            if responded != NO_DATE:
                chased = min(chased, responded)
        cols["last_chased_on"].append(chased)
        cols["notes"].append("Parents asked for this school." if parental else "")
        cols["placement_id"].append(placement)

    # Consultations behind every independent placement started in the last two years.
    recent = np.flatnonzero((pl["group"] == INMSS) & (pl["start"] > t - 730) & (pl["start"] <= t))
    for row in recent.tolist():
        child, provider, start = (
            int(pl["child"][row]),
            int(pl["provider"][row]),
            int(pl["start"][row]),
        )
        count = int(rng.integers(2, 7))
        first_sent = start - int(rng.integers(30, 121))
        others = _other_schools(world, rng, child, {provider}, count - 1, start)
        schools = [provider, *others]
        sent_days = [min(first_sent + int(rng.integers(0, 15)), start - 20) for _ in schools]
        days = _response_days(rng, len(schools))
        parental_slot = int(rng.integers(len(schools))) if rng.random() < 0.25 else -1
        for k, (school, sent) in enumerate(zip(schools, sent_days, strict=True)):
            parental = k == parental_slot
            if k == 0:
                responded = min(sent + int(days[k]), start - 1)
                add(child, school, sent, "offer", responded, placement=int(pl["id"][row]),
                    fee=float(pl["annual_cost"][row]), start=date_of(start), parental=parental)  # fmt: skip
                continue
            draw = rng.random()
            if draw < 0.62:
                add(child, school, sent, "decline", sent + int(days[k]), parental=parental)
            elif draw < 0.75:
                fee = float(pl["annual_cost"][row]) * (0.9 + rng.random() * 0.25)
                add(
                    child,
                    school,
                    sent,
                    "offer",
                    sent + int(days[k]),
                    fee=fee,
                    start=date_of(start),
                    parental=parental,
                )
            elif draw < 0.93:
                add(child, school, sent, "not_needed", NO_DATE, parental=parental)
            else:
                add(child, school, sent, "withdrawn", NO_DATE, parental=parental)

    # Children waiting for a school now: consultations open, some of them overdue.
    overdue = 0
    awaiting = world.facts["awaiting_children"].tolist()
    for n, child in enumerate(awaiting):
        count = int(rng.integers(2, 6))
        base = t - int(rng.integers(8, 40))
        schools = _other_schools(world, rng, child, set(), count, t)
        days = _response_days(rng, len(schools))
        for k, school in enumerate(schools):
            sent = min(base + int(rng.integers(0, 8)), t - 1)
            if n == 0 and k == 0:
                sent = t - settings.CONSULTATION_RESPONSE_DAYS - 5  # at least one is overdue
                while due_day(sent) >= t:  # (working days reach further)
                    sent -= 1
            due = due_day(sent)
            replied = sent + int(days[k])
            answer = rng.random() < (0.5 if due < t else 0.2)
            if n == 0 and k == 0:
                answer = False
            if answer and replied <= t:
                if rng.random() < 0.7:
                    add(
                        child,
                        school,
                        sent,
                        "decline",
                        replied,
                        parental=k == 0 and rng.random() < 0.3,
                    )
                else:
                    fee = world.facts["day_fee"].get(
                        school, 34_000 * world.providers["fee_level"][school]
                    )
                    start = date_of(
                        world.facts["sept"][world.current_ay + 1] if rng.random() < 0.3 else t + 30
                    )
                    add(child, school, sent, "offer", replied, fee=fee, start=start)
            else:
                overdue += due < t
                add(
                    child, school, sent, "awaiting", NO_DATE, parental=k == 0 and rng.random() < 0.3
                )
    world.facts["overdue_consultations"] = overdue
    cols["id"] = list(range(1, len(cols["child_id"]) + 1))
    for key in ("sent_on", "due_on", "responded_on", "last_chased_on"):
        cols[key] = [date_of(v) for v in cols[key]]
    world.tables["consultation"] = cols


# --- Ofsted report cards and SEN contacts --------------------------------------------

REPORT_CARDS_FROM = dt.date(2025, 11, 10)
CARD_AREAS = ["inclusion", "curriculum", "achievement", "attendance_behaviour",
              "personal_development", "leadership"]  # fmt: skip


def report_cards_and_contacts(world: World) -> dict[str, list]:
    """Extra provider columns: about a third of schools inspected since report cards began
    have one (area grades, safeguarding met or not); the rest keep their old judgement. Every
    school gets an SEN contact email (fictional, .example)."""
    rng = world.rng(12)
    p = world.providers
    n = len(p["id"])
    today = date_of(world.t)
    cols: dict[str, list] = {
        "ofsted_report_card_date": [None] * n,
        "ofsted_areas": [{} for _ in range(n)],
        "ofsted_lowest_area_grade": [None] * n,
        "ofsted_safeguarding_met": [None] * n,
        "sen_contact_name": ["SENCo"] * n,
        "sen_contact_email": [f"senco@{urn}.school.example" for urn in p["urn"]],
    }
    if today is None or today <= REPORT_CARDS_FROM:
        return cols
    window = (today - REPORT_CARDS_FROM).days
    grades = [1, 2, 3, 4, 5]
    for i in range(n):
        if rng.random() >= 0.35:
            continue
        areas = {
            code: int(rng.choice(grades, p=[0.08, 0.32, 0.44, 0.12, 0.04])) for code in CARD_AREAS
        }
        cols["ofsted_report_card_date"][i] = REPORT_CARDS_FROM + dt.timedelta(
            days=int(rng.integers(0, window))
        )
        cols["ofsted_areas"][i] = areas
        cols["ofsted_lowest_area_grade"][i] = max(areas.values())
        cols["ofsted_safeguarding_met"][i] = bool(rng.random() < 0.95)
    # At least one of each shape of concern, so every filter has something to leave out.
    if n >= 3:
        cols["ofsted_report_card_date"][0] = today - dt.timedelta(days=1)
        cols["ofsted_areas"][0] = {code: 3 for code in CARD_AREAS} | {"inclusion": 5}
        cols["ofsted_lowest_area_grade"][0] = 5
        cols["ofsted_safeguarding_met"][0] = True
        cols["ofsted_report_card_date"][1] = today - dt.timedelta(days=2)
        cols["ofsted_areas"][1] = {code: 2 for code in CARD_AREAS}
        cols["ofsted_lowest_area_grade"][1] = 2
        cols["ofsted_safeguarding_met"][1] = False
    return cols
