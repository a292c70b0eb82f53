from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from imports.models import ImportRecord
from placements.models import Placement
from tests.factories import ChildFactory, PlacementFactory, ProviderFactory
from tests.imports.conftest import errors_by_row

pytestmark = pytest.mark.django_db

HEADER = [
    "child_ref", "provider_urn", "setting_type", "start_date", "end_date", "annual_cost",
    "additional_cost", "attendance_pattern", "reason",
]  # fmt: skip


@pytest.fixture
def people():
    children = [ChildFactory(child_ref=f"WS{i}") for i in (1, 2, 3)]
    inmss = ProviderFactory(urn=118990)
    mainstream = ProviderFactory(urn=118201, establishment_type="Community school")
    return children, inmss, mainstream


def good_rows():
    return [
        ["WS1", "118990", "", "2024-09-02", "", "£36,000.00", "4,500", "day", "no_local_provision"],
        ["WS2", "118990", "", "01/09/2023", "31/08/2024", "52000", "", "52-week", "Tribunal order"],
        ["WS2", "118201", "srp", "01-09-2024", "", "18000", "0", "Day", ""],
    ]  # fmt: skip


def test_a_good_placements_file_creates_placements(run_import, write_file, people, commissioner):
    result = run_import("placements", write_file("p.csv", HEADER, good_rows()), user=commissioner)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    first = Placement.objects.get(child__child_ref="WS1")
    assert first.annual_cost == Decimal("36000.00")
    assert first.additional_cost == Decimal("4500.00")
    assert first.total_annual_cost == Decimal("40500.00")
    srp = Placement.objects.get(provider__urn=118201)
    assert srp.setting_type == "srp"
    assert srp.setting_group == "srp"
    residential = Placement.objects.get(child__child_ref="WS2", provider__urn=118990)
    assert residential.attendance_pattern == "52_week"
    assert residential.reason == "tribunal_order"
    assert residential.end_date == dt.date(2024, 8, 31)
    history = first.history.first()
    assert history.history_user == commissioner
    assert history.history_change_reason == "import placements p.csv"
    record = ImportRecord.objects.get()
    assert (record.user, record.created, record.status) == (commissioner, 3, "succeeded")


def test_an_xlsx_placements_file_imports(run_import, write_file, people):
    rows = [
        ["WS1", 118990, None, dt.datetime(2024, 9, 2), None, 36000, 4500.5, "day", None],
    ]
    result = run_import("placements", write_file("p.xlsx", HEADER, rows))

    assert result.ok, result.errors
    placement = Placement.objects.get()
    assert placement.start_date == dt.date(2024, 9, 2)
    assert placement.additional_cost == Decimal("4500.50")


def test_bad_rows_write_nothing_and_every_error_is_listed(run_import, write_file, people):
    rows = [
        ["WS404", "118990", "", "2024-09-02", "", "36000", "", "day", ""],  # unknown child
        ["WS1", "999999", "", "2024-09-02", "", "36000", "", "day", ""],  # unknown URN
        ["WS2", "118990", "", "2024-09-02", "2024-08-01", "36000", "", "day", ""],  # end < start
        ["WS3", "118990", "", "2024-09-02", "", "-5", "", "fortnightly", ""],  # 2 errors
        ["WS3", "118201", "castle", "2024-13-02", "", "36000", "", "day", ""],  # 2 errors
    ]
    result = run_import("placements", write_file("p.csv", HEADER, rows))

    assert Placement.objects.count() == 0
    found = errors_by_row(result)
    assert found[2] == [("child_ref", "is not a known child: import the child first")]
    assert [c for c, _ in found[3]] == ["provider_urn"]
    assert [c for c, _ in found[4]] == ["end_date"]
    assert sorted(c for c, _ in found[5]) == ["annual_cost", "attendance_pattern"]
    assert sorted(c for c, _ in found[6]) == ["setting_type", "start_date"]
    assert ImportRecord.objects.get().status == "rejected"


