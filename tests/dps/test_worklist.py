"""The officer's worklist on the home page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dps.selectors import worklist
from panel.models import PanelRequest
from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    MeetingFactory,
    PanelRequestFactory,
    PlacementFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def test_children_with_an_active_ehcp_and_no_placement():
    waiting = EHCPFactory().child
    EHCPFactory(child=PlacementFactory(start_date=dt.date(2025, 9, 1)).child)  # placed
    EHCPFactory(ceased_date=dt.date(2026, 1, 1))  # plan ceased
    ended = PlacementFactory(start_date=dt.date(2024, 9, 1), end_date=dt.date(2025, 7, 20))
    EHCPFactory(child=ended.child)
    ChildFactory()  # no EHCP
    found = set(worklist.children_needing_a_school(today=TODAY))
    assert found == {waiting, ended.child}


def test_placements_ending_in_8_weeks_with_nothing_arranged():
    ending = PlacementFactory(end_date=TODAY + dt.timedelta(weeks=8))
    PlacementFactory(end_date=TODAY + dt.timedelta(weeks=8, days=1))  # later than 8 weeks
    arranged = PlacementFactory(end_date=TODAY + dt.timedelta(days=20))
    PlacementFactory(child=arranged.child, start_date=TODAY + dt.timedelta(days=21))
    consulting = PlacementFactory(end_date=TODAY + dt.timedelta(days=30))
    ConsultationFactory(child=consulting.child, sent_on=TODAY)
    assert list(worklist.placements_ending_unarranged(today=TODAY)) == [ending]


@pytest.mark.parametrize("size", [1, 15])
def test_home_page_shows_the_worklist_in_queries_that_do_not_grow(
    officer_client, django_assert_max_num_queries, size
):
    """8 queries every page makes (session read and save, user, permissions, role) and one per
    section: next panels, overdue, due soon, children without a school, placements ending,
    agreed not placed, latest figures."""
    today = timezone.localdate()
    children = [EHCPFactory().child for _ in range(size)]
    meeting = MeetingFactory(date=today - dt.timedelta(days=7))
    for child in children:
        PanelRequestFactory(
            meeting=meeting, child=child, outcome=PanelRequest.Outcome.AGREED, provider=None
        )
        ConsultationFactory(child=child, sent_on=today - dt.timedelta(days=30))
        ConsultationFactory(child=child, sent_on=today - dt.timedelta(days=12))
        PlacementFactory(end_date=today + dt.timedelta(days=20))
    with django_assert_max_num_queries(15):
        page = officer_client.get("/").content.decode()
    assert children[0].full_name in page
    assert "Agreed at panel, not yet placed" in page
    assert f"/dps/search/?child={children[0].child_ref}" in page
    assert f"See and chase overdue consultations ({size})" in page
