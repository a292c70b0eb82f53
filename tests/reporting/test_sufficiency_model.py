"""The sufficiency forecast on a tiny history worked out by hand (docs/sufficiency.md).

Ten children, three censuses (1 October 2022, 2023, 2024), all with ASD:

| child | NCY 2022 | 2022    | 2023             | 2024    |
| ----- | -------- | ------- | ---------------- | ------- |
| 1, 2  | 6        | SRP     | SRP              | SRP     |
| 3     | 6        | SRP     | INMSS            | INMSS   |
| 4     | 6        | SRP     | special          | special |
| 5     | 9        | INMSS   | INMSS            | INMSS   |
| 6     | 9        | INMSS   | left (ceased)    | -       |
| 7     | 9        | special | special          | special |
| 8     | 9        | special | INMSS            | INMSS   |
| 9     | -        | -       | INMSS (joiner 7) | INMSS   |
| 10    | -        | -       | SRP (joiner 7)   | SRP     |
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reporting import sufficiency as s

GROUPS_BY_YEAR = {
    1: ["srp", "srp", "srp"],
    2: ["srp", "srp", "srp"],
    3: ["srp", "inmss", "inmss"],
    4: ["srp", "special", "special"],
    5: ["inmss", "inmss", "inmss"],
    6: ["inmss", None, None],
    7: ["special", "special", "special"],
    8: ["special", "inmss", "inmss"],
    9: [None, "inmss", "inmss"],
    10: [None, "srp", "srp"],
}
YEARS = [2022, 2023, 2024]


def _history():
    children = pd.DataFrame(
        {
            "child_id": list(range(1, 11)),
            "date_of_birth": pd.to_datetime(
                ["2012-01-01"] * 4 + ["2009-01-01"] * 4 + ["2012-01-01"] * 2
            ),
        }
    )
    ehcps = pd.DataFrame(
        {
            "child_id": list(range(1, 11)),
            "issue_date": pd.to_datetime(["2020-01-01"] * 8 + ["2023-03-01"] * 2),
            "ceased_date": pd.to_datetime([None] * 5 + ["2023-07-31"] + [None] * 4),
            "need": ["ASD"] * 10,
        }
    )
    rows = []
    for child, groups in GROUPS_BY_YEAR.items():
        for year, group in zip(YEARS, groups, strict=True):
            if group:
                rows.append(
                    {
                        "child_id": child,
                        "group": group,
                        "start_date": pd.Timestamp(year, 9, 1),
                        "end_date": pd.Timestamp(year + 1, 8, 31),
                        "cost": {"srp": 20000.0, "inmss": 60000.0, "special": 30000.0}[group],
                    }
                )
    return children, ehcps, pd.DataFrame(rows)


@pytest.fixture
def history():
    children, ehcps, placements = _history()
    return s.censuses(children, ehcps, placements, YEARS)


def _model(history, **kwargs):
    transitions, joiners = s.fit(history, 2023)
    return s.Model(2023, s.state_of(history[2023]), transitions, joiners, **kwargs)


def _totals(frame, year, column="forecast"):
    rows = frame[frame["academic_year"] == year]
    return {g: pytest.approx(v) for g, v in rows.groupby("group")[column].sum().items() if v}


def test_phase_from_ncy():
    assert [s.phase_of(n) for n in (-1, 0, 6, 7, 11, 12, 21)] == [
        "early_years", "primary", "primary", "secondary", "secondary", "post16", "post16"
    ]  # fmt: skip


def test_census_has_ncy_need_and_group(history):
    c2023 = history[2023].set_index("child_id")
    assert len(history[2022]) == 8
    assert len(history[2023]) == 9
    assert len(history[2024]) == 9
    assert c2023.loc[1, "ncy"] == 7
    assert c2023.loc[5, "ncy"] == 10
    assert c2023.loc[3, "group"] == "inmss"
    assert 6 not in c2023.index  # the EHCP ceased before 1 October 2023


def test_transition_rates_by_hand(history):
    rates = s.transition_rates(history, [2022, 2023])
    got = {(r.group, r.phase, r.next_phase, r.next_group): r.rate for r in rates.itertuples()}
    # Children 1-4 are Year 6 in 2022: their moves are primary to secondary ones.
    assert got == {
        ("srp", "primary", "secondary", "srp"): 0.5,
        ("srp", "primary", "secondary", "inmss"): 0.25,
        ("srp", "primary", "secondary", "special"): 0.25,
        ("inmss", "secondary", "secondary", "inmss"): 0.5,
        ("inmss", "secondary", "secondary", "left"): 0.5,
        ("special", "secondary", "secondary", "special"): 0.5,
        ("special", "secondary", "secondary", "inmss"): 0.5,
    }


def _census(rows):
    return pd.DataFrame(rows, columns=["child_id", "ncy", "need", "group"])


def test_secondary_children_move_into_further_education_only_from_year_12():
    # 2022: four Year 11s and four Year 8s in mainstream. 2023: three of the Year 11s are in
    # further education (post16) in Year 12 and one has left; the Year 8s stay in mainstream.
    # Rates by phase this year and next: Year 11 to 12 goes to FE at 3/4, Year 8 to 9 stays at
    # 1 (pooled by phase alone, every secondary child would go to FE at 3/8 a year).
    history = {
        2022: _census(
            [(c, 11, "ASD", "mainstream") for c in (1, 2, 3, 4)]
            + [(c, 8, "ASD", "mainstream") for c in (5, 6, 7, 8)]
        ),
        2023: _census(
            [(c, 12, "ASD", "post16") for c in (1, 2, 3)]
            + [(c, 9, "ASD", "mainstream") for c in (5, 6, 7, 8)]
        ),
    }
    transitions, joiners = s.fit(history, 2023)
    model = s.Model(2023, s.state_of(history[2023]), transitions, joiners)
    result = s.forecast(model, horizon=3)
    # 2024: Year 10s, 2025: Year 11s, all 4 in mainstream; 2026: Year 12s, 3 in FE, 1 left.
    # FE keeps its own (no FE history): 3 in 2024 and 2025, 3 + 3 = 6 in 2026.
    assert _totals(result, 2024) == {"mainstream": 4.0, "post16": 3.0}
    assert _totals(result, 2025) == {"mainstream": 4.0, "post16": 3.0}
    assert _totals(result, 2026) == {"post16": 6.0}
    secondary_fe = result[(result["group"] == "post16") & result["ncy"].between(7, 11)]
    assert secondary_fe["forecast"].sum() == 0
    rows = s.results(model)["rows"]
    assert not [r for r in rows if r["group"] == "post16" and r["phase"] == "secondary"]


def test_joiners_by_hand(history):
    _, joiners = s.fit(history, 2023)
    got = {(r.group, r.ncy, r.need): r.count for r in joiners.itertuples()}
    assert got == {("inmss", 7, "ASD"): 1.0, ("srp", 7, "ASD"): 1.0}


def test_one_year_forecast_by_hand(history):
    # 2023: SRP (7)=3; INMSS (7)=2, (10)=2; special (7)=1, (10)=1, all secondary.
    # SRP secondary has no history: its 3 stay. INMSS 4 x 0.5 stay = 2. Special 2 x 0.5 stay = 1,
    # 2 x 0.5 to INMSS = 1. Joiners: 1 INMSS, 1 SRP. So SRP 4, INMSS 4, special 1.
    result = s.forecast(_model(history), horizon=1)
    assert _totals(result, 2024) == {"srp": 4.0, "inmss": 4.0, "special": 1.0}
    assert _totals(result, 2023) == {"srp": 3.0, "inmss": 4.0, "special": 2.0}
    inmss = result[(result["academic_year"] == 2024) & (result["group"] == "inmss")]
    assert dict(zip(inmss["ncy"], inmss["forecast"], strict=True)) == {7: 1.0, 8: 1.5, 11: 1.5}


def test_backtest_by_hand(history):
    # Fit on 2022-2023, forecast 2024 (above) against the 2024 census: SRP 3, INMSS 4, special 2.
    test = s.backtest(history)
    got = {r.group: (r.actual, r.forecast, r.ape) for r in test.itertuples()}
    assert got["srp"] == (3.0, 4.0, pytest.approx(100 / 3))
    assert got["inmss"] == (4.0, 4.0, 0.0)
    assert got["special"] == (2.0, 1.0, 50.0)
    mape = s.mape_by_group(test).set_index("group")["mape"]
    assert mape["special"] == 50.0


def test_fewer_new_ehcps_lower_demand(history):
    change = s.EHCPChange(percent=-50, from_year=2024, need="ASD", phase="secondary")
    result = s.forecast(_model(history), s.Scenario(ehcp_changes=(change,)), horizon=1)
    assert _totals(result, 2024) == {"srp": 3.5, "inmss": 3.5, "special": 1.0}


def test_ehcp_change_phases_in_linearly():
    change = s.EHCPChange(percent=-30, from_year=2027, full_by=2029)
    assert [round(change.factor(y), 4) for y in (2026, 2027, 2028, 2029, 2030)] == [
        1.0, 0.9, 0.8, 0.7, 0.7
    ]  # fmt: skip


def test_added_places_divert_inmss_children_up_to_free_places(history):
    # SRP secondary has 4 places today and 4 children forecast in 2024: no room. A scenario
    # adds 2 ASD places: 2 of the 4 INMSS secondary ASD children move, half of each NCY.
    capacity = pd.DataFrame([{"group": "srp", "phase": "secondary", "places": 4.0}])
    model = _model(history, capacity=capacity)
    places = s.Places(group="srp", phase="secondary", academic_year=2024, places=2, need="ASD")
    result = s.forecast(model, s.Scenario(places=(places,)), horizon=1)
    assert _totals(result, 2024) == {"srp": 6.0, "inmss": 2.0, "special": 1.0}
    assert _totals(result, 2024, "demand") == {"srp": 4.0, "inmss": 4.0, "special": 1.0}
    # Places the provision's own demand fills divert nobody.
    full = s.Model(
        model.base_year, model.state, model.transitions, model.joiners,
        pd.DataFrame([{"group": "srp", "phase": "secondary", "places": 2.0}]),
    )  # fmt: skip
    result = s.forecast(full, s.Scenario(places=(places,)), horizon=1)
    assert _totals(result, 2024)["inmss"] == 4.0


def test_provider_places_shared_between_phases_by_age_range():
    providers = pd.DataFrame(
        [
            {"setting_group": "special", "low_age": 4, "high_age": 19, "capacity": 150,
             "resourced_provision_capacity": None},
            {"setting_group": "mainstream", "low_age": 11, "high_age": 16, "capacity": 1200,
             "resourced_provision_capacity": 20},
        ]
    )  # fmt: skip
    places = s.provider_places(providers)
    got = {(r.group, r.phase): r.places for r in places.itertuples()}
    # NCY 0-14: 7 primary, 5 secondary, 3 post-16 years of 10 places each; SRP NCY 7-11.
    assert got == {
        ("special", "primary"): pytest.approx(70),
        ("special", "secondary"): pytest.approx(50),
        ("special", "post16"): pytest.approx(30),
        ("srp", "secondary"): pytest.approx(20),
    }


def test_build_round_trips_the_model_through_json():
    children, ehcps, placements = _history()
    providers = pd.DataFrame(
        columns=["setting_group", "low_age", "high_age", "capacity", "resourced_provision_capacity"]
    )
    data = s.build(children, ehcps, placements, providers, dt.date(2024, 11, 1))
    assert data["base_year"] == 2024
    assert data["history_years"][0] == 2019
    model = s.model_from_json(data["model"])
    assert s.results(model) == data["baseline"]
    assert data["average_costs"] == {"inmss": 60000.0, "special": 30000.0, "srp": 20000.0}


def test_added_places_move_at_most_their_number_of_children(history):
    # Plenty of free SRP places. 2024: the 2 added places take 2 of the 4 INMSS secondary
    # children, half of each NCY (0.5 of NCY 7, 0.75 of NCY 8, 0.75 of NCY 11). They stay in SRP
    # (no SRP history: children stay). 2025: the 0.75 now in NCY 12 are post-16 and leave their
    # secondary place, but it is not filled from INMSS again: 2 places move 2 children at most.
    capacity = pd.DataFrame([{"group": "srp", "phase": "secondary", "places": 100.0}])
    model = _model(history, capacity=capacity)
    places = s.Places(group="srp", phase="secondary", academic_year=2024, places=2)
    baseline = s.forecast(model, horizon=2)
    scenario = s.forecast(model, s.Scenario(places=(places,)), horizon=2)
    extra = {
        year: _totals(scenario, year)["srp"].expected - _totals(baseline, year)["srp"].expected
        for year in (2024, 2025)
    }
    assert extra == {2024: pytest.approx(2.0), 2025: pytest.approx(2.0)}
    fewer_inmss = {
        year: _totals(baseline, year)["inmss"].expected - _totals(scenario, year)["inmss"].expected
        for year in (2024, 2025)
    }
    assert fewer_inmss[2025] <= 2.0 + 1e-9
    assert scenario.attrs["moved"] == {
        2023: 0.0,
        2024: pytest.approx(2.0),
        2025: pytest.approx(2.0),
    }


def test_scenario_net_saving_by_hand():
    # 2024: the scenario has 3 fewer INMSS children, 2 more in SRP and 1 more in FE (moved on
    # from SRP). SRP secondary: 8 places (4 of them added), 7 children, so 1 added place stands
    # empty. At £60,000 INMSS, £20,000 SRP, £10,000 FE: £180,000 avoided, £50,000 for the
    # children in other settings, £20,000 for the empty place: £110,000 net.
    def row(group, count, phase="secondary"):
        return {"academic_year": 2024, "group": group, "phase": phase, "need": "ASD",
                "demand": count, "forecast": count}  # fmt: skip

    baseline = {"rows": [row("inmss", 10), row("srp", 5)], "capacity": []}
    scenario = {
        "rows": [row("inmss", 7), row("srp", 7), row("post16", 1, "post16")],
        "capacity": [{"academic_year": 2024, "group": "srp", "phase": "secondary", "places": 8}],
        "added": [{"academic_year": 2024, "group": "srp", "phase": "secondary", "places": 4}],
        "moved": [{"academic_year": 2024, "children": 3.0}],
    }
    costs = {"inmss": 60000.0, "srp": 20000.0, "post16": 10000.0}
    (got,) = s.scenario_costs(baseline, scenario, costs)
    assert got == {
        "academic_year": 2024,
        "moved": 3.0,
        "inmss_avoided": 180000.0,
        "other_settings": 50000.0,
        "empty_places": 1.0,
        "empty_places_cost": 20000.0,
        "net_saving": 110000.0,
    }


def test_a_model_stored_before_rates_had_a_next_phase_still_forecasts():
    # A snapshot stored before this change has rates by (group, phase) only: they apply to
    # either next phase until the next recompute replaces the snapshot.
    stored = {
        "base_year": 2023,
        "state": [{"group": "srp", "ncy": 11, "need": "ASD", "count": 2.0}],
        "transitions": [
            {"group": "srp", "phase": "secondary", "next_group": "post16", "rate": 0.5},
            {"group": "srp", "phase": "secondary", "next_group": "srp", "rate": 0.5},
        ],
        "joiners": [],
        "capacity": [],
        "planned": [],
    }
    model = s.model_from_json(stored)
    assert _totals(s.forecast(model, horizon=1), 2024) == {"srp": 1.0, "post16": 1.0}
    empty = s.model_from_json({**stored, "transitions": []})
    assert _totals(s.forecast(empty, horizon=1), 2024) == {"srp": 2.0}
