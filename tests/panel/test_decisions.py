"""Recording panel decisions: stale saves refused, history kept, requests sent back return,
agreed placements recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DomainError, StaleEditError
from panel import selectors, services
from panel.models import Meeting, PanelRequest, PanelType
from placements.models import Placement
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    MeetingFactory,
    NeedTypeFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db


def _decide(item, user, outcome="agreed", **kwargs):
    values = {
        "request_id": item.pk,
        "version": item.version,
        "outcome": outcome,
        "agreed_cost": None,
        "conditions": "",
        "reason": "" if outcome == "agreed" else "Because",
        "user": user,
    }
    values.update(kwargs)
    return services.decision_record(**values)


def test_stale_decision_save_is_refused(commissioner, officer):
    item = PanelRequestFactory()
    first_form_version = second_form_version = item.version  # two people open the page

    _decide(item, commissioner, agreed_cost=Decimal("38000"), version=first_form_version)
    with pytest.raises(StaleEditError, match="Someone else changed this decision"):
        _decide(item, officer, outcome="declined", reason="No", version=second_form_version)

    item.refresh_from_db()
    assert item.outcome == "agreed"
    assert item.agreed_cost == Decimal("38000")
    assert item.decided_by == commissioner
    assert item.version == 2


def test_agreed_cost_defaults_to_the_requested_cost(commissioner):
    item = PanelRequestFactory(
        requested_base_cost=Decimal("36000"), requested_additional_cost=Decimal("4500")
    )

    decided = _decide(item, commissioner)

    assert decided.agreed_cost == Decimal("40500")


def test_outcomes_other_than_agreed_need_a_reason_and_agree_no_cost(commissioner):
    item = PanelRequestFactory()

    with pytest.raises(DomainError) as error:
        _decide(item, commissioner, outcome="declined", reason="  ")
    assert error.value.errors == {"reason": ["Enter the reason the request was declined"]}

    decided = _decide(item, commissioner, outcome="declined", reason="Local school can meet need")
    assert decided.agreed_cost is None


def test_history_shows_who_when_before_and_after(commissioner, admin_user):
    item = PanelRequestFactory()
    item = _decide(item, commissioner, agreed_cost=Decimal("36000"))
    item = _decide(item, admin_user, agreed_cost=Decimal("34000"), conditions="Review in a year")

    history = selectors.request_history(item)

    assert history[0]["added"] is True
    first, second = history[1], history[2]
    assert first["who"] == commissioner
    assert {"field": "Outcome", "before": "–", "after": "Agreed"} in first["changes"]
    assert second["who"] == admin_user
    assert second["when"] >= first["when"]
    assert {
        "field": "Agreed annual cost",
        "before": "£36,000.00",
        "after": "£34,000.00",
    } in second["changes"]
    assert {"field": "Conditions", "before": "–", "after": "Review in a year"} in second["changes"]


@pytest.mark.parametrize("outcome", ["more_information", "deferred"])
def test_request_sent_back_returns_on_the_next_meeting_of_its_panel(commissioner, outcome):
    meeting = MeetingFactory(date=dt.date(2025, 1, 8))
    MeetingFactory(date=dt.date(2025, 1, 10), panel_type=PanelType.SRP)  # another panel
    later = MeetingFactory(date=dt.date(2025, 2, 5))
    following = MeetingFactory(date=dt.date(2025, 1, 22))
    item = PanelRequestFactory(meeting=meeting, requested_additional_cost=Decimal("5000"))

    _decide(item, commissioner, outcome=outcome, reason="Need the EP report")
    _decide(item.__class__.objects.get(pk=item.pk), commissioner, outcome=outcome, reason="Again")

    copy = PanelRequest.objects.get(returning_from=item)
    assert copy.meeting == following != later
    assert copy.outcome == ""
    assert (copy.child, copy.request_type, copy.provider) == (
        item.child,
        item.request_type,
        item.provider,
    )
    assert copy.requested_additional_cost == Decimal("5000")
    assert PanelRequest.objects.filter(returning_from=item).count() == 1


def test_new_meeting_takes_requests_sent_back_earlier(commissioner):
    meeting = MeetingFactory(date=dt.date(2025, 1, 8))
    waiting = PanelRequestFactory(meeting=meeting)
    decided = PanelRequestFactory(meeting=meeting)
    _decide(waiting, commissioner, outcome="more_information", reason="EP report")
    _decide(decided, commissioner, outcome="agreed")

    new = services.meeting_create(
        date=dt.date(2025, 1, 22), panel_type=PanelType.INDEPENDENT_PLACEMENT, user=commissioner
    )

    assert [r.returning_from for r in new.requests.all()] == [waiting]


def test_changing_the_decision_back_takes_the_undecided_copy_off_the_next_agenda(commissioner):
    meeting = MeetingFactory(date=dt.date(2025, 1, 8))
    following = MeetingFactory(date=dt.date(2025, 1, 22))
    item = _decide(PanelRequestFactory(meeting=meeting), commissioner, outcome="deferred")
    assert following.requests.count() == 1

    _decide(item, commissioner, outcome="agreed")

    assert following.requests.count() == 0


def test_meeting_on_the_same_day_for_the_same_panel_is_refused():
    MeetingFactory(date=dt.date(2025, 1, 8))

    with pytest.raises(DomainError) as error:
        services.meeting_create(
            date=dt.date(2025, 1, 8), panel_type="independent_placement", user=None
        )
    assert "already a meeting" in error.value.errors["date"][0]
    assert Meeting.objects.count() == 1


def test_recording_the_agreed_placement_creates_it_and_ends_the_previous_one(commissioner):
    child = ChildFactory()
    previous = PlacementFactory(child=child, start_date=dt.date(2023, 9, 4))
    provider = ProviderFactory()
    item = PanelRequestFactory(
        child=child,
        provider=provider,
        requested_base_cost=Decimal("50000"),
        requested_additional_cost=Decimal("8000"),
    )
    _decide(item, commissioner, agreed_cost=Decimal("55000"))

    placement = services.agreed_placement_record(
        request_id=item.pk,
        start_date=dt.date(2025, 9, 3),
        attendance_pattern="weekly",
        user=commissioner,
    )

    previous.refresh_from_db()
    item.refresh_from_db()
    assert previous.end_date == dt.date(2025, 9, 2)
    assert item.placement == placement
    assert (placement.provider, placement.start_date, placement.attendance_pattern) == (
        provider,
        dt.date(2025, 9, 3),
        "weekly",
    )
    assert (placement.annual_cost, placement.additional_cost) == (Decimal("47000"), Decimal("8000"))
    assert Placement.objects.filter(child=child, end_date__isnull=True).count() == 1
    # Outside a request too, the history says who recorded the placement and ended the other.
    assert placement.history.first().history_user == commissioner
    assert previous.history.first().history_user == commissioner
    with pytest.raises(DomainError, match="already been recorded"):
        services.agreed_placement_record(
            request_id=item.pk,
            start_date=dt.date(2025, 9, 3),
            attendance_pattern="day",
            user=commissioner,
        )


def test_request_needs_default_from_the_childs_ehcp(officer):
    ehcp = EHCPFactory(
        primary_need=NeedTypeFactory(code="ASD"), secondary_need=NeedTypeFactory(code="SEMH")
    )

    item = services.request_create(
        meeting=MeetingFactory(),
        child=ehcp.child,
        request_type="new_placement",
        requested_base_cost=Decimal("36000"),
        case_summary="Summary",
        user=officer,
    )

    assert item.need_label == "ASD with SEMH"
    assert item.created_by == officer
    assert item.history.first().history_user == officer


def test_request_with_additional_funding_needs_its_reasons(officer):
    with pytest.raises(DomainError) as error:
        services.request_create(
            meeting=MeetingFactory(),
            child=ChildFactory(),
            request_type="additional_funding",
            primary_need=NeedTypeFactory(code="SEMH"),
            requested_base_cost=Decimal("36000"),
            requested_additional_cost=Decimal("9000"),
            funding_reasons=["other"],
            user=officer,
        )

    assert error.value.errors == {
        "funding_reason_other": ["Enter the other reason for additional funding"]
    }
