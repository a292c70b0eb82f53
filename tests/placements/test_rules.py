"""The figure rules of docs/definitions.md on hand-computed examples. No database needed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from core import calendar, money
from core.choices import match_choice, normalise_choice
from panel.models import PanelRequest
from placements import rules
from placements.models import AttendancePattern

D = dt.date


# --- Financial and academic years --------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (D(2024, 3, 31), 2023),
        (D(2024, 4, 1), 2024),
        (D(2025, 1, 1), 2024),
        (D(2025, 3, 31), 2024),
        (D(2025, 4, 1), 2025),
    ],
)
def test_financial_year_starts_on_1_april(day, fy):
    assert calendar.financial_year_of(day) == fy


@pytest.mark.parametrize(
    ("day", "ay"),
    [
        (D(2024, 8, 31), 2023),
        (D(2024, 9, 1), 2024),
        (D(2025, 1, 1), 2024),
        (D(2025, 8, 31), 2024),
        (D(2025, 9, 1), 2025),
    ],
)
def test_academic_year_starts_on_1_september(day, ay):
    assert calendar.academic_year_of(day) == ay


def test_year_bounds_are_inclusive_dates():
    assert calendar.financial_year_bounds(2024) == (D(2024, 4, 1), D(2025, 3, 31))
    assert calendar.academic_year_bounds(2024) == (D(2024, 9, 1), D(2025, 8, 31))


def test_year_labels():
    assert calendar.financial_year_label(2025) == "2025-26"
    assert calendar.financial_year_label(1999) == "1999-00"
    assert calendar.academic_year_label(2024) == "2024/25"
    assert calendar.academic_year_label(2099) == "2099/00"


def test_financial_year_containing_29_february_has_366_days():
    assert calendar.days_in_financial_year(2023) == 366  # 1 Apr 2023 – 31 Mar 2024
    assert calendar.days_in_financial_year(2024) == 365  # 1 Apr 2024 – 31 Mar 2025
    assert calendar.days_in_financial_year(2027) == 366  # contains 29 Feb 2028


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("2025-26", 2025),
        ("2025/26", 2025),
        ("2025-2026", 2025),
        ("2025", 2025),
        (" 2025 / 26 ", 2025),
        ("1999-00", 1999),
    ],
)
def test_parse_financial_year_accepts_council_spellings(text, fy):
    assert calendar.parse_financial_year(text) == fy


@pytest.mark.parametrize("text", ["bad", "", "25-26", "2025-27", "2025/2027", "FY2025"])
def test_parse_financial_year_refuses_anything_else(text):
    with pytest.raises(ValueError, match="is not a financial year"):
        calendar.parse_financial_year(text)


# --- Age and national curriculum year ----------------------------------------------


def test_age_counts_whole_years():
    assert rules.age_on(D(2010, 6, 15), D(2024, 6, 14)) == 13
    assert rules.age_on(D(2010, 6, 15), D(2024, 6, 15)) == 14


def test_leap_day_birthday_counts_from_1_march_in_common_years():
    assert rules.age_on(D(2008, 2, 29), D(2025, 2, 28)) == 16
    assert rules.age_on(D(2008, 2, 29), D(2025, 3, 1)) == 17
    assert rules.age_on(D(2008, 2, 29), D(2024, 2, 29)) == 16


@pytest.mark.parametrize(
    ("born", "academic_year", "year"),
    [
        # Born 31 August: the youngest of their year (12 on 31 Aug 2024 → Year 8).
        (D(2012, 8, 31), 2024, 8),
        # Born the next day: the oldest of the year below (11 on 31 Aug 2024 → Year 7).
        (D(2012, 9, 1), 2024, 7),
        (D(2013, 8, 31), 2024, 7),
        # 29 February: 4 on 31 Aug 2020 → Reception; a year older the next AY.
        (D(2016, 2, 29), 2020, 0),
        (D(2016, 2, 29), 2021, 1),
        # Early years are negative: 1 on 31 Aug 2024 → −3.
        (D(2023, 1, 15), 2024, -3),
        # A 25-year-old: 25 on 31 Aug 2024 → 21, no cap.
        (D(1999, 6, 1), 2024, 21),
    ],
)
def test_ncy_is_age_on_31_august_before_the_year_minus_4(born, academic_year, year):
    assert rules.ncy(born, academic_year) == year


def test_ncy_frame_matches_the_scalar_rule():
    born = pd.Series([D(2012, 8, 31), D(2012, 9, 1), D(2016, 2, 29), D(2023, 1, 15), None])
    result = rules.ncy_frame(born, 2024)
    assert result.iloc[:4].tolist() == [8, 7, 4, -3]
    assert pd.isna(result.iloc[4])
    assert str(result.dtype) == "Int64"


def test_ncy_labels():
    assert rules.ncy_label(0) == "Reception"
    assert rules.ncy_label(7) == "Year 7"
    assert rules.ncy_label(-2) == "Early years (-2)"


# --- Activity and overlap ------------------------------------------------------------


def test_active_from_start_day_to_end_day_inclusive():
    start, end = D(2024, 9, 2), D(2025, 7, 18)
    assert not rules.is_active(start, end, D(2024, 9, 1))
    assert rules.is_active(start, end, start)
    assert rules.is_active(start, end, end)
    assert not rules.is_active(start, end, D(2025, 7, 19))


def test_open_placement_is_active_from_its_start_on():
    assert rules.is_active(D(2024, 9, 2), None, D(2040, 1, 1))
    assert not rules.is_active(D(2024, 9, 2), None, D(2024, 9, 1))


def test_record_without_start_is_never_active():
    assert not rules.is_active(None, None, D(2024, 9, 2))


def test_active_mask_matches_is_active():
    frame = pd.DataFrame(
        {
            "start_date": [D(2024, 9, 2), D(2024, 9, 2), D(2024, 9, 2), D(2025, 1, 6)],
            "end_date": [D(2025, 1, 5), D(2025, 1, 6), None, None],
        }
    )
    on = D(2025, 1, 6)
    assert rules.active_mask(frame, on).tolist() == [False, True, True, True]
    assert rules.active_mask(frame, on).tolist() == [
        rules.is_active(s, e, on) for s, e in zip(frame.start_date, frame.end_date, strict=True)
    ]


def test_move_ending_the_day_before_does_not_overlap():
    assert not rules.periods_overlap(D(2024, 9, 2), D(2025, 1, 5), D(2025, 1, 6), None)
    assert not rules.periods_overlap(D(2025, 1, 6), None, D(2024, 9, 2), D(2025, 1, 5))


def test_placements_sharing_one_day_overlap():
    assert rules.periods_overlap(D(2024, 9, 2), D(2025, 1, 6), D(2025, 1, 6), None)
    assert rules.periods_overlap(D(2025, 1, 6), None, D(2024, 9, 2), D(2025, 1, 6))


def test_open_periods_overlap_anything_after_their_start():
    assert rules.periods_overlap(D(2024, 9, 2), None, D(2030, 1, 1), D(2030, 1, 2))
    assert rules.periods_overlap(D(2024, 9, 2), None, D(2020, 1, 1), None)
    assert not rules.periods_overlap(D(2024, 9, 2), None, D(2020, 1, 1), D(2024, 9, 1))


# --- Cost -----------------------------------------------------------------------------


def test_cost_is_base_fee_plus_additional_funding():
    assert rules.placement_cost(Decimal("36000"), Decimal("4500")) == Decimal("40500")
    assert rules.placement_cost(Decimal("36000"), None) == Decimal("36000")


FY2024 = (D(2024, 4, 1), D(2025, 3, 31))

# (name, cost, placement start, placement end, period start, period end, expected)
COST_CASES = [
    ("whole FY", "36500", D(2024, 4, 1), D(2025, 3, 31), *FY2024, Decimal("36500")),
    ("whole leap FY", "36600", D(2023, 4, 1), D(2024, 3, 31), D(2023, 4, 1), D(2024, 3, 31),
     Decimal("36600")),
    # 1 Apr – 30 Sep 2024 is 183 of FY 2024's 365 days: 36,500 × 183 / 365.
    ("half FY", "36500", D(2024, 4, 1), D(2024, 9, 30), *FY2024, Decimal("18300")),
    # March 2024 is 31 days of FY 2023 (366 days): 36,500 × 31 / 366 = 3,091.530054…
    # April 2024 is 30 days of FY 2024 (365 days): 36,500 × 30 / 365 = 3,000.
    ("across FY boundary", "36500", D(2024, 3, 1), D(2024, 4, 30), D(2024, 3, 1),
     D(2024, 4, 30), Decimal("6091.530054644808743169398907")),
    # Open from 1 Oct 2024: runs to 31 Mar 2025, 182 days: 36,500 × 182 / 365.
    ("open placement", "36500", D(2024, 10, 1), None, *FY2024, Decimal("18200")),
    ("ended before period", "36500", D(2023, 1, 1), D(2024, 3, 31), *FY2024, Decimal("0")),
    ("starts after period", "36500", D(2025, 4, 1), None, *FY2024, Decimal("0")),
    # Two whole FYs (one of 366 days, one of 365): the full annual cost in each.
    ("two whole FYs", "36500", D(2023, 4, 1), None, D(2023, 4, 1), D(2025, 3, 31),
     Decimal("73000")),
    # One day: 36,500 / 365.
    ("one day", "36500", D(2024, 9, 2), D(2024, 9, 2), *FY2024, Decimal("100")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cost", "start", "end", "period_start", "period_end", "expected"),
    [case[1:] for case in COST_CASES],
    ids=[case[0] for case in COST_CASES],
)
def test_cost_in_period_is_cost_times_days_over_days_in_fy(
    cost, start, end, period_start, period_end, expected
):
    assert rules.cost_in_period(Decimal(cost), start, end, period_start, period_end) == expected


def test_cost_across_fy_boundary_rounds_to_pence_once_at_output():
    exact = rules.cost_in_period(
        Decimal("36500"), D(2024, 3, 1), D(2024, 4, 30), D(2024, 3, 1), D(2024, 4, 30)
    )
    assert money.round_money(exact) == Decimal("6091.53")


def test_cost_in_period_refuses_a_backwards_period():
    with pytest.raises(ValueError, match="ends before it starts"):
        rules.cost_in_period(Decimal("36500"), D(2024, 4, 1), None, D(2024, 5, 1), D(2024, 4, 1))


@pytest.mark.parametrize(
    ("period_start", "period_end"),
    [FY2024, (D(2024, 3, 1), D(2024, 4, 30)), (D(2023, 4, 1), D(2025, 3, 31))],
    ids=["FY 2024", "across FY boundary", "two FYs"],
)
def test_cost_in_period_frame_matches_the_scalar_rule(period_start, period_end):
    frame = pd.DataFrame(
        {
            "cost": [float(case[1]) for case in COST_CASES],
            "start_date": [case[2] for case in COST_CASES],
            "end_date": [case[3] for case in COST_CASES],
        }
    )
    vectorised = rules.cost_in_period_frame(frame, period_start, period_end)
    scalar = [
        float(rules.cost_in_period(Decimal(case[1]), case[2], case[3], period_start, period_end))
        for case in COST_CASES
    ]
    assert vectorised.tolist() == pytest.approx(scalar, abs=1e-6)


def test_cost_in_period_frame_gives_the_hand_computed_numbers():
    frame = pd.DataFrame(
        {
            "cost": [36500.0, 36500.0, 36500.0],
            "start_date": [D(2024, 3, 1), D(2024, 3, 15), D(2024, 1, 1)],
            "end_date": [D(2024, 4, 30), None, D(2024, 2, 29)],
        }
    )
    result = rules.cost_in_period_frame(frame, D(2024, 3, 1), D(2024, 4, 30))
    # 36,500 × 31/366 + 36,500 × 30/365; 17 days of March + April; ended before the period.
    expected = [36500 * 31 / 366 + 3000, 36500 * 17 / 366 + 3000, 0.0]
    assert result.tolist() == pytest.approx(expected, abs=1e-6)


def test_cost_in_period_frame_runs_open_placements_to_the_period_end():
    frame = pd.DataFrame(
        {
            "cost": [36500.0, 36500.0],
            "start_date": [D(2024, 10, 1), D(2024, 4, 1)],
            "end_date": [None, None],
        }
    )
    assert rules.cost_in_period_frame(frame, *FY2024).tolist() == pytest.approx([18200.0, 36500.0])


def test_cost_in_period_frame_handles_an_empty_frame():
    frame = pd.DataFrame({"cost": [], "start_date": [], "end_date": []})
    assert rules.cost_in_period_frame(frame, *FY2024).tolist() == []


# --- Rounding ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.675, "2.68"),  # a float that binary cannot hold exactly still rounds half-up
        (Decimal("2.675"), "2.68"),
        (0.005, "0.01"),
        (Decimal("2.665"), "2.67"),  # half-up, not banker's rounding
        (Decimal("2.6749"), "2.67"),
        (36000, "36000.00"),
        (Decimal("-2.675"), "-2.68"),  # half away from zero
    ],
)
def test_round_money_is_half_up_to_pence(value, expected):
    assert money.round_money(value) == Decimal(expected)


def test_round_half_up_to_places():
    assert money.round_half_up(2.5) == Decimal("3")
    assert money.round_half_up(3.5) == Decimal("4")
    assert money.round_half_up(Decimal("12.345"), 2) == Decimal("12.35")
    assert money.round_half_up(Decimal("33.35"), 1) == Decimal("33.4")


# --- Choice values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("More information", "more_information"),
        ("more-information", "more_information"),
        ("  MORE__INFORMATION ", "more_information"),
        ("52-week", "52_week"),
        ("52 week", "52_week"),
    ],
)
def test_normalise_choice_treats_space_hyphen_and_underscore_alike(text, expected):
    assert normalise_choice(text) == expected


@pytest.mark.parametrize(
    ("text", "choices", "expected"),
    [
        ("More information", PanelRequest.Outcome.choices, "more_information"),
        ("more information required", PanelRequest.Outcome.choices, "more_information"),
        ("AGREED", PanelRequest.Outcome.choices, "agreed"),
        ("52-week", AttendancePattern.choices, "52_week"),
        ("52-week residential", AttendancePattern.choices, "52_week"),
        ("Weekly boarding", AttendancePattern.choices, "weekly"),
        ("fortnightly", AttendancePattern.choices, None),
    ],
)
def test_match_choice_by_value_or_label(text, choices, expected):
    assert match_choice(text, choices) == expected


# --- Setting groups --------------------------------------------------------------------

ESTABLISHMENT_TYPES = [
    ("Other independent special school", rules.INMSS),
    ("Non-maintained special school", rules.INMSS),
    ("Community special school", rules.SPECIAL),
    ("Foundation special school", rules.SPECIAL),
    ("Academy special converter", rules.SPECIAL),
    ("Academy special sponsor led", rules.SPECIAL),
    ("Free schools special", rules.SPECIAL),
    ("Further education", rules.POST16),
    ("Sixth form centres", rules.POST16),
    ("Academy 16-19 converter", rules.POST16),
    ("Academy 16-19 sponsor led", rules.POST16),
    ("Academy 16 to 19 sponsor led", rules.POST16),
    ("Free schools 16 to 19", rules.POST16),
    ("Special post 16 institution", rules.POST16),
    ("Pupil referral unit", rules.AP),
    ("Academy alternative provision converter", rules.AP),
    ("Academy alternative provision sponsor led", rules.AP),
    ("Free schools alternative provision", rules.AP),
    ("Other independent school", rules.INDEPENDENT),
    ("Community school", rules.MAINSTREAM),
    ("Voluntary aided school", rules.MAINSTREAM),
    ("Voluntary controlled school", rules.MAINSTREAM),
    ("Foundation school", rules.MAINSTREAM),
    ("Academy converter", rules.MAINSTREAM),
    ("Academy sponsor led", rules.MAINSTREAM),
    ("Free schools", rules.MAINSTREAM),
    ("University technical college", rules.MAINSTREAM),
    ("Studio schools", rules.MAINSTREAM),
    ("City technology college", rules.MAINSTREAM),
    ("Local authority nursery school", rules.MAINSTREAM),
]


@pytest.mark.parametrize(("name", "group"), ESTABLISHMENT_TYPES)
def test_every_gias_establishment_type_has_its_setting_group(name, group):
    assert rules.setting_group_for_establishment_type(name) == group


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("ACADEMY 16-19 SPONSOR LED", rules.POST16),
        ("Academy 16 - 19 sponsor-led", rules.POST16),
        ("Free schools 16 to 19", rules.POST16),
        ("free schools 16-19", rules.POST16),
        ("  non maintained   special school ", rules.INMSS),
        ("NON_MAINTAINED_SPECIAL_SCHOOL", rules.INMSS),
        ("Other Independent Special School", rules.INMSS),
    ],
)
def test_setting_group_ignores_case_spaces_and_hyphens(name, group):
    assert rules.setting_group_for_establishment_type(name) == group


@pytest.mark.parametrize("name", ["Welsh establishment", "Secure units", "", None])
def test_unknown_or_missing_establishment_type_is_other(name):
    assert rules.setting_group_for_establishment_type(name) == rules.OTHER


def test_setting_groups_are_the_choices():
    mapped = {group for _, group in ESTABLISHMENT_TYPES}
    assert [value for value, _ in rules.SETTING_GROUP_CHOICES] == rules.SETTING_GROUPS
    assert set(rules.SETTING_GROUPS) == mapped | {rules.OTHER, rules.SRP}


# --- Need types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ASD", "ASD"),
        ("asd", "ASD"),
        (" ASD ", "ASD"),
        ("ASD - Autistic Spectrum Disorder", "ASD"),
        ("Autistic Spectrum Disorder", "ASD"),
        ("SpLD - Specific Learning Difficulty", "SPLD"),
        ("SpLD", "SPLD"),
        ("SEMH - Social, Emotional and Mental Health", "SEMH"),
        ("DS", "DS"),
        ("Other", "OTH"),
        ("OTH - Other Difficulty/Disability", "OTH"),
    ],
)
def test_parse_need_code_reads_codes_and_gias_labels(text, code):
    assert rules.parse_need_code(text) == code


@pytest.mark.parametrize("text", ["XYZ", "Dyslexia", "", None])
def test_parse_need_code_is_none_when_unknown(text):
    assert rules.parse_need_code(text) is None


def test_every_need_code_parses_from_its_own_label():
    for code, label in rules.NEED_TYPES:
        assert rules.parse_need_code(label) == code
        assert rules.parse_need_code(code.lower()) == code
