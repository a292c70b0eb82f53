"""dps-membership, fees (dps), panel-decisions (panel) and budget (reporting)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dps.models import FeeSchedule, Membership
from panel.models import Meeting, PanelRequest
from reporting.models import BudgetLine
from tests.factories import (
    BudgetLineFactory,
    ChildFactory,
    FrameworkFactory,
    LotFactory,
    NeedTypeFactory,
    ProviderFactory,
)
from tests.imports.conftest import errors_by_row

pytestmark = pytest.mark.django_db


# --- dps-membership ------------------------------------------------------------------

MEMBERSHIP = ["urn", "framework", "lot", "status", "admitted_on", "quality_score"]


@pytest.fixture
def dps():
    framework = FrameworkFactory(name="Wealdshire INMSS DPS")
    lot1 = LotFactory(framework=framework, number=1, name="Higher quality providers")
    lot2 = LotFactory(framework=framework, number=2, name="Improvement lot")
    providers = [ProviderFactory(urn=urn) for urn in (118990, 119001, 119002)]
    return framework, lot1, lot2, providers


def test_a_good_membership_file_creates_memberships(run_import, write_file, dps):
    framework, lot1, lot2, _ = dps
    rows = [
        ["118990", "Wealdshire INMSS DPS", "1", "admitted", "15/08/2022", "78.5"],
        ["119001", "wealdshire inmss dps", "Lot 2", "Applied", "", ""],
        ["119002", "Wealdshire INMSS DPS", "Improvement lot", "", "", "60"],
    ]
    result = run_import("dps-membership", write_file("m.xlsx", MEMBERSHIP, rows))

    assert result.ok, result.errors
    assert result.created == 3
    first = Membership.objects.get(provider__urn=118990)
    assert (first.lot, first.status, first.admitted_on) == (lot1, "admitted", dt.date(2022, 8, 15))
    assert first.quality_score == Decimal("78.50")
    assert Membership.objects.get(provider__urn=119001).lot == lot2
    assert Membership.objects.get(provider__urn=119002).lot == lot2


def test_membership_bad_rows_write_nothing(run_import, write_file, dps):
    rows = [
        ["999999", "Wealdshire INMSS DPS", "1", "admitted", "", ""],
        ["118990", "Unknown DPS", "1", "admitted", "", ""],
        ["119001", "Wealdshire INMSS DPS", "7", "expelled", "", "101"],
    ]
    result = run_import("dps-membership", write_file("m.csv", MEMBERSHIP, rows))

    assert Membership.objects.count() == 0
    found = errors_by_row(result)
    assert [c for c, _ in found[2]] == ["urn"]
    assert [c for c, _ in found[3]] == ["framework"]
    assert sorted(c for c, _ in found[4]) == ["lot", "quality_score", "status"]


def test_membership_reimport_updates_and_repeats_are_errors(run_import, write_file, dps):
    rows = [["118990", "Wealdshire INMSS DPS", "1", "admitted", "2022-08-15", "78.5"]]
    run_import("dps-membership", write_file("m.csv", MEMBERSHIP, rows))
    rows = [["118990", "Wealdshire INMSS DPS", "2", "suspended", "", ""]]
    result = run_import("dps-membership", write_file("m2.csv", MEMBERSHIP, rows))

    assert (result.created, result.updated) == (0, 1)
    membership = Membership.objects.get()
    assert (membership.lot.number, membership.status) == (2, "suspended")
    assert membership.admitted_on is None  # blank cell clears
    twice = [rows[0], rows[0]]
    result = run_import("dps-membership", write_file("m3.csv", MEMBERSHIP, twice))
    assert [e.row for e in result.errors] == [3]


# --- fees ------------------------------------------------------------------------------

FEES = ["urn", "academic_year", "attendance_pattern", "band", "annual_fee"]


def test_fees_import_reimport_and_errors(run_import, write_file):
    ProviderFactory(urn=118990)
    rows = [
        ["118990", "2024/25", "day", "", "£36,000"],
        ["118990", "2024-25", "52-week", "", "98,500.00"],
        ["118990", "2024", "day", "Band B", "41000"],
    ]
    result = run_import("fees", write_file("f.csv", FEES, rows, encoding="utf-8-sig"))
    assert result.ok, result.errors
    assert FeeSchedule.objects.count() == 3
    assert FeeSchedule.objects.get(attendance_pattern="52_week").annual_fee == Decimal("98500.00")

    rows[0][4] = "37000"
    result = run_import("fees", write_file("f2.csv", FEES, rows))
    assert (result.created, result.updated) == (0, 3)
    assert FeeSchedule.objects.count() == 3
    changed = FeeSchedule.objects.get(attendance_pattern="day", band="")
    assert changed.annual_fee == Decimal("37000")
    assert changed.version == 2  # a fee form opened before the import is now stale
    assert FeeSchedule.objects.get(attendance_pattern="52_week").version == 1  # unchanged

    bad = [
        ["118990", "24/25", "day", "", "1"],
        ["404", "2024/25", "day", "", "-1"],
        ["118990", "2025/26", "day", "", "1"],
        ["118990", "2025/26", "Day", "", "2"],
    ]
    result = run_import("fees", write_file("f3.csv", FEES, bad))
    assert FeeSchedule.objects.count() == 3
    found = errors_by_row(result)
    assert [c for c, _ in found[2]] == ["academic_year"]
    assert sorted(c for c, _ in found[3]) == ["annual_fee", "urn"]
    assert "rows 4 and 5" in found[5][0][1]


# --- panel-decisions ---------------------------------------------------------------------

PANEL = [
    "panel_date", "panel_type", "child_ref", "request_type", "provider_urn", "primary_need",
    "secondary_need", "requested_cost", "requested_additional_cost", "agreed_cost", "outcome",
    "reason",
]  # fmt: skip


@pytest.fixture
def panel_people():
    for code in ("ASD", "SEMH"):
        NeedTypeFactory(code=code)
    ChildFactory(child_ref="WS1")
    ChildFactory(child_ref="WS2")
    ProviderFactory(urn=118990)


def panel_rows():
    return [
        ["2025-03-12", "Independent Placement Panel", "WS1", "new placement", "118990", "ASD",
         "SEMH", "£42,000", "6,000", "40000", "Agreed", "No local provision"],
        ["12/03/2025", "independent_placement", "WS2", "additional_funding", "", "semh", "",
         "8000", "8000", "", "Additional information required", "Need an EP report"],
        ["2025-03-19", "SRP", "WS1", "change_of_placement", "", "ASD", "", "18000", "", "", "", ""],
    ]  # fmt: skip


def test_panel_decisions_create_meetings_and_requests(
    run_import, write_file, panel_people, commissioner
):
    result = run_import(
        "panel-decisions", write_file("p.csv", PANEL, panel_rows()), user=commissioner
    )

    assert result.ok, result.errors
    assert result.created == 3
    assert Meeting.objects.count() == 2
    agreed = PanelRequest.objects.get(child__child_ref="WS1", request_type="new_placement")
    assert agreed.requested_base_cost == Decimal("36000.00")
    assert agreed.requested_additional_cost == Decimal("6000.00")
    assert agreed.requested_cost == Decimal("42000.00")
    assert (agreed.outcome, agreed.agreed_cost) == ("agreed", Decimal("40000.00"))
    assert agreed.decided_at.date() == dt.date(2025, 3, 12)
    assert agreed.decided_by == commissioner
    assert agreed.decision_reason == "No local provision"
    more = PanelRequest.objects.get(child__child_ref="WS2")
    assert more.outcome == "more_information"
    assert more.requested_base_cost == Decimal("0.00")
    undecided = PanelRequest.objects.get(request_type="change_of_placement")
    assert (undecided.outcome, undecided.decided_at) == ("", None)
    assert undecided.meeting.panel_type == "srp"


def test_panel_decisions_bad_rows_write_nothing(run_import, write_file, panel_people):
    rows = panel_rows()
    rows[0][2] = "WS404"
    rows[1][8] = "9000"  # additional more than the total
    rows[2][4] = "123"  # unknown provider
    rows[2][10] = "maybe"
    result = run_import("panel-decisions", write_file("p.csv", PANEL, rows))

    assert PanelRequest.objects.count() == 0
    assert Meeting.objects.count() == 0
    found = errors_by_row(result)
    assert [c for c, _ in found[2]] == ["child_ref"]
    assert [c for c, _ in found[3]] == ["requested_additional_cost"]
    assert sorted(c for c, _ in found[4]) == ["outcome", "provider_urn"]


def test_panel_decisions_reimport_updates_without_duplicates(run_import, write_file, panel_people):
    run_import("panel-decisions", write_file("p.csv", PANEL, panel_rows()))
    rows = panel_rows()
    rows[1][10] = "agreed"
    rows[1][9] = "8000"
    result = run_import("panel-decisions", write_file("p2.csv", PANEL, rows))

    assert (result.created, result.updated) == (0, 3)
    assert PanelRequest.objects.count() == 3
    assert Meeting.objects.count() == 2
    request = PanelRequest.objects.get(child__child_ref="WS2")
    assert request.outcome == "agreed"
    assert request.decided_at is not None
    assert request.version == 2  # changed once, by the second file


# --- budget ------------------------------------------------------------------------------


def test_budget_import_reimport_and_errors(run_import, write_file):
    BudgetLineFactory(financial_year=2024, line="INMSS placements", amount=Decimal(1))
    header = ["Financial_Year ", " LINE", "Amount"]
    rows = [["2025-26", "INMSS placements", "£40,000,000"], ["2024/25", "INMSS placements", "39m"]]
    result = run_import("budget", write_file("b.csv", header, rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "amount")]
    assert BudgetLine.objects.count() == 1

    rows[1][2] = "39,500,000.00"
    result = run_import("budget", write_file("b.csv", header, rows))
    assert (result.created, result.updated) == (1, 1)
    assert BudgetLine.objects.get(financial_year=2024).amount == Decimal("39500000.00")
    assert BudgetLine.objects.get(financial_year=2025).amount == Decimal("40000000.00")

    result = run_import("budget", write_file("b.csv", header, [rows[0], rows[0]]))
    assert [e.row for e in result.errors] == [3]
