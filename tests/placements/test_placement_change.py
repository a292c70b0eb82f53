"""A commissioner changes or ends a placement; a stale save is refused and shows the current values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from placements.models import Placement
from tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement():
    return PlacementFactory(
        start_date=dt.date(2025, 9, 1),
        end_date=None,
        annual_cost=Decimal("36000.00"),
        additional_cost=Decimal("0.00"),
        attendance_pattern="day",
    )


def _post(client, placement, version, **changes):
    data = {
        "version": version,
        "end_date": "",
        "attendance_pattern": "day",
        "annual_cost": "36000.00",
        "additional_cost": "0.00",
        **changes,
    }
    return client.post(reverse("placements:placement_change", args=[placement.pk]), data)


def test_ending_a_placement_saves_and_records_who(commissioner_client, commissioner, placement):
    response = _post(commissioner_client, placement, 1, end_date="2026-07-31")

    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.end_date == dt.date(2026, 7, 31)
    assert placement.version == 2
    assert placement.history.first().history_user == commissioner


def test_a_stale_save_is_refused_and_shows_the_other_persons_values(commissioner_client, placement):
    assert _post(commissioner_client, placement, 1, additional_cost="5000").status_code == 302

    response = _post(commissioner_client, placement, 1, end_date="2026-07-31")

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this placement" in page
    assert 'value="5000.00"' in page
    assert 'name="version" value="2"' in page
    placement.refresh_from_db()
    assert placement.end_date is None
    assert placement.additional_cost == Decimal("5000.00")


def test_an_end_before_the_start_is_explained_beside_the_field(commissioner_client, placement):
    response = _post(commissioner_client, placement, 1, end_date="2025-08-31")

    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert Placement.objects.get(pk=placement.pk).end_date is None


def test_negative_money_is_refused_with_a_message(commissioner_client, placement):
    response = _post(commissioner_client, placement, 1, annual_cost="-1")

    assert response.status_code == 400
    assert "The base annual fee must be £0 or more" in response.content.decode()


def test_an_officer_cannot_change_a_placement(officer_client, placement):
    assert _post(officer_client, placement, 1, end_date="2026-07-31").status_code == 403


def test_a_placement_with_no_history_says_no_changes_yet(commissioner_client, placement):
    placement.history.all().delete()  # as after a bulk import, which records no history
    response = commissioner_client.get(reverse("placements:placement_change", args=[placement.pk]))
    body = response.content.decode()
    assert "No changes yet." in body
    assert "Changes to this placement" not in body


def test_a_changed_placement_lists_its_history(commissioner_client, placement):
    _post(commissioner_client, placement, 1, end_date="2026-07-31")
    response = commissioner_client.get(reverse("placements:placement_change", args=[placement.pk]))
    body = response.content.decode()
    assert "No changes yet." not in body
    assert "31 Jul 2026" in body


def test_the_sen2_items_of_a_placement_are_saved_from_its_change_page(
    commissioner_client, commissioner, placement
):
    response = _post(
        commissioner_client,
        placement,
        placement.version,
        placement_rank="2",
        resourced_provision="on",
        sen2_setting="OTH",
        sen2_setting_other="Hospital school",
    )

    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.placement_rank == 2
    assert placement.resourced_provision is True
    assert placement.sen_unit is False
    assert (placement.sen2_setting, placement.sen2_setting_other) == ("OTH", "Hospital school")
    assert placement.history.first().history_user == commissioner


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sen2_setting": "OTH"}, "sen2_setting_other", "Say what the other setting is"),
        ({"sen2_setting_other": "Hospital"}, "sen2_setting_other", "Only for the setting code"),
        ({"placement_rank": "3"}, "placement_rank", "Select a valid choice"),
        ({"sen2_setting": "XYZ"}, "sen2_setting", "Select a valid choice"),
    ],
)
def test_bad_sen2_items_are_refused_beside_the_field_and_nothing_is_saved(
    commissioner_client, placement, changes, field, message
):
    response = _post(commissioner_client, placement, placement.version, **changes)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    placement.refresh_from_db()
    assert (placement.placement_rank, placement.sen2_setting, placement.version) == (None, "", 1)