def test_overlapping_placements_in_the_file_are_errors(run_import, write_file, people):
    rows = [
        ["WS1", "118990", "", "2024-09-02", "", "36000", "", "day", ""],
        ["WS1", "118201", "", "2025-01-06", "", "18000", "", "day", ""],
    ]
    result = run_import("placements", write_file("p.csv", HEADER, rows))

    [error] = result.errors
    assert (error.row, error.column) == (3, "start_date")
    assert "overlaps the placement on row 2" in error.reason


def test_a_placement_overlapping_one_already_recorded_is_an_error(run_import, write_file, people):
    children, inmss, mainstream = people
    PlacementFactory(child=children[0], provider=mainstream, start_date=dt.date(2023, 9, 1))
    rows = [["WS1", "118990", "", "2024-09-02", "", "36000", "", "day", ""]]
    result = run_import("placements", write_file("p.csv", HEADER, rows))

    [error] = result.errors
    assert "recorded placement at URN 118201" in error.reason


def test_a_move_that_ends_the_old_placement_the_day_before_is_fine(run_import, write_file, people):
    children, inmss, mainstream = people
    PlacementFactory(child=children[0], provider=mainstream, start_date=dt.date(2023, 9, 1))
    rows = [
        ["WS1", "118201", "", "2023-09-01", "2024-09-01", "18000", "", "day", ""],
        ["WS1", "118990", "", "2024-09-02", "", "36000", "", "day", ""],
    ]
    result = run_import("placements", write_file("p.csv", HEADER, rows))

    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)


def test_reimport_updates_and_never_duplicates(run_import, write_file, people):
    run_import("placements", write_file("p.csv", HEADER, good_rows()))
    rows = good_rows()
    rows[0][5] = "37000"
    result = run_import("placements", write_file("p2.csv", HEADER, rows))

    assert (result.created, result.updated) == (0, 3)
    assert Placement.objects.count() == 3
    placement = Placement.objects.get(child__child_ref="WS1")
    assert placement.annual_cost == Decimal("37000.00")
    assert placement.version == 2


def test_missing_column_unchanged_blank_cell_cleared(run_import, write_file, people):
    children, inmss, _ = people
    placement = PlacementFactory(
        child=children[0],
        provider=inmss,
        start_date=dt.date(2024, 9, 2),
        end_date=dt.date(2025, 7, 20),
        reason="tribunal_order",
        setting_type="srp",
    )
    path = write_file(
        "p.csv",
        ["child_ref", "provider_urn", "start_date", "annual_cost", "end_date", "setting_type"],
        [["WS1", "118990", "2024-09-02", "38000", "", ""]],
    )
    result = run_import("placements", path)

    assert result.ok, result.errors
    placement.refresh_from_db()
    assert placement.end_date is None  # blank: cleared
    assert placement.setting_type == ""  # blank: cleared
    assert placement.reason == "tribunal_order"  # no column: unchanged
    assert placement.annual_cost == Decimal("38000.00")


def test_a_key_repeated_in_one_file_is_an_error_listing_both_rows(run_import, write_file, people):
    rows = good_rows()
    rows.append(["WS1", "118990", "", "02/09/2024", "", "1", "", "day", ""])
    result = run_import("placements", write_file("p.csv", HEADER, rows))

    assert Placement.objects.count() == 0
    [error] = result.errors
    assert error.row == 5
    assert "rows 2 and 5" in error.reason


def test_a_successful_import_recomputes_the_dashboards(run_import, write_file, people):
    from reporting.models import DashboardSnapshot

    run_import("placements", write_file("p.csv", HEADER, good_rows()))

    assert DashboardSnapshot.objects.filter(dashboard="headline").exists()


def test_an_unchanged_row_is_not_rewritten_and_a_changed_one_is_a_history_update(
    run_import, write_file, people
):
    run_import("placements", write_file("p.csv", HEADER, good_rows()))
    rows = good_rows()
    rows[1][6] = "250"
    result = run_import("placements", write_file("p2.csv", HEADER, rows))

    assert (result.created, result.updated) == (0, 3)
    changed = Placement.objects.get(child__child_ref="WS2", provider__urn=118990)
    assert changed.additional_cost == Decimal("250.00")
    assert [h.history_type for h in changed.history.all()] == ["~", "+"]
    unchanged = Placement.objects.get(child__child_ref="WS1")
    assert unchanged.version == 1
    assert unchanged.history.count() == 1


