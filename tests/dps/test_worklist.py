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
    """5 queries every page makes (session, user, permissions twice, role) and one per
    section: next panels, overdue, due soon, children without a school, placements ending,
    agreed not placed, latest figures; and the audit event of the worklist."""
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
    officer_client.get("/session/")  # renews the session: the page writes only its audit event
    with django_assert_max_num_queries(13):
        page = officer_client.get("/").content.decode()
    assert children[0].full_name in page
    assert "Agreed at panel, not yet placed" in page
    assert f"/dps/search/?child={children[0].child_ref}" in page
    assert f"See and chase overdue consultations ({size})" in page


def test_a_child_placed_through_the_product_leaves_the_kept_list_at_once(officer_client, officer):
    from decimal import Decimal

    from placements.services import placement_create

    today = timezone.localdate()
    waiting = [EHCPFactory().child for _ in range(3)]
    assert worklist.needing_a_school_first(today=today)[1] == 3  # worked out and kept

    provider = PlacementFactory().provider
    placement_create(
        child=waiting[0],
        provider=provider,
        start_date=today,
        annual_cost=Decimal("30000"),
        user=officer,
    )  # the commit sends figures_changed (TestCase-less tests commit for real on SQLite)

    shown, total = worklist.needing_a_school_first(today=today)
    assert waiting[0] not in shown
    assert total == 2


def test_the_rows_shown_are_checked_against_the_data_now():
    today = timezone.localdate()
    waiting = [EHCPFactory().child for _ in range(3)]
    worklist.needing_a_school_first(today=today)  # kept

    PlacementFactory(child=waiting[1], start_date=today - dt.timedelta(days=1))  # no signal

    shown, total = worklist.needing_a_school_first(today=today)
    assert waiting[1] not in shown
    assert len(shown) == 2
    assert total == 2
