"""Long lists are counted only up to a cap, and say so."""

from __future__ import annotations

import pytest

from core.pagination import CappedPaginator
from placements.models import Placement
from tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def test_a_list_longer_than_the_cap_is_counted_to_the_cap_and_says_there_are_more():
    PlacementFactory.create_batch(3)

    capped = CappedPaginator(Placement.objects.order_by("id"), 1, cap=2)
    exact = CappedPaginator(Placement.objects.order_by("id"), 1, cap=3)

    assert (capped.count, capped.capped, capped.num_pages) == (2, True, 2)
    assert (exact.count, exact.capped, exact.num_pages) == (3, False, 3)


def test_the_register_says_more_than_when_it_is_capped(officer_client, monkeypatch):
    PlacementFactory.create_batch(3)
    monkeypatch.setattr("core.pagination.COUNT_CAP", 2)

    capped = officer_client.get("/placements/").content.decode()
    monkeypatch.setattr("core.pagination.COUNT_CAP", 10)
    exact = officer_client.get("/placements/").content.decode()

    assert "More than 2 placements: filter the register to see them all." in capped
    assert "3 placements." in exact
