"""A placements file is written in an order that makes a valid file succeed wherever its rows
are (every placement ended before any is opened, across chunks); should the database refuse
rows anyway, the errors name the rows and columns in plain words and the rows read are counted."""

from __future__ import annotations

import datetime as dt

import pytest

from imports.models import ImportRecord
from placements.imports import Placements
from placements.models import Placement
from tests.factories import ChildFactory, PlacementFactory, ProviderFactory

HEADER = ["child_ref", "provider_urn", "start_date", "end_date", "annual_cost"]


@pytest.fixture
def small_chunks(settings):
    settings.IMPORT_CHUNK_SIZE = 3


@pytest.fixture
def moving_child():
    """WS1 is at a mainstream school since September 2023 (open); WS2 to WS6 have no placement."""
    children = [ChildFactory(child_ref=f"WS{i}") for i in range(1, 7)]
    special = ProviderFactory(urn=118990)
    mainstream = ProviderFactory(urn=118201, establishment_type="Community school")
    current = PlacementFactory(
        child=children[0], provider=mainstream, start_date=dt.date(2023, 9, 1), end_date=None
    )
    return current, special


def move_in_two_chunks() -> list[list[str]]:
    """Row 2 opens WS1's new placement; row 7, three chunks later, ends the old one."""
    return [
        ["WS1", "118990", "2024-09-02", "", "36000"],
        *[[f"WS{i}", "118990", "2024-09-02", "", "30000"] for i in range(2, 7)],
        ["WS1", "118201", "2023-09-01", "2024-09-01", "18000"],
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("small_chunks")
def test_a_move_ended_in_a_later_chunk_than_it_opens_is_checked_and_imported(
    run_import, write_file, moving_child
):
    current, special = moving_child
    path = write_file("p.csv", HEADER, move_in_two_chunks())

    check = run_import("placements", path, dry_run=True)
    result = run_import("placements", path)

    assert check.ok, check.errors
    assert result.ok, result.errors
    assert (result.rows_read, result.created, result.updated) == (7, 6, 1)
    current.refresh_from_db()
    assert current.end_date == dt.date(2024, 9, 1)
    new = Placement.objects.get(child=current.child, provider=special)
    assert new.end_date is None
    assert new.start_date == dt.date(2024, 9, 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_chunks")
def test_rows_the_database_refuses_are_named_in_plain_words_and_nothing_is_written(
    run_import, write_file, moving_child, monkeypatch
):
    """The check misses a second open placement (as if one was recorded after the check): the
    database refuses it, and the page names the row and column, never the raw constraint."""
    current, _ = moving_child
    monkeypatch.setattr(Placements, "finish_validation", lambda self, context: [])
    rows = move_in_two_chunks()[:-1]  # WS1's old placement is never ended
    before = Placement.objects.count()

    result = run_import("placements", write_file("p.csv", HEADER, rows))

    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column) == (2, "end_date")
    assert "child WS1" in error.reason
    assert "another open placement (URN 118201 from 01/09/2023)" in error.reason
    assert "constraint" not in error.reason.lower()
    assert "placements_placement" not in error.reason
    assert (result.rows_read, result.created, result.updated) == (6, 0, 0)
    assert Placement.objects.count() == before
    record = ImportRecord.objects.get(pk=result.record_id)
    assert record.status == ImportRecord.Status.REJECTED
    assert (record.rows_read, record.errors_count) == (6, 1)
