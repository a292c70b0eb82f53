"""The `sen2-events` import: annual reviews and phase transfers of each child's latest plan."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.models import AnnualReview, PhaseTransfer
from tests.factories import ChildFactory, EHCPFactory
from tests.imports.conftest import errors_by_row

pytestmark = pytest.mark.django_db

HEADER = [
    "child_ref", "event", "date", "outcome", "decision_date", "draft_amended_plan_date",
    "final_plan_date",
]  # fmt: skip


@pytest.fixture
def plans():
    for ref in ("WS1", "WS2"):
        EHCPFactory(child=ChildFactory(child_ref=ref), issue_date=dt.date(2023, 5, 15))
    EHCPFactory(child=ChildFactory(child_ref="WS-NOPLAN"), issue_date=None, status="requested")


def test_a_good_file_adds_reviews_and_transfers_and_a_rerun_updates_them(
    run_import, write_file, plans
):
    rows = [
        ["WS1", "annual_review", "2024-05-01", "M", "2024-05-20", "", ""],
        ["WS1", "Annual review", "2025-05-01", "A", "2025-05-15", "2025-06-01", ""],
        ["WS2", "phase_transfer", "2025-02-15", "", "", "", "2025-02-10"],
    ]
    result = run_import("sen2-events", write_file("events.csv", HEADER, rows))
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    reviews = list(AnnualReview.objects.filter(ehcp__child__child_ref="WS1"))
    assert [(r.meeting_date, r.outcome) for r in reviews] == [
        (dt.date(2024, 5, 1), "M"),
        (dt.date(2025, 5, 1), "A"),
    ]
    assert reviews[1].draft_amended_plan_date == dt.date(2025, 6, 1)
    transfer = PhaseTransfer.objects.get()
    assert (transfer.due_date, transfer.final_plan_date) == (
        dt.date(2025, 2, 15),
        dt.date(2025, 2, 10),
    )

    rows[0][3], rows[0][4] = "C", "2024-05-30"
    again = run_import("sen2-events", write_file("events.csv", HEADER, rows))
    assert (again.created, again.updated) == (0, 1)
    assert AnnualReview.objects.get(meeting_date=dt.date(2024, 5, 1)).outcome == "C"


def test_bad_rows_are_listed_and_nothing_is_written(run_import, write_file, plans):
    rows = [
        ["WS-UNKNOWN", "annual_review", "2024-05-01", "", "", "", ""],
        ["WS-NOPLAN", "annual_review", "2024-05-01", "", "", "", ""],
        ["WS1", "annual_review", "2023-01-01", "M", "", "", ""],
        ["WS1", "party", "2024-05-01", "", "", "", ""],
        ["WS2", "phase_transfer", "2025-02-15", "M", "", "", ""],
        ["WS2", "annual_review", "2025-02-15", "M", "2025-02-01", "", "2025-03-01"],
    ]
    result = run_import("sen2-events", write_file("events.csv", HEADER, rows))
    assert not result.ok
    assert not AnnualReview.objects.exists()
    assert not PhaseTransfer.objects.exists()
    found = {
        row: sorted(column for column, _ in errors) for row, errors in errors_by_row(result).items()
    }
    assert found == {
        2: ["child_ref"],
        3: ["child_ref"],
        4: ["date", "decision_date"],
        5: ["event"],
        6: ["outcome"],
        7: ["decision_date", "final_plan_date"],
    }
