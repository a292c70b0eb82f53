"""Small-number suppression: one rule (`sees_small_numbers`), one threshold (settings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from core import disclosure


@pytest.mark.parametrize(
    ("count", "small"),
    [(None, False), (0, False), (1, True), (4, True), (5, False), (120, False), ("c", False)],
)
def test_counts_from_one_to_the_default_threshold_of_four_are_small(count, small):
    assert disclosure.is_small_number(count) is small


@override_settings(SMALL_NUMBER_THRESHOLD=9)
def test_the_threshold_comes_from_settings():
    assert disclosure.is_small_number(9)
    assert not disclosure.is_small_number(10)
    assert not disclosure.is_small_number(0)
    row = {"requests": 7, "cost": 1000}
    assert disclosure.suppress_row(row, count_fields=["requests"], figure_fields=["cost"]) == {
        "requests": "c",
        "cost": "c",
    }


@override_settings(SMALL_NUMBER_THRESHOLD=2)
def test_a_lower_threshold_shows_three():
    assert disclosure.is_small_number(2)
    assert not disclosure.is_small_number(3)


def test_manager_does_not_see_small_numbers_officer_and_commissioner_do(
    manager, officer, commissioner
):
    assert disclosure.sees_small_numbers(officer)
    assert disclosure.sees_small_numbers(commissioner)
    assert not disclosure.sees_small_numbers(manager)
    assert not disclosure.sees_small_numbers(AnonymousUser())


def test_shown_count_follows_the_user(manager, officer):
    assert disclosure.shown_count(3, manager) == disclosure.SUPPRESSED
    assert disclosure.shown_count(3, officer) == 3
    assert disclosure.shown_count(0, manager) == 0
    assert disclosure.shown_count(25, manager) == 25


@pytest.mark.django_db
@override_settings(SMALL_NUMBER_THRESHOLD=9)
def test_panel_summary_page_uses_the_setting_for_managers(manager_client):
    from tests.factories import MeetingFactory, PanelRequestFactory

    meeting = MeetingFactory()
    for _ in range(6):
        PanelRequestFactory(meeting=meeting)
    response = manager_client.get("/panel/summary/", {"meeting": meeting.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "numbers from 1 to 9 are shown as" in body
    rows = response.context["summary"]["outcomes"]
    assert all(row["requests"] in (0, disclosure.SUPPRESSED) for row in rows)


# --- Secondary suppression, on hand-made tables -------------------------------------------------

FIELDS = ["day", "residential"]


def _table(cells: list[list[int]]) -> list[dict]:
    """Rows of counts with their row totals, then the row of column totals."""
    rows = [
        {"label": f"row {index}", **dict(zip(FIELDS, counts, strict=True)), "total": sum(counts)}
        for index, counts in enumerate(cells)
    ]
    totals = {field: sum(row[field] for row in rows) for field in [*FIELDS, "total"]}
    return [*rows, {"label": "Total", **totals}]


def _recover_by_totals(shown: list[dict]) -> dict[tuple[int, str], float]:
    """What someone can work out from the shown table: any line (row or column, with its total)
    holding one `c` gives it away; repeat while anything new is learnt."""
    known = {
        (row, field): value
        for row, values in enumerate(shown)
        for field, value in values.items()
        if field in [*FIELDS, "total"] and value != "c"
    }
    lines = [[(row, field) for field in FIELDS] + [(row, "total")] for row in range(len(shown))]
    lines += [
        [(row, field) for row in range(len(shown) - 1)] + [(len(shown) - 1, field)]
        for field in [*FIELDS, "total"]
    ]
    learnt: dict[tuple[int, str], float] = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [cell for cell in line if cell not in known]
            if len(unknown) == 1:
                members, total = line[:-1], line[-1]
                cell = unknown[0]
                if cell == total:
                    value = sum(known[member] for member in members)
                else:
                    value = known[total] - sum(known[m] for m in members if m != cell)
                known[cell] = learnt[cell] = value
                progress = True
    return learnt


def _suppress(table: list[dict]) -> list[dict]:
    return disclosure.suppress_table(
        table,
        count_fields=FIELDS,
        figure_fields=["spend"],
        row_total_field="total",
        has_total_row=True,
    )


def test_without_secondary_suppression_a_lone_c_is_recovered_from_its_totals():
    table = _table([[3, 20], [15, 12], [9, 30]])
    primary_only = disclosure.suppress_rows(table, count_fields=["day"], figure_fields=[])

    assert primary_only[0]["day"] == "c"
    assert _recover_by_totals(primary_only) == {(0, "day"): 3}


def test_secondary_suppression_hides_a_rectangle_the_totals_cannot_undo():
    """By hand: row 0 is (3, 20 | 23), column 'day' (3, 15, 9 | 27). The 3 is small. Its row has
    only the 20 left to hide; the 20's column then holds a lone `c`, as does the 3's column: the
    next cell hidden is the 9 (smallest in 'day', and its row then needs one more), and the 30
    closes the rectangle. The row-1 figures and every total stay."""
    table = _table([[3, 20], [15, 12], [9, 30]])

    shown = _suppress(table)

    assert [[row["day"], row["residential"], row["total"]] for row in shown] == [
        ["c", "c", 23],
        [15, 12, 27],
        ["c", "c", 39],
        [27, 62, 89],
    ]
    assert _recover_by_totals(shown) == {}


@pytest.mark.parametrize(
    "cells",
    [
        [[1, 0], [0, 40], [7, 8]],
        [[2, 2], [30, 40]],
        [[4, 0], [0, 0]],  # nothing else to hide in the line: the totals go
        [[1, 50], [60, 70], [80, 90], [100, 3]],
        [[0, 0], [0, 0]],
        [[12, 40], [30, 55]],  # nothing small: nothing hidden
    ],
)
def test_no_hidden_count_can_be_recovered_from_the_totals(cells):
    table = _table(cells)

    shown = _suppress(table)

    assert _recover_by_totals(shown) == {}
    for original, row in zip(table, shown, strict=True):
        for field in FIELDS:
            if disclosure.is_small_number(original[field]):
                assert row[field] == "c"
            if original[field] == 0:
                assert row[field] == 0  # zero is always shown


def test_money_on_a_row_with_a_hidden_count_is_hidden_with_it():
    table = [
        {"group": "A", "requests": 2, "spend": 70000, "share": 10},
        {"group": "B", "requests": 10, "spend": 300000, "share": 45},
        {"group": "C", "requests": 12, "spend": 400000, "share": 45},
        {"group": "Total", "requests": 24, "spend": 770000, "share": 100},
    ]

    shown = disclosure.suppress_table(
        table, count_fields=["requests"], figure_fields=["spend", "share"], has_total_row=True
    )

    assert shown[0] == {"group": "A", "requests": "c", "spend": "c", "share": "c"}
    assert shown[1] == {"group": "B", "requests": "c", "spend": "c", "share": "c"}
    assert shown[2] == table[2]
    assert shown[3] == table[3]


def test_a_total_hidden_for_another_table_hides_one_more_count():
    table = [{"n": 10}, {"n": 12}, {"n": 22}]

    shown = disclosure.suppress_table(
        table, count_fields=["n"], figure_fields=[], has_total_row=True, hidden={(2, "n")}
    )

    assert shown == [{"n": "c"}, {"n": 12}, {"n": "c"}]


@pytest.mark.parametrize(
    ("count", "rounded"), [(0, 0), (2, 0), (3, 5), (7, 5), (8, 10), (12, 10), (13, 15), ("c", "c")]
)
def test_counts_round_to_the_nearest_five(count, rounded):
    assert disclosure.round_count(count) == rounded


def test_money_rounds_to_the_nearest_five_thousand_and_shares_use_the_rounded_counts():
    assert disclosure.round_money(Decimal("57344.99")) == 55000
    assert disclosure.round_money(Decimal("57500")) == 60000
    assert disclosure.round_money("c") == "c"
    assert disclosure.rounded_percent(5, 15) == 33
    assert disclosure.rounded_percent("c", 15) == "c"
    assert disclosure.rounded_percent(5, "c") == "c"
    assert disclosure.rounded_percent(0, 0) is None


def test_whole_months_widen_a_range():
    assert disclosure.whole_months(dt.date(2024, 2, 10), dt.date(2024, 2, 11)) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert disclosure.whole_months(None, None) == (None, None)


# --- disclose_rows: the one layer every dashboard, download and report goes through -----------


def test_disclose_rows_hides_a_row_by_its_children_and_rounds_the_rest():
    rows = [
        {"group": "a", "children": 1, "placements": 0, "spend": 35945.0, "avg": None},
        {"group": "b", "children": 12, "placements": 9, "spend": 450100.0, "avg": 50011.0},
        {"group": "c", "children": 7, "placements": 7, "spend": 250000.0, "avg": 35714.0},
    ]
    shown = disclosure.disclose_rows(
        rows,
        counts=["children", "placements"],
        rests_on={"spend": "children", "avg": "placements"},
        money_fields=("spend", "avg"),
        row_count="children",
    )
    # One child behind a row of 0 active: its spend is hidden.
    assert shown[0] == {"group": "a", "children": "c", "placements": 0, "spend": "c", "avg": None}
    # The column of children against its total holds one `c`: the smallest other is hidden too.
    assert shown[2]["children"] == "c"
    assert shown[2]["spend"] == "c"
    # Row c's placements went with it, so b's are hidden against their total, with b's average;
    # b's children and spend are shown, rounded to 5 and £5,000.
    assert shown[1] == {
        "group": "b",
        "children": 10,
        "placements": "c",
        "spend": Decimal("450000"),
        "avg": "c",
    }


def test_disclose_rows_protects_a_part_against_a_total_given_as_a_line():
    rows = [{"n": 40}, {"n": 3}, {"n": 17}, {"n": 20}]  # the county, then three districts
    lines = [([(1, "n"), (2, "n"), (3, "n")], (0, "n"))]
    shown = disclosure.disclose_rows(rows, counts=["n"], rests_on={}, lines=lines)
    assert [row["n"] for row in shown] == [40, "c", "c", 20]
