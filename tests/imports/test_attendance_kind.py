"""The `attendance` import kind: termly attendance found by child, provider and term."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dps.models import AttendanceRecord
from tests.factories import ChildFactory, PlacementFactory, ProviderFactory
from tests.imports.conftest import errors_by_row

pytestmark = pytest.mark.django_db

COLUMNS = ["child_ref", "provider_urn", "academic_year", "term", "attendance_percent"]


def test_attendance_import_finds_the_placement_running_in_the_term_and_reimports(
    run_import, write_file
):
    provider = ProviderFactory(urn=170001)
    child = ChildFactory(child_ref="WS800001")
    old = PlacementFactory(
        child=child,
        provider=provider,
        start_date=dt.date(2024, 9, 2),
        end_date=dt.date(2025, 12, 31),
    )
    new = PlacementFactory(child=child, provider=provider, start_date=dt.date(2026, 1, 1))
    rows = [
        ["WS800001", "170001", "2025/26", "Autumn", "91.5%"],
        ["WS800001", "170001", "2025-26", "spring", "74"],
    ]

    result = run_import("attendance", write_file("a.csv", COLUMNS, rows))

    assert result.ok, result.errors
    assert AttendanceRecord.objects.get(term="autumn").placement == old
    assert AttendanceRecord.objects.get(term="spring").placement == new
    rows[1][4] = "76"
    again = run_import("attendance", write_file("b.csv", COLUMNS, rows))
    assert (again.created, again.updated) == (0, 2)
    assert AttendanceRecord.objects.get(term="spring").attendance_percent == Decimal("76.00")


def test_attendance_import_errors_name_the_row_and_column(run_import, write_file):
    ProviderFactory(urn=170002)
    ChildFactory(child_ref="WS800002")
    rows = [
        ["WS800002", "170002", "2025/26", "autumn", "80"],  # no placement
        ["WS800002", "170002", "2025/26", "winter", "80"],
        ["WS800002", "170002", "2025/26", "summer", "101"],
    ]

    result = run_import("attendance", write_file("c.csv", COLUMNS, rows))

    found = errors_by_row(result)
    assert [column for column, _ in found[2]] == ["child_ref"]
    assert [column for column, _ in found[3]] == ["term"]
    assert [column for column, _ in found[4]] == ["attendance_percent"]
    assert not AttendanceRecord.objects.exists()
