"""Small-number suppression: one rule (`sees_small_numbers`), one threshold (settings)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from core import disclosure


@pytest.mark.parametrize(
    ("count", "small"),
    [(None, False), (0, False), (1, True), (4, True), (5, False), (120, False), ("c", False)],
)
def test_counts_from_one_to_the_default_threshold_of_four_are_small(count, small):
    assert disclosure.is_small_number(count) is small


@override_settings(SMALL_NUMBER_THRESHOLD=9)
def test_the_threshold_comes_from_settings():
    assert disclosure.is_small_number(9)
    assert not disclosure.is_small_number(10)
    assert not disclosure.is_small_number(0)
    row = {"requests": 7, "cost": 1000}
    assert disclosure.suppress_row(row, count_fields=["requests"], figure_fields=["cost"]) == {
        "requests": "c",
        "cost": "c",
    }


@override_settings(SMALL_NUMBER_THRESHOLD=2)
def test_a_lower_threshold_shows_three():
    assert disclosure.is_small_number(2)
    assert not disclosure.is_small_number(3)


def test_manager_does_not_see_small_numbers_officer_and_commissioner_do(
    manager, officer, commissioner
):
    assert disclosure.sees_small_numbers(officer)
    assert disclosure.sees_small_numbers(commissioner)
    assert not disclosure.sees_small_numbers(manager)
    assert not disclosure.sees_small_numbers(AnonymousUser())


def test_shown_count_follows_the_user(manager, officer):
    assert disclosure.shown_count(3, manager) == disclosure.SUPPRESSED
    assert disclosure.shown_count(3, officer) == 3
    assert disclosure.shown_count(0, manager) == 0
    assert disclosure.shown_count(25, manager) == 25


@pytest.mark.django_db
@override_settings(SMALL_NUMBER_THRESHOLD=9)
def test_panel_summary_page_uses_the_setting_for_managers(manager_client):
    from tests.factories import MeetingFactory, PanelRequestFactory

    meeting = MeetingFactory()
    for _ in range(6):
        PanelRequestFactory(meeting=meeting)
    response = manager_client.get("/panel/summary/", {"meeting": meeting.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Numbers from 1 to 9 are shown as" in body
    rows = response.context["summary"]["outcomes"]
    assert all(row["requests"] in (0, disclosure.SUPPRESSED) for row in rows)