SEN2_HEADER = [*HEADER, "placement_rank", "sen_unit", "resourced_provision", "sen2_setting",
               "sen2_setting_other"]  # fmt: skip


def test_the_placements_sen2_items_import_and_a_reimport_clears_them(
    run_import, write_file, people
):
    rows = [
        [*good_rows()[0], "1", "N", "Y", "", ""],
        [*good_rows()[2], "2", "yes", "no", "OTH", "Hospital school"],
    ]
    result = run_import("placements", write_file("p.csv", SEN2_HEADER, rows))

    assert result.ok, result.errors
    first = Placement.objects.get(child__child_ref="WS1")
    assert (first.placement_rank, first.sen_unit, first.resourced_provision) == (1, False, True)
    other = Placement.objects.get(provider__urn=118201)
    assert (other.placement_rank, other.sen_unit, other.sen2_setting) == (2, True, "OTH")
    assert other.sen2_setting_other == "Hospital school"

    cleared = [[*good_rows()[0], "", "", "", "", ""]]
    assert run_import("placements", write_file("p2.csv", SEN2_HEADER, cleared)).ok
    first.refresh_from_db()
    assert (first.placement_rank, first.resourced_provision) == (None, False)


def test_bad_sen2_items_are_row_errors_and_nothing_is_written(run_import, write_file, people):
    rows = [
        [*good_rows()[0], "3", "maybe", "", "XYZ", ""],
        [*good_rows()[2], "", "", "", "OTH", ""],
        [*good_rows()[1], "", "", "", "OLA", "Somewhere"],
    ]
    result = run_import("placements", write_file("p.csv", SEN2_HEADER, rows))

    errors = errors_by_row(result)
    assert {column for column, _ in errors[2]} == {"placement_rank", "sen_unit", "sen2_setting"}
    assert errors[3] == [("sen2_setting_other", "is required with the setting code OTH")]
    assert errors[4] == [("sen2_setting_other", "is only for the setting code OTH")]
    assert not Placement.objects.exists()


def test_an_imported_fee_corrects_the_cost_from_the_latest_change_only(
    run_import, write_file, people, commissioner
):
    """A file states what the fee is now: it corrects the cost from the placement's latest
    change of fee or funding on, and leaves the cost before that change as it was (ADR 0008)."""
    from placements import services
    from placements.models import PlacementCostChange
    from reporting import loader
    from reporting.metrics.common import fy_spend

    children, inmss, _ = people
    placement = PlacementFactory(
        child=children[0],
        provider=inmss,
        start_date=dt.date(2026, 4, 1),
        end_date=None,
        annual_cost=Decimal("36000"),
        additional_cost=Decimal("0"),
    )
    services.placement_update(
        placement=placement,
        version=placement.version,
        annual_cost=Decimal("40000"),
        cost_effective_from=dt.date(2027, 1, 1),
        user=commissioner,
    )
    path = write_file(
        "p.csv",
        ["child_ref", "provider_urn", "start_date", "annual_cost"],
        [["WS1", "118990", "2026-04-01", "42000"]],
    )

    result = run_import("placements", path)

    assert result.ok, result.errors
    change = PlacementCostChange.objects.get()
    assert (change.effective_from, change.previous_annual_cost) == (
        dt.date(2027, 1, 1),
        Decimal("36000.00"),
    )
    spend = fy_spend(loader.load_placements(), 2026).sum()
    assert round(spend, 2) == round((36000 * 275 + 42000 * 90) / 365, 2)
    costs = placement.history.order_by("history_id").values_list("annual_cost", flat=True)
    assert list(costs)[-2:] == [Decimal("40000.00"), Decimal("42000.00")]
