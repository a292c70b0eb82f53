"""Panel meetings and their requests: agreed requests behind real placements, declines, and
requests that came back with more information; the next meetings' requests still undecided."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from core import calendar
from placements import rules

from . import words
from .context import AP, ASD, INDEP, INMSS, MS, NEEDS, SEMH, SPECIAL, SRP, World, date_of
from .dps import money

LONDON = ZoneInfo("Europe/London")
NEED_LABELS = dict(rules.NEED_TYPES)
SUMMARIES = {
    "new_placement": [
        "Mainstream placement breaking down; parents ask for a specialist independent school.",
        "No maintained special school place available for September.",
        "Needs too complex for local special schools; tribunal hearing listed.",
        "Year 7 transfer: parents have asked for an independent specialist school.",
        "Out of school for a term; local special schools consulted and declined.",
    ],
    "change_of_placement": [
        "Current placement cannot meet needs; a move to a specialist school is proposed.",
        "Placement has broken down after exclusions; a new specialist school is proposed.",
    ],
    "additional_funding": [
        "1:1 adult support needed to keep the placement stable.",
        "Class staffing ratio unmanageable without extra support.",
        "High level of need while awaiting a specialist place.",
    ],
    "continuation": ["Continuation into post-16 at the current school."],
}
AGREED_REASONS = [
    "Needs cannot be met in local maintained provision.",
    "Evidence supports the placement; cost within the DPS fee.",
    "Agreed on the evidence of the EHCP and the school's assessment.",
]
DECLINED_REASONS = [
    "Needs can be met in a maintained special school.",
    "A local SRP place is available.",
    "Insufficient evidence that needs cannot be met locally.",
    "Cost not justified by the evidence presented.",
]
MORE_INFO_REASONS = [
    "Updated educational psychology advice needed.",
    "Evidence of local schools consulted needed.",
    "Cost breakdown from the school required.",
    "Parents' views to be confirmed.",
]
CONDITIONS = [
    "Review at the next annual review.",
    "Agreed for one academic year.",
    "Transport to be arranged by the LA.",
    "",
]


def _schedule(world: World) -> list[tuple[int, str]]:
    """Fortnightly Thursdays ending with the next meetings after today; every fourth an SRP panel."""
    t = world.t
    first = date_of(t + 1)
    while first.weekday() != 3:
        first += dt.timedelta(days=1)
    anchor = (first - date_of(0)).days
    size = world.size
    meetings = []
    k = -1
    while True:
        when = anchor + 14 * k
        if when < world.history_start + 14:
            break
        if size.past_meetings is not None and -k > size.past_meetings:
            break
        meetings.append((k, when))
        k -= 1
    meetings += [(k, anchor + 14 * k) for k in range(size.upcoming_meetings)]
    meetings.sort(key=lambda item: item[1])
    return [(when, "srp" if k % 4 == 3 else "independent_placement") for k, when in meetings]


def make_panels(world: World) -> None:
    rng = world.rng(12)
    size, t = world.size, world.t
    pl = world.placements
    schedule = _schedule(world)
    n_meet = len(schedule)
    dates = np.array([when for when, _ in schedule])
    types = [kind for _, kind in schedule]
    past = dates < t
    factor = size.scale if size.national else 1.0
    lo, hi = size.requests_per_meeting
    target = np.round(rng.integers(lo, hi + 1, n_meet) * factor).astype(int)
    finals_target = np.round(0.8 * target).astype(int)
    cap = np.floor(0.62 * finals_target).astype(int)

    requests: list[dict] = []
    taken: set[tuple[int, int, str]] = set()

    def add(meeting, child, kind, provider, base, additional, outcome, placement=None, start=None):
        key = (meeting, child, kind)
        if key in taken:
            return None
        taken.add(key)
        row = {
            "meeting": meeting, "child": child, "kind": kind, "provider": provider,
            "base": float(base), "additional": float(additional), "outcome": outcome,
            "placement": placement, "start": start, "returning_from": None,
        }  # fmt: skip
        requests.append(row)
        return row

    # Previous group of each placement's child (for change of placement).
    order = np.lexsort((pl["start"], pl["child"]))
    previous_group = np.full(len(order), -1)
    same = pl["child"][order][1:] == pl["child"][order][:-1]
    previous_group[order[1:][same]] = pl["group"][order[:-1][same]]

    # Agreed requests behind real placements, spread over the meetings before each start.
    load = np.zeros(n_meet, dtype=int)
    for panel_type, group, lead in (("independent_placement", INMSS, 150), ("srp", SRP, 120)):
        meeting_ids = np.array([k for k in range(n_meet) if types[k] == panel_type and past[k]])
        if not len(meeting_ids):
            continue
        rows = np.flatnonzero(
            (pl["group"] == group)
            & (pl["start"] > dates[meeting_ids].min() + 7)
            & (pl["reason"] != "tribunal_order")
        )
        rows = rows[np.argsort(pl["start"][rows], kind="stable")]
        keep = rng.random(len(rows)) < 0.85
        for row in rows[keep].tolist():
            start = int(pl["start"][row])
            ok = meeting_ids[
                (dates[meeting_ids] <= start - 7) & (dates[meeting_ids] >= start - lead)
            ]
            ok = ok[load[ok] < cap[ok]]
            if not len(ok):
                continue
            meeting = int(ok[np.argmin(load[ok])])
            kind = "change_of_placement" if previous_group[row] == group else "new_placement"
            bump = 1.0 if rng.random() < 0.6 else 1.0 + rng.random() * 0.08
            made = add(meeting, int(pl["child"][row]), kind, int(pl["provider"][row]),
                       round(float(pl["annual_cost"][row]) * bump), pl["additional_cost"][row],
                       "agreed", placement=row, start=start)  # fmt: skip
            if made:
                made["agreed"] = float(pl["annual_cost"][row] + pl["additional_cost"][row])
                load[meeting] += 1

    # Synthetic requests fill each meeting; outcomes so that past decisions come to
    # ≈ 50% agreed, 30% declined, 20% more information (with a few deferred).
    fill = np.maximum(finals_target - load, 0)
    past_fill = int(fill[past].sum())
    finals_past = int(load[past].sum()) + past_fill
    agreed_needed = max(0, round(0.625 * finals_past) - int(load[past].sum()))
    agreed_needed = min(agreed_needed, past_fill)
    outcomes = np.array(["agreed"] * agreed_needed + ["declined"] * (past_fill - agreed_needed))
    outcomes = outcomes[rng.permutation(len(outcomes))]
    cursor = 0
    for meeting in range(n_meet):
        count = int(fill[meeting])
        if past[meeting]:
            chosen = outcomes[cursor : cursor + count].tolist()
            cursor += count
        else:
            chosen = [""] * count
        _synthetic(world, rng, meeting, int(dates[meeting]), types[meeting], chosen, add)

    # Children waiting for a school go to the next independent placement panel.
    upcoming_ipp = [k for k in range(n_meet) if not past[k] and types[k] == "independent_placement"]
    if upcoming_ipp:
        consult = world.tables["consultation"]
        offers = {}
        for child_id, provider_id, response in zip(
            consult["child_id"], consult["provider_id"], consult["response"], strict=True
        ):
            if response in ("offer", "awaiting"):
                offers.setdefault(child_id - 1, provider_id - 1)
        for child in world.facts["awaiting_children"].tolist():
            provider = offers.get(child)
            fee = world.facts["day_fee"].get(provider, 36_000) if provider is not None else 36_000
            add(upcoming_ipp[0], child, "new_placement", provider, round(fee), 0, "",
                start=world.facts["sept"][world.current_ay + 1])  # fmt: skip

    # Requests that needed more information (or were deferred) came back to a later meeting.
    by_type = {kind: [k for k in range(n_meet) if types[k] == kind] for kind in set(types)}
    position = {k: (kind, by_type[kind].index(k)) for k in range(n_meet) for kind in [types[k]]}
    finals = list(requests)
    finals_past = sum(1 for r in finals if past[r["meeting"]])
    eligible = []
    for r in finals:
        kind, pos = position[r["meeting"]]
        if pos >= 1 and past[by_type[kind][pos - 1]]:
            eligible.append(r)
    wanted = min(len(eligible), round(0.25 * finals_past))
    picks = rng.choice(len(eligible), size=wanted, replace=False) if wanted else []
    for k in sorted(picks.tolist() if len(picks) else []):
        final = eligible[k]
        kind, pos = position[final["meeting"]]
        back = 2 if pos >= 2 and past[by_type[kind][pos - 2]] and rng.random() < 0.3 else 1
        earlier = by_type[kind][pos - back]
        outcome = "more_information" if rng.random() < 0.88 else "deferred"
        existing = final["kind"] in ("additional_funding", "continuation")
        prefix = add(earlier, final["child"], final["kind"], final["provider"],
                     round(final["base"] * (1 + rng.random() * 0.04)), final["additional"], outcome,
                     placement=final["placement"] if existing else None, start=final["start"])  # fmt: skip
        if prefix is not None:
            final["returning_from"] = prefix

    _write(world, rng, schedule, requests, past)


def _synthetic(world, rng, meeting, when, panel_type, outcomes, add) -> None:
    """Requests about other children: declines, additional funding, continuations, and
    new placements agreed lately that have not started yet."""
    if not outcomes:
        return
    pl, c = world.placements, world.children
    t = world.t
    chooser = world.facts["chooser"]
    live = (pl["start"] <= when) & (pl["end_open"] >= when)
    need = c["need"][pl["child"]]
    ncy = calendar.academic_year_of(date_of(when)) - c["cohort"][pl["child"]] - 4
    need_weight = np.where(need == ASD, 2.5, np.where(need == SEMH, 2.2, 0.6))
    year7 = np.where((ncy == 6) | (ncy == 7), 2.0, 1.0)
    pools = {}

    def pool(name):
        if name not in pools:
            if name == "new":
                groups = [MS, SRP, SPECIAL, AP, INDEP] if panel_type != "srp" else [MS, SPECIAL]
                mask = live & np.isin(pl["group"], groups) & (ncy >= 1) & (ncy <= 12)
            elif name == "change":
                mask = live & np.isin(pl["group"], [INMSS, SPECIAL]) & (ncy >= 1) & (ncy <= 13)
            elif name == "funding":
                mask = live & np.isin(
                    pl["group"], [INMSS, SPECIAL] if panel_type != "srp" else [SRP]
                )
            else:  # continuation
                mask = live & (pl["group"] == INMSS) & (ncy >= 10)
            rows = np.flatnonzero(mask)
            weights = need_weight[rows] * (year7[rows] if name == "new" else 1.0)
            pools[name] = (rows, weights / weights.sum() if len(rows) else weights)
        return pools[name]

    kinds = []
    for outcome in outcomes:
        draw = rng.random()
        if outcome == "declined":
            kind = (
                "new_placement"
                if draw < 0.7
                else "change_of_placement"
                if draw < 0.82
                else "additional_funding"
            )
        elif outcome == "agreed":
            if when >= t - 70 and draw < 0.5:
                kind = "new_placement"
            else:
                kind = (
                    "additional_funding"
                    if rng.random() < 0.6 or panel_type == "srp"
                    else "continuation"
                )
        else:  # upcoming: undecided
            kind = (
                "new_placement"
                if draw < 0.65
                else "additional_funding"
                if draw < 0.85
                else ("change_of_placement" if panel_type != "srp" else "additional_funding")
            )
            if kind == "additional_funding" and draw > 0.95 and panel_type != "srp":
                kind = "continuation"
        kinds.append(kind)
    pool_of = {"new_placement": "new", "change_of_placement": "change",
               "additional_funding": "funding", "continuation": "continuation"}  # fmt: skip
    # One weighted draw per pool (not per request): the pools can hold a million placements.
    drawn: dict[str, list[int]] = {}
    for name in sorted({pool_of[kind] for kind in kinds}):
        rows, weights = pool(name)
        wanted = sum(1 for kind in kinds if pool_of[kind] == name)
        if len(rows):
            size = min(wanted, len(rows))
            picks = rng.choice(len(rows), size=size, replace=False, p=weights)
            drawn[name] = rows[picks].tolist()
    for outcome, kind in zip(outcomes, kinds, strict=True):
        queue = drawn.get(pool_of[kind])
        if not queue:
            continue
        row = queue.pop()
        child = int(pl["child"][row])
        start = None
        placement = None
        if kind in ("new_placement", "change_of_placement"):
            age = (when - c["dob"][child]) / 365.25
            if panel_type == "srp":
                provider = chooser.choose(SRP, 1 if age < 11 else 2, int(c["need"][child]), int(c["sex"][child]),
                                          float(c["easting"][child]), float(c["northing"][child]), age,
                                          rng.random(), rng.random())  # fmt: skip
                base, additional = 12_000 + rng.random() * 3_000, 0
            else:
                provider = chooser.choose(INMSS, 2, int(c["need"][child]), int(c["sex"][child]),
                                          float(c["easting"][child]), float(c["northing"][child]), age,
                                          rng.random(), rng.random(), exclude=int(pl["provider"][row]))  # fmt: skip
                fee = world.facts["day_fee"].get(provider)
                if fee is None:
                    fee = (
                        34_000
                        * world.providers["fee_level"][provider]
                        * world.facts["inmss_fee_scale"]
                    )
                base = fee * (1.22 if rng.random() < 0.2 else 1.0)
                additional = round(5_000 + rng.random() * 20_000, -1) if rng.random() < 0.15 else 0
            start = when + int(rng.integers(21, 120))
            if outcome == "agreed":
                start = max(start, t + 14)
        elif kind == "additional_funding":
            provider = int(pl["provider"][row])
            placement = row
            base, additional = 0, round(5_000 + rng.random() * 20_000, -1)
            start = when + 14
        else:
            provider = int(pl["provider"][row])
            placement = row
            base, additional = float(pl["annual_cost"][row]), float(pl["additional_cost"][row])
            start = world.facts["sept"][calendar.academic_year_of(date_of(when)) + 1]
        made = add(
            meeting,
            child,
            kind,
            provider,
            round(base),
            additional,
            outcome,
            placement=placement,
            start=start,
        )
        if made and outcome == "agreed":
            requested = made["base"] + made["additional"]
            made["agreed"] = (
                requested if rng.random() < 0.6 else round(requested * (0.9 + rng.random() * 0.09))
            )


def _users() -> tuple[int | None, int | None]:
    """The demo commissioner and officer, when `create_demo_users` has made them."""
    from django.contrib.auth import get_user_model

    users = dict(
        get_user_model()
        .objects.filter(username__in=["commissioner", "officer"])
        .values_list("username", "id")
    )
    return users.get("commissioner"), users.get("officer")


def _write(world: World, rng, schedule, requests, past) -> None:
    c, pl = world.children, world.placements
    commissioner, officer = _users()
    people = [
        f"{words.GIRLS[k % len(words.GIRLS)]} {words.SURNAMES[(7 * k) % len(words.SURNAMES)]}"
        for k in range(12)
    ]
    meetings: dict[str, list] = {
        key: [] for key in ("date", "panel_type", "chair", "members", "location", "notes")
    }
    for k, (when, kind) in enumerate(schedule):
        meetings["date"].append(date_of(when))
        meetings["panel_type"].append(kind)
        chair = people[0] if kind == "independent_placement" else people[1]
        role = (
            "Head of SEN Placements" if kind == "independent_placement" else "SEN Inclusion Manager"
        )
        meetings["chair"].append(f"{chair} ({role})")
        members = [
            f"{people[2 + (k + j) % 8]}, {title}"
            for j, title in enumerate(
                [
                    "SEN Commissioner",
                    "Educational Psychologist",
                    "SEN Officer",
                    "Finance Business Partner",
                ]
            )
        ]
        meetings["members"].append("\n".join(members))
        meetings["location"].append("County Hall, Maidstone" if k % 2 else "Online (Teams)")
        meetings["notes"].append("")
    meetings["id"] = list(range(1, len(schedule) + 1))
    world.tables["meeting"] = meetings

    requests.sort(key=lambda r: (schedule[r["meeting"]][0], r["child"], r["kind"]))
    for number, r in enumerate(requests, start=1):
        r["id"] = number
    cols: dict[str, list] = {key: [] for key in (
        "meeting_id", "child_id", "request_type", "provider_id", "primary_need_id", "secondary_need_id",
        "requested_base_cost", "requested_additional_cost", "funding_reasons", "funding_reason_other",
        "case_summary", "expected_start", "returning_from_id", "outcome", "agreed_cost", "conditions",
        "decision_reason", "decided_by_id", "decided_at", "placement_id", "created_by_id",
    )}  # fmt: skip
    minute_of = {}
    for r in requests:
        child = r["child"]
        meeting = r["meeting"]
        when = date_of(schedule[meeting][0])
        need = NEEDS[c["need"][child]]
        secondary = c["secondary"][child]
        ncy = rules.ncy(date_of(c["dob"][child]), calendar.academic_year_of(when))
        outcome = r["outcome"] if past[meeting] else ""
        cols["meeting_id"].append(meeting + 1)
        cols["child_id"].append(child + 1)
        cols["request_type"].append(r["kind"])
        cols["provider_id"].append(None if r["provider"] is None else r["provider"] + 1)
        cols["primary_need_id"].append(need)
        cols["secondary_need_id"].append(None if secondary < 0 else NEEDS[secondary])
        cols["requested_base_cost"].append(money(r["base"]))
        cols["requested_additional_cost"].append(money(r["additional"]))
        reasons, other = [], ""
        if r["kind"] == "additional_funding":
            first = rng.choice(
                ["one_to_one", "staffing_ratio", "awaiting_specialist", "other"],
                p=[0.6, 0.22, 0.13, 0.05],
            )
            reasons = [str(first)]
            if rng.random() < 0.25:
                second = "staffing_ratio" if first != "staffing_ratio" else "one_to_one"
                reasons.append(second)
            if "other" in reasons:
                other = "Medical needs support during the school day."
        cols["funding_reasons"].append(reasons)
        cols["funding_reason_other"].append(other)
        summaries = SUMMARIES[r["kind"]]
        summary = summaries[int(rng.integers(len(summaries)))]
        cols["case_summary"].append(f"{rules.ncy_label(ncy)}; {NEED_LABELS[need]}. {summary}")
        cols["expected_start"].append(None if r["start"] is None else date_of(r["start"]))
        cols["returning_from_id"].append(r["returning_from"]["id"] if r["returning_from"] else None)
        cols["outcome"].append(outcome)
        agreed = r.get("agreed") if outcome == "agreed" else None
        cols["agreed_cost"].append(None if agreed is None else money(agreed))
        cols["conditions"].append(
            CONDITIONS[int(rng.integers(len(CONDITIONS)))] if outcome == "agreed" else ""
        )
        reason = {
            "agreed": AGREED_REASONS, "declined": DECLINED_REASONS,
            "more_information": MORE_INFO_REASONS, "deferred": ["Papers arrived late: deferred to the next panel."],
        }.get(outcome)  # fmt: skip
        cols["decision_reason"].append(reason[int(rng.integers(len(reason)))] if reason else "")
        if outcome:
            minute = minute_of.get(meeting, 0)
            minute_of[meeting] = minute + 1
            decided = dt.datetime.combine(when, dt.time(10, 0), tzinfo=LONDON) + dt.timedelta(
                minutes=6 * minute
            )
            cols["decided_at"].append(decided)
            cols["decided_by_id"].append(commissioner)
        else:
            cols["decided_at"].append(None)
            cols["decided_by_id"].append(None)
        placement = r["placement"]
        cols["placement_id"].append(None if placement is None else int(pl["id"][placement]))
        cols["created_by_id"].append(officer)
    cols["id"] = [r["id"] for r in requests]
    world.tables["panel_request"] = cols
