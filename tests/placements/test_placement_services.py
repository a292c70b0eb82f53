"""Placement writes through the real database: overlap, moves, validation, stale edits, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DomainError, StaleEditError
from placements.models import Placement
from placements.services import placement_create, placement_update, placement_withdraw
from tests.factories import ChildFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db

D = dt.date
COST = Decimal("36000.00")


@pytest.fixture
def child():
    return ChildFactory()


@pytest.fixture
def first_school():
    return ProviderFactory(name="Oakwood School")


@pytest.fixture
def second_school():
    return ProviderFactory(name="Hollybank School")


def _create(child, provider, start, **kwargs) -> Placement:
    return placement_create(
        child=child, provider=provider, start_date=start, annual_cost=COST, user=None, **kwargs
    )


def test_overlapping_placement_is_refused_on_the_start_date_field(
    child, first_school, second_school
):
    _create(child, first_school, D(2024, 9, 2), end_date=D(2025, 7, 18))

    with pytest.raises(DomainError) as refused:
        _create(child, second_school, D(2025, 1, 6), end_date=D(2025, 7, 18))

    message = " ".join(refused.value.errors["start_date"])
    assert "overlaps the placement at Oakwood School" in message
    assert "2 September 2024" in message
    assert "End that placement the day before" in message
    assert Placement.objects.filter(child=child).count() == 1


def test_new_placement_while_another_is_open_is_refused_on_the_start_date_field(
    child, first_school, second_school
):
    _create(child, first_school, D(2024, 9, 2))

    with pytest.raises(DomainError) as refused:
        _create(child, second_school, D(2025, 1, 6))

    message = " ".join(refused.value.errors["start_date"])
    assert "overlaps the placement at Oakwood School" in message
    assert "with no end date" in message
    assert Placement.objects.filter(child=child).count() == 1


def test_placement_ending_on_the_day_the_next_starts_is_an_overlap(
    child, first_school, second_school
):
    _create(child, first_school, D(2024, 9, 2), end_date=D(2025, 1, 6))

    with pytest.raises(DomainError) as refused:
        _create(child, second_school, D(2025, 1, 6))

    assert "start_date" in refused.value.errors


def test_move_ending_the_day_before_is_allowed(child, first_school, second_school):
    _create(child, first_school, D(2024, 9, 2), end_date=D(2025, 1, 5))

    moved = _create(child, second_school, D(2025, 1, 6))

    assert moved.pk is not None
    assert moved.provider == second_school
    assert moved.end_date is None


def test_end_previous_ends_the_open_placement_the_day_before(child, first_school, second_school):
    previous = _create(child, first_school, D(2024, 9, 2))

    moved = _create(child, second_school, D(2025, 1, 6), end_previous=True)

    previous.refresh_from_db()
    assert previous.end_date == D(2025, 1, 5)
    assert previous.version == 2
    assert moved.end_date is None
    assert not previous.is_active_on(D(2025, 1, 6))
    assert moved.is_active_on(D(2025, 1, 6))


def test_dual_registration_may_overlap(child, first_school, second_school):
    _create(child, first_school, D(2024, 9, 2))

    dual = _create(child, second_school, D(2025, 1, 6), dual_registered=True)

    assert dual.dual_registered
    open_placements = Placement.objects.filter(child=child, end_date__isnull=True)
    assert open_placements.count() == 2


@pytest.mark.parametrize("field", ["annual_cost", "additional_cost"])
def test_negative_cost_is_refused_with_a_field_error(child, first_school, field):
    costs = {"annual_cost": COST, "additional_cost": Decimal(0)}
    costs[field] = Decimal("-1.00")

    with pytest.raises(DomainError) as refused:
        placement_create(
            child=child, provider=first_school, start_date=D(2024, 9, 2), user=None, **costs
        )

    assert field in refused.value.errors
    assert not Placement.objects.exists()


def test_funding_shares_not_summing_to_100_are_refused(child, first_school):
    with pytest.raises(DomainError) as refused:
        _create(
            child,
            first_school,
            D(2024, 9, 2),
            education_share=Decimal("60"),
            health_share=Decimal("30"),
            social_care_share=Decimal("0"),
        )

    assert refused.value.errors["education_share"] == [
        "Funding shares must add up to 100%, not 90%"
    ]
    assert not Placement.objects.exists()


def test_funding_shares_summing_to_100_are_accepted(child, first_school):
    placement = _create(
        child,
        first_school,
        D(2024, 9, 2),
        education_share=Decimal("50"),
        health_share=Decimal("25"),
        social_care_share=Decimal("25"),
    )

    assert placement.pk is not None


def test_stale_update_is_refused_and_leaves_the_row_unchanged():
    placement = PlacementFactory(annual_cost=COST)
    read_by_first, read_by_second = placement.version, placement.version
    placement_update(
        placement=placement, version=read_by_first, additional_cost=Decimal("4500.00"), user=None
    )

    with pytest.raises(StaleEditError, match="Someone else changed this placement"):
        placement_update(
            placement=placement, version=read_by_second, annual_cost=Decimal("30000.00"), user=None
        )

    placement.refresh_from_db()
    assert placement.annual_cost == COST
    assert placement.additional_cost == Decimal("4500.00")
    assert placement.version == read_by_first + 1


def test_update_bumps_version_and_writes_a_history_row():
    placement = PlacementFactory(annual_cost=COST)
    history_before = placement.history.count()

    updated = placement_update(
        placement=placement, version=placement.version, annual_cost=Decimal("37800.00"), user=None
    )

    assert updated.version == 2
    assert placement.history.count() == history_before + 1
    latest = placement.history.latest()
    assert latest.annual_cost == Decimal("37800.00")
    assert latest.version == 2


def test_update_refuses_fields_that_are_not_the_placements_to_change():
    placement = PlacementFactory()

    with pytest.raises(TypeError, match="child"):
        placement_update(
            placement=placement, version=placement.version, user=None, child=ChildFactory()
        )


def test_every_write_records_the_acting_user_on_the_history(child, first_school, commissioner):
    placement = _create(child, first_school, D(2024, 9, 2))
    placement_update(
        placement=placement, version=1, annual_cost=Decimal("37000.00"), user=commissioner
    )
    placement_withdraw(placement=placement, version=2, user=commissioner)

    records = list(placement.history.order_by("history_date", "history_id"))

    assert [r.history_user for r in records] == [None, commissioner, commissioner]
    assert [r.version for r in records] == [1, 2, 3]
