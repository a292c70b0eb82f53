"""Each dashboard metric on a small example worked out by hand (no database).

FY 2024 runs 1 April 2024 – 31 March 2025: 365 days. 1 April – 30 September is 183 days,
1 October – 31 March is 182, 1 January – 31 March 2025 is 90.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reporting import metrics

AS_OF = dt.date(2025, 3, 31)

PLACEMENT_DEFAULTS = {
    "child_id": 1,
    "provider_id": 1,
    "urn": 100,
    "provider": "Alder School",
    "provider_la": "Wealdshire",
    "group": "inmss",
    "end_date": None,
    "additional_cost": 0.0,
    "reason": "",
    "need": "ASD",
    "district": "",
    "date_of_birth": "2010-01-01",
}


def placements(*rows: dict) -> pd.DataFrame:
    full = [{**PLACEMENT_DEFAULTS, **row} for row in rows]
    for index, row in enumerate(full, start=1):
        row.setdefault("id", index)
        row.setdefault("annual_cost", row.get("cost", 0.0) - row["additional_cost"])
        row["cost"] = row["annual_cost"] + row["additional_cost"]
    frame = pd.DataFrame(full)
    for column in ("start_date", "end_date", "date_of_birth"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_spend_by_need_and_group_counts_active_and_costs_the_whole_year():
    frame = placements(
        # The whole FY at £36,500: 36,500; active at the year end.
        {"start_date": "2023-09-01", "cost": 36500.0},
        # 183 days at £73,000: 36,600; ended before the as-of date, so not in the average.
        {"start_date": "2024-04-01", "end_date": "2024-09-30", "cost": 73000.0},
        # 182 days at £18,250: 9,100.
        {"need": "SEMH", "group": "special", "start_date": "2024-10-01", "cost": 18250.0},
        # Ended before the year: neither spend nor active, so no MLD row.
        {
            "need": "MLD",
            "group": "special",
            "start_date": "2020-01-01",
            "end_date": "2024-03-31",
            "cost": 20000.0,
        },
    )

    rows = metrics.spend_by_need_and_group(frame, 2024, AS_OF)

    assert rows == [
        {
            "need": "ASD",
            "setting_group": "inmss",
            "children": 1,
            "placements": 1,
            "spend": 73100.0,
            "avg_annual_cost": 36500.0,
        },
        {
            "need": "SEMH",
            "setting_group": "special",
            "children": 1,
            "placements": 1,
            "spend": 9100.0,
            "avg_annual_cost": 18250.0,
        },
    ]


def test_spend_rows_by_district_and_average_none_without_active_placements():
    frame = placements(
        {
            "district": "North",
            "start_date": "2024-04-01",
            "end_date": "2024-09-30",
            "cost": 73000.0,
        },
        {
            "district": "South",
            "start_date": "2023-09-01",
            "cost": 36500.0,
            "additional_cost": 500.0,
        },
    )

    rows = metrics.spend_by_need_and_group(frame, 2024, AS_OF, by=("district",))

    assert rows == [
        {
            "district": "North",
            "need": "ASD",
            "setting_group": "inmss",
            "children": 1,
            "placements": 0,
            "spend": 36600.0,
            "avg_annual_cost": None,
        },
        {
            "district": "South",
            "need": "ASD",
            "setting_group": "inmss",
            "children": 1,
            "placements": 1,
            "spend": 36500.0,
            "avg_annual_cost": 36500.0,
        },
    ]


def test_concentration_ranks_by_inmss_spend_with_ties_by_urn_and_shares():
    frame = placements(
        {
            "provider_id": 1,
            "urn": 200,
            "provider": "Birch",
            "start_date": "2023-09-01",
            "cost": 36500.0,
        },
        {
            "provider_id": 2,
            "urn": 100,
            "provider": "Alder",
            "start_date": "2023-09-01",
            "cost": 36500.0,
        },
        {
            "provider_id": 3,
            "urn": 150,
            "provider": "Cedar",
            "start_date": "2023-09-01",
            "cost": 18250.0,
        },
        {
            "provider_id": 3,
            "urn": 150,
            "provider": "Cedar",
            "start_date": "2024-04-01",
            "end_date": "2024-09-30",
            "cost": 73000.0,
        },
        # Overridden to maintained special at an INMSS provider: not INMSS spend.
        {
            "provider_id": 1,
            "urn": 200,
            "provider": "Birch",
            "group": "special",
            "start_date": "2023-09-01",
            "cost": 99999.0,
        },
    )

    rows = metrics.concentration(frame, 2024, AS_OF, top=2)

    # INMSS spend: Cedar 18,250 + 36,600 = 54,850; Alder and Birch 36,500 each; all 127,850.
    assert rows == [
        {
            "rank": 1,
            "urn": 150,
            "provider": "Cedar",
            "spend": 54850.0,
            "children": 1,
            "placements": 1,
            "avg_annual_cost": 18250.0,
            "share": 0.429,
        },
        {
            "rank": 2,
            "urn": 100,
            "provider": "Alder",
            "spend": 36500.0,
            "children": 1,
            "placements": 1,
            "avg_annual_cost": 36500.0,
            "share": 0.2855,
        },
    ]


def test_ncy_is_age_on_31_august_before_the_academic_year_minus_4():
    frame = placements(
        {"child_id": 1, "date_of_birth": "2013-05-01", "start_date": "2024-09-01", "cost": 36500.0},
        {"child_id": 2, "date_of_birth": "2012-09-01", "start_date": "2024-09-01", "cost": 36500.0},
        {"child_id": 3, "date_of_birth": "2013-09-01", "start_date": "2024-09-01", "cost": 36500.0},
    )

    rows = metrics.ncy_breakdown(frame, AS_OF, 2024)

    # AY 2024: on 31 August 2024 the first two are 11 (Year 7), the third is 10 (Year 6).
    assert [(r["ncy"], r["setting_group"], r["placements"]) for r in rows] == [
        (6, "inmss", 1),
        (7, "inmss", 2),
    ]


def test_inmss_share_is_active_inmss_over_active_ehcps():
    frame = placements(
        {"start_date": "2024-01-01", "cost": 1.0},
        {"start_date": "2024-01-01", "cost": 1.0},
        {"start_date": "2024-01-01", "end_date": "2024-12-31", "cost": 1.0},
        {"group": "special", "start_date": "2024-01-01", "cost": 1.0},
    )
    ehcps = pd.DataFrame(
        {
            "issue_date": pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01", "2020-01-01"]),
            "ceased_date": pd.to_datetime([None, None, None, "2024-01-01"]),
        }
    )

    assert metrics.inmss_share(frame, ehcps, AS_OF) == {
        "inmss_placements": 2,
        "ehcps": 3,
        "share": 0.6667,
    }


def _requests(*rows: dict) -> pd.DataFrame:
    defaults = {
        "child_id": 9,
        "provider_id": 1,
        "request_type": "new_placement",
        "group": "inmss",
        "outcome": "agreed",
        "agreed_cost": None,
        "requested_base_cost": 0.0,
        "requested_additional_cost": 0.0,
        "expected_start": None,
        "placement_id": None,
        "decided_on": "2024-09-01",
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    for column in ("expected_start", "decided_on"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("agreed_cost", "placement_id"):
        frame[column] = frame[column].astype(float)
    return frame


def test_budget_forecast_adds_spent_to_date_committed_and_agreed_requests():
    as_of = dt.date(2024, 9, 30)
    frame = placements(
        # 36,500 a year: 18,300 to 30 September, 18,200 committed to 31 March.
        {"start_date": "2023-09-01", "cost": 36500.0},
        {"group": "special", "start_date": "2023-09-01", "cost": 50000.0},
    )
    requests = _requests(
        # From 1 January 2025: 90 days at 73,000 = 18,000.
        {"agreed_cost": 73000.0, "expected_start": "2025-01-01"},
        # Expected in June, not started: from 1 October, 182 days at 36,500 = 18,200.
        {"agreed_cost": 36500.0, "expected_start": "2024-06-01"},
        # Already a placement, declined, or agreed after the as-of date: not counted.
        {"agreed_cost": 99999.0, "placement_id": 5},
        {"outcome": "declined", "agreed_cost": 99999.0},
        {"agreed_cost": 99999.0, "decided_on": "2024-10-15"},
    )
    budget = pd.DataFrame(
        {
            "fy": [2024, 2024, 2023],
            "line": ["INMSS placements", "Reserve", "INMSS placements"],
            "budget": [100000.0, 5000.0, 1.0],
        }
    )

    rows = metrics.budget_lines_forecast(budget, frame, requests, 2024, as_of)

    assert rows == [
        {
            "line": "INMSS placements",
            "budget": 100000.0,
            "spent_to_date": 18300.0,
            "committed": 18200.0,
            "spend_in_year": 36500.0,
            "agreed_not_started": 36200.0,
            "forecast_outturn": 72700.0,
            "variance": -27300.0,
        },
        {
            "line": "Reserve",
            "budget": 5000.0,
            "spent_to_date": None,
            "committed": None,
            "spend_in_year": None,
            "agreed_not_started": None,
            "forecast_outturn": None,
            "variance": None,
        },
        {
            # No line pays for maintained special: 50,000 a year, 25,068.49 to 30 September
            # (183 of 365 days).
            "line": "Spend with no budget line (Maintained or academy special)",
            "budget": None,
            "spent_to_date": 25068.49,
            "committed": 24931.51,
            "spend_in_year": 50000.0,
            "agreed_not_started": 0.0,
            "forecast_outturn": 50000.0,
            "variance": None,
        },
    ]
    assert metrics.budget_totals(budget, frame, requests, 2024, as_of) == {
        "budget": 105000.0,
        "spent_to_date": 43368.49,
        "spend_in_year": 86500.0,
        "forecast_outturn": 122700.0,
        "variance": 17700.0,
    }


@pytest.mark.parametrize(
    ("line", "groups"),
    [
        ("INMSS placements", ["inmss"]),
        ("Maintained special top-up", ["special"]),
        ("Post-16 high needs", ["post16"]),
        ("SRP top-up", ["srp"]),
        ("Independent mainstream", ["independent"]),
        ("Contingency", []),
    ],
)
def test_budget_lines_are_linked_to_setting_groups_by_name(line, groups):
    assert metrics.budget_line_groups(line) == groups


def test_forecast_by_month_keeps_the_last_forecast_of_each_month():
    history = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2024-04-15", "2024-04-30", "2024-05-31", "2023-12-01"]),
            "fy": [2024, 2024, 2024, 2023],
            "forecast": [100.0, 110.0, 120.0, 50.0],
        }
    )

    rows = metrics.forecast_by_month(history, 2024, dt.date(2024, 6, 10), 130.0)

    assert rows == [
        {"month": "2024-04", "forecast_outturn": 110.0},
        {"month": "2024-05", "forecast_outturn": 120.0},
        {"month": "2024-06", "forecast_outturn": 130.0},
    ]


def test_forecast_by_month_works_out_the_months_no_recompute_was_stored_in():
    history = pd.DataFrame(
        {"as_of": pd.to_datetime(["2024-05-20"]), "fy": [2024], "forecast": [120.0]}
    )
    asked: list[dt.date] = []

    def worked_out(day: dt.date) -> float:
        asked.append(day)
        return float(day.month)

    rows = metrics.forecast_by_month(history, 2024, dt.date(2024, 7, 10), 130.0, worked_out)

    assert asked == [dt.date(2024, 4, 30), dt.date(2024, 6, 30)]
    assert rows == [
        {"month": "2024-04", "forecast_outturn": 4.0},
        {"month": "2024-05", "forecast_outturn": 120.0},
        {"month": "2024-06", "forecast_outturn": 6.0},
        {"month": "2024-07", "forecast_outturn": 130.0},
    ]


def test_new_placements_in_and_out_of_area_with_average_and_median():
    frame = placements(
        {"start_date": "2024-05-01", "cost": 40000.0, "provider_la": "Wealdshire"},
        {"start_date": "2024-06-01", "cost": 60000.0, "provider_la": "Kent"},
        {"start_date": "2024-07-01", "cost": 50000.0, "provider_la": ""},
        {"start_date": "2024-07-01", "cost": 10.0, "reason": "continuation"},
        {"start_date": "2024-03-31", "cost": 10.0},
        {
            "group": "special",
            "start_date": "2025-03-31",
            "cost": 20000.0,
            "provider_la": " wealdshire",
        },
    )

    rows = metrics.new_placements(frame, 2024, "Wealdshire")

    assert rows == [
        {
            "setting_group": "inmss",
            "new_placements": 3,
            "in_area": 1,
            "out_of_area": 1,
            "avg_annual_cost": 50000.0,
            "median_annual_cost": 50000.0,
        },
        {
            "setting_group": "special",
            "new_placements": 1,
            "in_area": 1,
            "out_of_area": 0,
            "avg_annual_cost": 20000.0,
            "median_annual_cost": 20000.0,
        },
    ]


def test_new_placements_by_year_gives_inmss_average_and_median():
    frame = placements(
        {"start_date": "2024-05-01", "cost": 40000.0},
        {"start_date": "2024-06-01", "cost": 60000.0},
        {"start_date": "2024-06-01", "cost": 110000.0},
        {"group": "special", "start_date": "2024-06-01", "cost": 1.0},
    )

    rows = metrics.new_placements_by_year(frame, [2023, 2024])

    assert rows == [
        {
            "financial_year": "2023-24",
            "new_placements": 0,
            "new_inmss_placements": 0,
            "inmss_avg_annual_cost": None,
            "inmss_median_annual_cost": None,
        },
        {
            "financial_year": "2024-25",
            "new_placements": 4,
            "new_inmss_placements": 3,
            "inmss_avg_annual_cost": 70000.0,
            "inmss_median_annual_cost": 60000.0,
        },
    ]


def test_inmss_against_special_average_cost_per_need():
    frame = placements(
        {"start_date": "2024-01-01", "cost": 40000.0},
        {"start_date": "2024-01-01", "cost": 60000.0},
        {"start_date": "2024-01-01", "end_date": "2024-02-01", "cost": 99999.0},
        {"group": "special", "start_date": "2024-01-01", "cost": 20000.0},
        {"need": "SEMH", "group": "special", "start_date": "2024-01-01", "cost": 18000.0},
    )

    rows = metrics.cost_by_need_inmss_vs_special(frame, AS_OF)

    assert rows == [
        {
            "need": "ASD",
            "inmss_placements": 2,
            "inmss_avg_annual_cost": 50000.0,
            "special_placements": 1,
            "special_avg_annual_cost": 20000.0,
        },
        {
            "need": "SEMH",
            "inmss_placements": 0,
            "inmss_avg_annual_cost": None,
            "special_placements": 1,
            "special_avg_annual_cost": 18000.0,
        },
    ]


def _consultations(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["child_id", "provider_id", "sent_on", "due_on", "response", "responded_on"]
    )
    for column in ("sent_on", "due_on", "responded_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_consultation_timeliness_counts_overdue_and_response_days():
    consultations = _consultations(
        (1, 1, "2024-04-01", "2024-04-16", "offer", "2024-04-11"),  # 10 days, on time
        (2, 1, "2024-04-10", "2024-04-25", "decline", "2024-04-30"),  # 20 days, late: overdue
        (3, 1, "2024-05-01", "2024-05-16", "awaiting", None),  # past due on 30 June: overdue
        (4, 1, "2024-06-20", "2024-07-05", "awaiting", None),  # not yet due
        (5, 1, "2024-05-02", "2024-05-17", "withdrawn", None),  # consulted only
        (6, 1, "2024-03-31", "2024-04-15", "offer", "2024-04-01"),  # the year before
    )

    totals, months = metrics.consultation_timeliness(consultations, 2024, dt.date(2024, 6, 30))

    assert totals == {
        "consulted": 5,
        "offers": 1,
        "declines": 1,
        "awaiting": 2,
        "overdue": 2,
        "avg_response_days": 15.0,
        "median_response_days": 15.0,
    }
    assert [
        (m["month"], m["consulted"], m["overdue"], m["median_response_days"]) for m in months
    ] == [
        ("2024-04", 2, 1, 15.0),
        ("2024-05", 2, 1, None),
        ("2024-06", 1, 0, None),
    ]


def test_placement_timeline_medians_from_approval_to_offer_and_offer_to_start():
    frame = placements(
        {"id": 1, "child_id": 1, "provider_id": 10, "start_date": "2024-09-01", "cost": 1.0},
        {
            "id": 2,
            "child_id": 2,
            "provider_id": 20,
            "group": "special",
            "start_date": "2024-10-01",
            "cost": 1.0,
        },
    )
    requests = _requests(
        {"child_id": 1, "provider_id": 10, "decided_on": "2024-01-01"},
        {"child_id": 1, "provider_id": 10, "decided_on": "2024-06-01"},
        {"child_id": 1, "provider_id": 10, "decided_on": "2024-12-01"},  # after the start
    )
    consultations = _consultations(
        (1, 10, "2024-06-10", "2024-06-25", "offer", "2024-07-01"),
        (2, 20, "2024-09-01", "2024-09-16", "offer", "2024-09-21"),
    )

    rows = metrics.placement_timeline(frame, requests, consultations, 2024)

    # Approved 1 June, offered 1 July (30 days), started 1 September (62 days); the second
    # placement has an offer 10 days before its start and no approval.
    assert rows == [
        {
            "setting_group": "inmss",
            "placements": 1,
            "with_approval_and_offer": 1,
            "median_days_approval_to_offer": 30.0,
            "with_offer": 1,
            "median_days_offer_to_start": 62.0,
        },
        {
            "setting_group": "special",
            "placements": 1,
            "with_approval_and_offer": 0,
            "median_days_approval_to_offer": None,
            "with_offer": 1,
            "median_days_offer_to_start": 10.0,
        },
        {
            "setting_group": "all",
            "placements": 2,
            "with_approval_and_offer": 1,
            "median_days_approval_to_offer": 30.0,
            "with_offer": 2,
            "median_days_offer_to_start": 36.0,
        },
    ]


def test_negotiation_savings_use_base_fees_active_on_1_september():
    frame = placements(
        {
            "provider_id": 1,
            "start_date": "2023-09-01",
            "annual_cost": 50000.0,
            "additional_cost": 10000.0,
        },
        {"provider_id": 1, "start_date": "2024-09-01", "annual_cost": 30000.0},
        {"provider_id": 1, "start_date": "2024-09-02", "annual_cost": 99999.0},  # after 1 Sept
        {"provider_id": 2, "start_date": "2022-09-01", "annual_cost": 25000.0},
    )
    uplifts = pd.DataFrame(
        {
            "provider_id": [1, 2, 3],
            "academic_year": [2024, 2024, 2024],
            "requested_percent": [5.0, 4.0, 9.0],
            "agreed_percent": [2.0, None, None],
            "status": ["agreed", "rejected", "requested"],
        }
    )

    rows = metrics.negotiation_savings(uplifts, frame)

    # 80,000 × 3% = 2,400 and, refused, 25,000 × 4% = 1,000.
    assert rows == [
        {
            "academic_year": 2024,
            "requests": 2,
            "agreed": 1,
            "refused": 1,
            "avg_requested_percent": 4.5,
            "avg_agreed_percent": 1.0,
            "saving": 3400.0,
        }
    ]


def test_block_contract_utilisation_counts_active_placements_up_to_places_reserved():
    contracts = pd.DataFrame(
        {
            "provider_id": [1, 1],
            "urn": [100, 100],
            "provider": ["Alder", "Alder"],
            "places_reserved": [3, 5],
            "price_per_place": [50000.0, 1.0],
            "start_date": pd.to_datetime(["2024-04-01", "2020-04-01"]),
            "end_date": pd.to_datetime(["2025-03-31", "2021-03-31"]),
        }
    )
    frame = placements(
        {"provider_id": 1, "start_date": "2024-01-01", "cost": 1.0},
        {"provider_id": 1, "start_date": "2024-01-01", "cost": 1.0},
        {"provider_id": 2, "start_date": "2024-01-01", "cost": 1.0},
    )

    rows = metrics.block_contract_utilisation(contracts, frame, dt.date(2024, 10, 1))

    assert rows == [
        {
            "provider": "Alder",
            "urn": 100,
            "start_date": "2024-04-01",
            "end_date": "2025-03-31",
            "places_reserved": 3,
            "places_used": 2,
            "utilisation": 0.6667,
            "value": 150000.0,
        }
    ]


def test_ehcp_timeliness_within_20_weeks_excluding_exceptions():
    ehcps = pd.DataFrame(
        {
            "request_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", None]),
            "issue_date": pd.to_datetime(["2024-05-20", "2024-05-21", "2024-09-01", "2024-02-01"]),
            "week20_exception": [False, False, True, False],
        }
    )

    # 1 January to 20 May 2024 is 140 days (within); to 21 May, 141 (not).
    assert metrics.ehcp_timeliness(ehcps) == [
        {
            "year": 2024,
            "issued": 3,
            "exceptions": 1,
            "within_20_weeks": 1,
            "percent_within_20_weeks": 50.0,
        }
    ]


def test_growth_rebased_to_a_chosen_date():
    rows = [
        {"date": "2022-03-31", "inmss_placements": 40, "special_placements": 0},
        {"date": "2023-03-31", "inmss_placements": 50, "special_placements": 100},
        {"date": "2024-03-31", "inmss_placements": 60, "special_placements": 110},
    ]

    rebased = metrics.rebase(rows, "2023-03-31")

    assert [(r["inmss_index"], r["special_index"]) for r in rebased] == [
        (None, None),
        (100.0, 100.0),
        (120.0, 110.0),
    ]
