"""The demo generator: reproducible, internally consistent, and shaped like the source documents."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Q

from core import calendar
from demo.generator import DemoDataExists, seed
from dps.models import Consultation, Membership, UpliftRequest
from panel import services as panel_services
from panel.models import Meeting, PanelRequest, PanelType
from placements import rules
from placements.models import EHCP, Child, Placement, Provider
from reporting.models import BudgetLine, DashboardSnapshot

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small():
    """The `small` demo as of a pinned date; it takes about a second, so each test builds its own."""
    return seed("small", 1, TODAY, progress=False, flush=True)


def _active(queryset, day=TODAY):
    return queryset.filter(start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def _inmss_active():
    return _active(Placement.objects.filter(withdrawn=False)).filter(
        Q(setting_type="inmss") | Q(setting_type="", provider__setting_group="inmss")
    )


def _fingerprint():
    return (
        list(Child.objects.order_by("child_ref").values_list("child_ref", flat=True)),
        list(
            Placement.objects.order_by("child__child_ref", "start_date").values_list(
                "child__child_ref", "start_date", "annual_cost", "additional_cost"
            )
        ),
        sorted(Provider.objects.values_list("urn", flat=True)),
    )


def test_same_seed_and_date_give_identical_data_and_another_seed_differs(small):
    first = _fingerprint()

    seed("small", 1, TODAY, progress=False, flush=True)
    assert _fingerprint() == first

    seed("small", 2, TODAY, progress=False, flush=True)
    other = _fingerprint()
    assert other[0] != first[0]
    assert other[1] != first[1]
    assert other[2] != first[2]


def test_seeding_over_existing_data_is_refused_unless_flushed(small):
    with pytest.raises(DemoDataExists):
        seed("small", 1, TODAY, progress=False)
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed_demo", "--size", "small", "--today", "2026-11-23", "--no-progress")
    assert Child.objects.count() == small["children"]


def test_flush_also_clears_history_and_ids_carry_on_after_seeding(small):
    child = Child.objects.first()
    child.first_name = "Renamed"
    child.save()  # writes a history row
    assert Child.history.count() == 1

    counts = seed("small", 1, TODAY, progress=False, flush=True)

    assert Child.history.count() == 0
    assert Child.objects.count() == counts["children"]
    placement = Placement.objects.filter(end_date__isnull=False).first()
    again = Placement.objects.create(
        child=placement.child,
        provider=placement.provider,
        start_date=TODAY + dt.timedelta(days=400),
        end_date=TODAY + dt.timedelta(days=401),
        annual_cost=Decimal(1000),
    )
    assert again.pk > counts["placements"]


def test_flush_also_clears_cost_changes(small, commissioner):
    from placements import services
    from placements.models import PlacementCostChange

    placement = Placement.objects.filter(end_date__isnull=True, start_date__lt=TODAY).first()
    services.placement_update(
        placement=placement,
        version=placement.version,
        additional_cost=placement.additional_cost + 1000,
        cost_effective_from=TODAY,
        user=commissioner,
    )

    seed("small", 1, TODAY, progress=False, flush=True)

    assert not PlacementCostChange.objects.exists()


def test_command_prints_what_it_wrote():
    out = StringIO()
    call_command(
        "seed_demo",
        "--size",
        "small",
        "--seed",
        "3",
        "--today",
        "2026-11-23",
        "--no-progress",
        stdout=out,
    )
    assert "Seeded the small demo (seed 3, as of 23 November 2026)" in out.getvalue()
    assert f"{Placement.objects.count():,}" in out.getvalue()


SEED_SMALL = ["seed_demo", "--size", "small", "--today", "2026-11-23", "--no-progress"]


def test_if_empty_seeds_an_empty_database_then_keeps_what_is_there(commissioner):
    first = StringIO()
    call_command(*SEED_SMALL, "--if-empty", stdout=first)
    assert "Seeded the small demo" in first.getvalue()
    children = Child.objects.count()
    assert children > 0
    # Someone works in the demo between runs: their meeting must survive the second `make demo`.
    entered = panel_services.meeting_create(
        date=dt.date(2027, 3, 3), panel_type=PanelType.INDEPENDENT_PLACEMENT, user=commissioner
    )
    before = _fingerprint()

    second = StringIO()
    call_command(*SEED_SMALL, "--seed", "2", "--if-empty", stdout=second)  # no SystemExit

    assert second.getvalue().strip() == (
        "The database already holds data: keeping it. `make demo-reset` starts again."
    )
    assert _fingerprint() == before
    assert Child.objects.count() == children
    assert Meeting.objects.filter(pk=entered.pk).exists()


def test_if_empty_and_flush_cannot_be_asked_together():
    with pytest.raises(CommandError, match="not allowed with"):
        call_command(*SEED_SMALL, "--if-empty", "--flush")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_keeps_the_data_and_make_demo_reset_flushes():
    def seed_line(target: str) -> str:
        dry_run = subprocess.run(
            ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return next(line for line in dry_run.stdout.splitlines() if "seed_demo" in line)

    assert "--if-empty" in seed_line("demo")
    assert "--flush" not in seed_line("demo")
    assert "--flush" in seed_line("demo-reset")


def test_small_has_the_documented_scale(small):
    issued_active = EHCP.objects.filter(issue_date__lte=TODAY).filter(
        Q(ceased_date__isnull=True) | Q(ceased_date__gte=TODAY)
    )
    assert 500 <= issued_active.count() <= 700
    assert 60 <= _inmss_active().count() <= 100
    assert Provider.objects.filter(setting_group="inmss").count() == 25
    assert 50 <= Provider.objects.count() <= 70
    assert Meeting.objects.count() == 4
    statuses = set(EHCP.objects.values_list("status", flat=True))
    assert {"issued", "ceased", "assessing", "requested"} <= statuses


def test_no_child_has_overlapping_placements(small):
    by_child = defaultdict(list)
    for child, start, end in Placement.objects.filter(
        withdrawn=False, dual_registered=False
    ).values_list("child_id", "start_date", "end_date"):
        by_child[child].append((start, end))
    clashes = [
        child
        for child, periods in by_child.items()
        for i, (a_start, a_end) in enumerate(periods)
        for b_start, b_end in periods[i + 1 :]
        if rules.periods_overlap(a_start, a_end, b_start, b_end)
    ]
    assert clashes == []
    # A move ends one placement the day before the next starts, and none starts before the EHCP.
    issued = dict(EHCP.objects.values_list("child_id", "issue_date"))
    assert all(
        start >= issued[child] for child, periods in by_child.items() for start, _ in periods
    )


def test_independent_placements_have_the_decks_need_mix_and_costs(small):
    active = list(
        _inmss_active().values_list(
            "child__ehcps__primary_need", "attendance_pattern", "annual_cost", "additional_cost"
        )
    )
    needs = Counter(need for need, *_ in active)
    assert abs(100 * needs["ASD"] / len(active) - 50) <= 15
    assert abs(100 * needs["SEMH"] / len(active) - 26) <= 12
    day_costs = [base + extra for _, pattern, base, extra in active if pattern == "day"]
    assert 30_000 <= sum(day_costs) / len(day_costs) <= 42_000
    residential = [base + extra for _, pattern, base, extra in active if pattern != "day"]
    assert all(80_000 <= cost <= 275_000 for cost in residential)

    special = _active(Placement.objects.filter(setting_type="", provider__setting_group="special"))
    special_costs = [
        base + extra for base, extra in special.values_list("annual_cost", "additional_cost")
    ]
    assert 14_000 <= sum(special_costs) / len(special_costs) <= 21_000


def test_new_independent_placements_peak_at_year_7(small):
    starts = Placement.objects.filter(provider__setting_group="inmss").values_list(
        "child__date_of_birth", "start_date"
    )
    by_ncy = Counter(rules.ncy(dob, calendar.academic_year_of(start)) for dob, start in starts)
    assert by_ncy.most_common(1)[0][0] == 7


def test_provider_setting_groups_follow_their_establishment_types(small):
    for provider in Provider.objects.all():
        assert provider.setting_group == rules.setting_group_for_establishment_type(
            provider.establishment_type
        ), provider
        assert 100_000 <= provider.urn <= 999_999
    srp = Placement.objects.filter(setting_type="srp")
    assert srp.exists()
    assert not srp.exclude(provider__resourced_provision_type="Resourced provision").exists()
    assert not srp.exclude(provider__setting_group="mainstream").exists()
    assert not Placement.objects.exclude(setting_type__in=["", "srp"]).exists()


def test_panel_outcomes_split_about_half_agreed_and_requests_come_back(small):
    decided = PanelRequest.objects.filter(meeting__date__lt=TODAY)
    outcomes = Counter(decided.values_list("outcome", flat=True))
    total = sum(outcomes.values())
    assert "" not in outcomes
    assert abs(100 * outcomes["agreed"] / total - 50) <= 15
    assert abs(100 * outcomes["declined"] / total - 30) <= 15
    more = outcomes["more_information"] + outcomes["deferred"]
    assert abs(100 * more / total - 20) <= 15
    assert not decided.filter(decided_at__isnull=True).exists()
    for request in decided.filter(outcome="more_information"):
        follow_up = request.returned_as
        assert follow_up.child_id == request.child_id
        assert follow_up.meeting.date > request.meeting.date
    agreed = decided.filter(outcome="agreed")
    assert not agreed.filter(agreed_cost__isnull=True).exists()
    assert all(r.agreed_cost <= r.requested_cost for r in agreed)


def test_the_next_panel_has_undecided_requests(small):
    upcoming = (
        Meeting.objects.filter(date__gt=TODAY, panel_type="independent_placement")
        .order_by("date")
        .first()
    )
    assert upcoming is not None
    assert upcoming.requests.filter(outcome="").count() >= 5
    assert not upcoming.requests.exclude(outcome="").exists()


def test_some_consultations_are_overdue_and_due_dates_follow_the_rule(small):
    assert not Consultation.objects.exclude(due_on=F("sent_on") + dt.timedelta(days=15)).exists()
    overdue = Consultation.objects.filter(response="awaiting", due_on__lt=TODAY)
    assert overdue.exists()
    # Children waiting on open consultations have no current placement.
    waiting = overdue.values_list("child_id", flat=True)
    assert not _active(Placement.objects.filter(child_id__in=waiting)).exists()
    # Each recent independent placement came from an accepted offer.
    linked = Consultation.objects.filter(placement__isnull=False)
    assert linked.exists()
    assert not linked.exclude(response="offer").exists()
    assert all(
        c.provider_id == c.placement.provider_id and c.sent_on < c.placement.start_date
        for c in linked
    )


def test_budget_lines_sit_within_three_percent_of_spend(small):
    rows = Placement.objects.values_list(
        "start_date",
        "end_date",
        "annual_cost",
        "additional_cost",
        "setting_type",
        "provider__setting_group",
    )
    lines = {
        "INMSS placements": "inmss",
        "Maintained special top-up": "special",
        "SRP top-up": "srp",
        "Post-16 high needs": "post16",
    }
    years = sorted(set(BudgetLine.objects.values_list("financial_year", flat=True)))
    assert years[-1] == calendar.financial_year_of(TODAY)
    assert len(years) >= 3
    for budget in BudgetLine.objects.filter(line__in=lines):
        start, end = calendar.financial_year_bounds(budget.financial_year)
        spend = sum(
            rules.cost_in_period(rules.placement_cost(base, extra), s, e, start, end)
            for s, e, base, extra, setting, group in rows
            if (setting or group) == lines[budget.line]
        )
        assert abs(budget.amount - spend) <= spend * Decimal("0.03") + 500, budget


def test_the_budget_movement_of_a_fresh_demo_has_a_point_for_each_month_so_far(small):
    """A fresh demo has stored one recompute, today's: the months before it are worked out from
    the records as of each month's last day, so the chart shows how the forecast moved."""
    from reporting.services import snapshots_recompute

    snapshots_recompute(as_of=TODAY)

    fy = calendar.financial_year_of(TODAY)
    budget = DashboardSnapshot.objects.get(dashboard="budget", as_of=TODAY).data
    movement = budget["by_year"][str(fy)]["tables"]["movement"]
    assert [row["month"] for row in movement] == [
        "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"
    ]  # fmt: skip
    assert all(row["forecast_outturn"] for row in movement)
    assert len({row["forecast_outturn"] for row in movement}) > 1
    assert (
        movement[-1]["forecast_outturn"]
        == budget["by_year"][str(fy)]["figures"]["forecast_outturn"]
    )


