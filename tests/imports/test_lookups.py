"""imports.lookups: references and existing rows found in one query per chunk, whatever its size."""

from __future__ import annotations

import pytest

from imports.base import ImportContext, RowParser
from imports.lookups import KeyIndex, Lookup, mark, split
from imports.readers import Row
from placements.models import Child
from reporting.models import BudgetLine
from tests.factories import BudgetLineFactory, ChildFactory

pytestmark = pytest.mark.django_db

KNOWN = Lookup(Child, "child_ref", "is not a known child")


def _parsers(refs: list[str]) -> list[RowParser]:
    context = ImportContext(kind="test", filename="test.csv", present=frozenset({"child_ref"}))
    parsers = []
    for number, ref in enumerate(refs, start=2):
        p = RowParser(Row(number, {"child_ref": ref}), context)
        p.text("child_ref")
        parsers.append(p)
    return parsers


@pytest.mark.parametrize("size", [3, 300])
def test_a_lookup_is_one_query_and_reports_each_unknown_value_on_its_row(
    size, django_assert_num_queries
):
    known = ChildFactory(child_ref="WS1")
    parsers = _parsers(["WS1", "", *[f"NOPE{i}" for i in range(size - 2)]])

    with django_assert_num_queries(1):
        resolved = KNOWN.resolve(parsers, "child_ref", to="child_id")

    assert resolved.get("WS1") == known.pk
    assert parsers[0].ok
    assert parsers[1].ok
    assert [(e.row, e.column, e.value, e.reason) for e in parsers[2].errors] == [
        (4, "child_ref", "NOPE0", "is not a known child")
    ]
    resolved.swap(parsers[0].data)
    resolved.swap(parsers[1].data)
    assert (parsers[0].data["child_id"], parsers[1].data["child_id"]) == (known.pk, None)
    assert "child_ref" not in parsers[0].data


def test_nothing_to_look_up_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert KNOWN.resolve(_parsers(["", ""]), "child_ref", to="child_id").ids == {}


def test_a_key_index_finds_rows_by_a_normalised_key_and_mark_and_split_keep_the_clean_rows():
    line = BudgetLineFactory(financial_year=2025, line="INMSS placements")
    index = KeyIndex(
        BudgetLine,
        ("financial_year", "line"),
        normalise=lambda fy, name: (fy, name.lower()),
        financial_year__in=[2025],
    )

    assert index.find(2025, "inmss PLACEMENTS") == line.pk
    assert index.find(2026, "INMSS placements") is None
    parsers = _parsers(["A", "B"])
    parsers[1].error("child_ref", "is wrong")
    mark(parsers[0].data, ("A",), None)
    clean_rows, errors = split(parsers)
    assert [c["_key"] for c in clean_rows] == [("A",)]
    assert clean_rows[0]["_exists"] is False
    assert [e.reason for e in errors] == ["is wrong"]
