"""Suitability warnings are recorded with the provider chosen on a panel request, shown on its
page as they were when it was chosen, and shown on the request form when it comes back with an
error. Warnings never stop the officer."""

from __future__ import annotations

import datetime as dt

import pytest

from panel import services
from panel.models import PanelRequest
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    MeetingFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

AGE_WARNING = "Outside the age range: the school takes ages 11 to 19; the child is 8."


@pytest.fixture
def eight_year_old():
    born = dt.date.today() - dt.timedelta(days=8 * 365 + 200)  # 8 years and about 7 months
    child = ChildFactory(date_of_birth=born)
    EHCPFactory(child=child)  # primary need ASD
    return child


@pytest.fixture
def senior_school():
    return ProviderFactory(
        name="Hilltop Senior", urn=180001, low_age=11, high_age=19, need_types=["ASD"]
    )


def _post(child, **changes):
    data = {
        "child_ref": child.child_ref,
        "request_type": "new_placement",
        "provider": "180001",
        "primary_need": "",
        "secondary_need": "",
        "requested_base_cost": "42,000",
        "requested_additional_cost": "0",
        "case_summary": "Parents named the school.",
    }
    data.update(changes)
    return data


def test_request_for_an_unsuitable_provider_is_added_and_its_warnings_kept(
    officer_client, eight_year_old, senior_school
):
    meeting = MeetingFactory()

    response = officer_client.post(
        f"/panel/meetings/{meeting.pk}/requests/new/", _post(eight_year_old)
    )

    assert response.status_code == 302
    item = PanelRequest.objects.get()
    assert item.provider == senior_school
    assert item.provider_warnings == [AGE_WARNING, "Not on the DPS."]
    assert item.history.get().provider_warnings == item.provider_warnings

    meeting_page = officer_client.get(response.url).content.decode()
    assert "with 2 suitability warnings recorded" in meeting_page
    page = officer_client.get(f"/panel/requests/{item.pk}/").content.decode()
    row = page[page.index('id="provider-warnings"') :].split("</dd>")[0]
    assert "Warnings when the provider was chosen" in row
    assert "govuk-warning-text" in row
    assert AGE_WARNING in row
    assert page.count(AGE_WARNING) == 1  # not shown again beside the provider


def test_warnings_recorded_are_those_at_the_choice_not_today(
    officer_client, eight_year_old, senior_school
):
    item = services.request_create(
        meeting=MeetingFactory(),
        child=eight_year_old,
        request_type=PanelRequest.RequestType.NEW_PLACEMENT,
        provider=senior_school,
        user=None,
    )
    senior_school.low_age = 4
    senior_school.save()

    page = officer_client.get(f"/panel/requests/{item.pk}/").content.decode()

    row = page[page.index('id="provider-warnings"') :].split("</dd>")[0]
    assert AGE_WARNING in row


def test_request_without_a_provider_records_no_warnings(officer_client, eight_year_old):
    item = services.request_create(
        meeting=MeetingFactory(),
        child=eight_year_old,
        request_type=PanelRequest.RequestType.NEW_PLACEMENT,
        user=None,
    )

    assert item.provider_warnings == []
    page = officer_client.get(f"/panel/requests/{item.pk}/").content.decode()
    assert "Warnings when the provider was chosen" not in page


def test_request_form_shown_again_shows_the_chosen_providers_warnings(
    officer_client, eight_year_old, senior_school
):
    meeting = MeetingFactory()

    response = officer_client.post(
        f"/panel/meetings/{meeting.pk}/requests/new/",
        _post(eight_year_old, requested_additional_cost="5000"),  # no reason: an error
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select the reasons for additional funding" in page
    warnings = page[page.index('id="provider-warnings"') :]
    assert AGE_WARNING in warnings
    assert "You can still choose it" in warnings
    assert not PanelRequest.objects.exists()


def test_request_sent_back_to_the_next_meeting_keeps_its_provider_warnings(
    eight_year_old, senior_school
):
    first = MeetingFactory()
    item = services.request_create(
        meeting=first,
        child=eight_year_old,
        request_type=PanelRequest.RequestType.NEW_PLACEMENT,
        provider=senior_school,
        user=None,
    )
    later = MeetingFactory(panel_type=first.panel_type)

    services.decision_record(
        request_id=item.pk,
        version=item.version,
        outcome=PanelRequest.Outcome.DEFERRED,
        agreed_cost=None,
        reason="Waiting for the school's assessment",
        user=None,
    )

    copy = PanelRequest.objects.get(meeting=later)
    assert AGE_WARNING in copy.provider_warnings