def test_dps_has_two_lots_members_and_negotiated_uplifts(small):
    current = Membership.objects.filter(framework__name__endswith=str(TODAY.year))
    inmss = Provider.objects.filter(setting_group="inmss").count()
    assert 0.6 * inmss <= current.count() <= 0.95 * inmss
    assert current.filter(lot__block_contract_eligible=True).exists()
    assert current.filter(lot__block_contract_eligible=False).exists()
    agreed = UpliftRequest.objects.filter(agreed_percent__isnull=False)
    assert agreed.filter(agreed_percent__lt=F("requested_percent")).exists()


def test_create_demo_users_makes_one_user_per_role_and_resets_passwords(settings, rf):
    settings.DEBUG = (
        True  # the demo users are refused with DEBUG off (tests/core/test_settings_safety.py)
    )
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    user_model = get_user_model()
    user_model.objects.filter(username="officer").update(password="")
    call_command("create_demo_users", stdout=StringIO())

    for name in ("officer", "commissioner", "manager", "admin"):
        user = authenticate(rf.post("/accounts/login/"), username=name, password="demo-password-1")
        assert user is not None, name
        assert list(user.groups.values_list("name", flat=True)) == [name]
        assert user.first_name
        assert user.last_name
        assert name in out.getvalue()
    admin = user_model.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert not user_model.objects.get(username="manager").is_staff
    assert "demo-password-1" in out.getvalue()
