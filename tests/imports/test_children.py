from __future__ import annotations

import datetime as dt

import pytest

from placements.models import EHCP, Child
from tests.factories import ChildFactory, EHCPFactory, NeedTypeFactory
from tests.imports.conftest import errors_by_row

pytestmark = pytest.mark.django_db

HEADER = [
    "child_ref", "first_name", "last_name", "date_of_birth", "sex", "home_postcode", "easting",
    "northing", "district", "ehcp_request_date", "ehcp_issue_date", "ehcp_ceased_date",
    "primary_need", "secondary_need",
]  # fmt: skip


@pytest.fixture(autouse=True)
def need_types():
    for code in ("ASD", "SEMH", "SLCN"):
        NeedTypeFactory(code=code)


def good_rows():
    return [
        ["WS1", "Zoë", "Adams", "2012-03-14", "F", "ME14 1XX", "575000", "155000", "Maidstone",
         "2023-01-09", "2023-05-15", "", "ASD", "semh"],
        ["WS2", "Sam", "Brown", "14/03/2013", "male", "CT1 1AA", "", "", "Canterbury",
         "09-01-2024", "", "", "SEMH - Social, Emotional and Mental Health", ""],
        ["WS3", "Alex", "Cole", "2010-07-01", "X", "", "", "", "Dover",
         "2019-02-01", "2019-06-01", "2024-07-31", "SLCN", ""],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("children.csv", "utf-8"),
        ("children.csv", "utf-8-sig"),
        ("children.csv", "cp1252"),
        ("children.xlsx", None),
    ],
)
def test_a_good_children_file_creates_children_and_their_ehcps(
    run_import, write_file, name, encoding
):
    path = write_file(name, HEADER, good_rows(), encoding=encoding or "utf-8")
    result = run_import("children", path)

    assert result.ok, result.errors
    assert (result.rows_read, result.created, result.updated) == (3, 3, 0)
    zoe = Child.objects.get(child_ref="WS1")
    assert zoe.first_name == "Zoë"
    assert zoe.date_of_birth == dt.date(2012, 3, 14)
    ehcp = zoe.ehcps.get()
    assert ehcp.status == EHCP.Status.ISSUED
    assert (ehcp.primary_need_id, ehcp.secondary_need_id) == ("ASD", "SEMH")
    sam = Child.objects.get(child_ref="WS2")
    assert sam.sex == "M"
    assert sam.date_of_birth == dt.date(2013, 3, 14)
    assert sam.easting is None
    assert sam.ehcps.get().status == EHCP.Status.REQUESTED
    assert Child.objects.get(child_ref="WS3").ehcps.get().status == EHCP.Status.CEASED


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_error(run_import, write_file):
    rows = good_rows()
    rows[0][3] = "2012-02-30"  # bad date
    rows[1][12] = "XYZ"  # unknown need code
    rows[2][10] = "2018-01-01"  # issued before requested
    rows[2][4] = "Q"  # bad sex
    path = write_file("children.csv", HEADER, rows)
    result = run_import("children", path)

    assert not result.ok
    assert Child.objects.count() == 0
    assert EHCP.objects.count() == 0
    found = errors_by_row(result)
    assert [c for c, _ in found[2]] == ["date_of_birth"]
    assert [c for c, _ in found[3]] == ["primary_need"]
    assert sorted(c for c, _ in found[4]) == ["sex"]  # row errors stop the cross-field check
    assert all(e.value for e in result.errors)


def test_issue_before_request_is_reported(run_import, write_file):
    rows = good_rows()
    rows[2][10] = "2018-01-01"
    path = write_file("children.csv", HEADER, rows)
    result = run_import("children", path)

    assert [(e.row, e.column) for e in result.errors] == [(4, "ehcp_issue_date")]


def test_reimport_updates_children_and_their_latest_ehcp_without_duplicates(run_import, write_file):
    run_import("children", write_file("children.csv", HEADER, good_rows()))
    rows = good_rows()
    rows[1][2] = "Brown-Smith"
    rows[1][10] = "2024-05-01"  # now issued
    result = run_import("children", write_file("again.csv", HEADER, rows))

    assert (result.created, result.updated) == (0, 3)
    assert Child.objects.count() == 3
    assert EHCP.objects.count() == 3
    sam = Child.objects.get(child_ref="WS2")
    assert sam.last_name == "Brown-Smith"
    assert sam.ehcps.get().status == EHCP.Status.ISSUED
    assert sam.history.first().history_change_reason == "import children again.csv"


def test_a_missing_column_leaves_the_field_alone_and_a_blank_cell_clears_it(run_import, write_file):
    child = ChildFactory(child_ref="WS9", district="Dover", home_postcode="CT16 1AA")
    EHCPFactory(child=child)
    path = write_file(
        "children.csv",
        ["child_ref", "first_name", "last_name", "date_of_birth", "sex", "district"],
        [["WS9", "Jo", "King", "2011-01-01", "F", ""]],
    )
    result = run_import("children", path)

    assert result.ok, result.errors
    child.refresh_from_db()
    assert child.district == ""  # blank cell: cleared
    assert child.home_postcode == "CT16 1AA"  # no column: unchanged
    assert child.ehcps.get().status == EHCP.Status.ISSUED  # no EHCP columns: unchanged


def test_a_blank_required_cell_is_an_error(run_import, write_file):
    rows = good_rows()
    rows[0][1] = "  "
    result = run_import("children", write_file("children.csv", HEADER, rows))

    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "first_name", "is required")
    ]


def test_a_child_ref_repeated_in_one_file_is_an_error_naming_both_rows(run_import, write_file):
    rows = good_rows()
    rows[2][0] = "WS1"
    result = run_import("children", write_file("children.csv", HEADER, rows))

    assert Child.objects.count() == 0
    [error] = result.errors
    assert (error.row, error.column) == (4, "child_ref")
    assert "rows 2 and 4" in error.reason


def test_a_missing_required_column_is_reported_against_the_header_row(run_import, write_file):
    result = run_import("children", write_file("c.csv", ["child_ref", "first_name"], [["A", "B"]]))

    assert {(e.row, e.column) for e in result.errors} == {
        (1, "last_name"),
        (1, "date_of_birth"),
        (1, "sex"),
    }


def test_unknown_columns_are_ignored_and_listed(run_import, write_file):
    path = write_file("c.csv", [*HEADER, "Favourite colour"], [[*good_rows()[0], "blue"]])
    result = run_import("children", path)

    assert result.ok
    assert result.unknown_columns == ["Favourite colour"]


def test_a_dry_run_validates_and_counts_but_writes_nothing(run_import, write_file):
    result = run_import("children", write_file("c.csv", HEADER, good_rows()), dry_run=True)

    assert result.ok
    assert (result.created, result.updated) == (3, 0)
    assert Child.objects.count() == 0
