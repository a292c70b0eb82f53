"""The panel pages: who may do what, the inline decision form with and without htmx, and the
meeting page's fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panel import services
from panel.models import Meeting, PanelRequest
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    MeetingFactory,
    NeedTypeFactory,
    PanelRequestFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MEETING_PAGE_MAX_QUERIES = 12  # bench/README.md


def _decision(item, outcome="agreed", agreed_cost="36000", reason="", version=None):
    prefix = f"r{item.pk}"
    return {
        f"{prefix}-version": item.version if version is None else version,
        f"{prefix}-outcome": outcome,
        f"{prefix}-agreed_cost": agreed_cost,
        f"{prefix}-conditions": "",
        f"{prefix}-reason": reason,
    }


def _url(item) -> str:
    return f"/panel/requests/{item.pk}/decision/"


# --- Decisions -------------------------------------------------------------------------


def test_decision_without_javascript_redirects_back_with_the_outcome_saved(commissioner_client):
    item = PanelRequestFactory()

    response = commissioner_client.post(_url(item), _decision(item, agreed_cost="£35,500"))

    assert response.status_code == 302
    assert response.url == f"/panel/meetings/{item.meeting_id}/#request-{item.pk}"
    item.refresh_from_db()
    assert (item.outcome, item.agreed_cost, item.version) == ("agreed", Decimal("35500"), 2)


def test_htmx_decision_returns_the_row_and_the_totals_out_of_band(commissioner_client):
    item = PanelRequestFactory(requested_base_cost=Decimal("36000"))
    PanelRequestFactory(meeting=item.meeting)

    response = commissioner_client.post(_url(item), _decision(item), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<section class="app-request" id="request-{item.pk}"')
    assert '<div id="meeting-totals"' in html
    assert 'hx-swap-oob="true"' in html
    assert "1 of 2</strong>" in html
    assert "<html" not in html


def test_decision_form_errors_are_shown_in_the_row(commissioner_client):
    item = PanelRequestFactory()

    response = commissioner_client.post(_url(item), _decision(item, outcome="declined"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the reason the request was declined" in html
    item.refresh_from_db()
    assert item.outcome == ""


def test_decision_errors_without_javascript_show_the_whole_page_with_a_summary(
    commissioner_client,
):
    item = PanelRequestFactory()

    response = commissioner_client.post(_url(item), _decision(item, outcome="deferred"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert html.count("Enter the reason the request was deferred") >= 2  # summary and field
    assert f'href="#id_r{item.pk}-reason"' in html


def test_stale_decision_through_the_page_shows_the_error_and_the_current_value(
    commissioner_client, admin_client
):
    item = PanelRequestFactory()
    opened = _decision(item, agreed_cost="38000")  # both open the page at version 1
    admin_client.post(_url(item), opened)

    response = commissioner_client.post(
        _url(item), _decision(item, outcome="declined", reason="Too costly", version=1)
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this decision" in html
    form = response.context["agenda"][0].decision_form
    assert form["outcome"].value() == "agreed"
    assert form["agreed_cost"].value() == "38000.00"
    assert form["version"].value() == "2"
    item.refresh_from_db()
    assert (item.outcome, item.agreed_cost) == ("agreed", Decimal("38000"))


def test_stale_decision_with_htmx_returns_the_row_with_the_current_value(
    commissioner_client, admin_client
):
    item = PanelRequestFactory()
    admin_client.post(_url(item), _decision(item, agreed_cost="38000"))

    response = commissioner_client.post(
        _url(item), _decision(item, outcome="declined", reason="No", version=1), **HTMX
    )

    html = response.content.decode()
    # 409 with the row: static/js/app.js lets htmx swap it (the e2e stale test proves it).
    assert response.status_code == 409
    assert "Someone else changed this decision" in html
    assert 'value="38000.00"' in html
    assert f'name="r{item.pk}-version" value="2"' in html


def test_officer_cannot_record_a_decision(officer_client):
    item = PanelRequestFactory()

    response = officer_client.post(_url(item), _decision(item))

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.outcome == ""


def test_officer_sees_the_meeting_read_only(officer_client):
    item = PanelRequestFactory(outcome="declined", decision_reason="Local school can meet need")

    response = officer_client.get(f"/panel/meetings/{item.meeting_id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Save decision" not in html
    assert "Declined" in html
    assert "Local school can meet need" in html
    assert "Add a request" in html


def test_manager_cannot_open_meetings_or_requests(manager_client):
    item = PanelRequestFactory()

    assert manager_client.get(f"/panel/meetings/{item.meeting_id}/").status_code == 403
    assert manager_client.get(f"/panel/requests/{item.pk}/").status_code == 403
    assert manager_client.get("/panel/decisions/").status_code == 403


# --- The meeting page ----------------------------------------------------------------------


def _agenda(meeting, size: int, decided_by) -> None:
    earlier = MeetingFactory(date=meeting.date - dt.timedelta(days=14))
    for index in range(size):
        kwargs = {"meeting": meeting}
        if index % 3 == 0:
            kwargs["returning_from"] = PanelRequestFactory(
                meeting=earlier, outcome="more_information", decision_reason="EP report"
            )
        if index % 3 == 1:
            kwargs.update(outcome="agreed", agreed_cost=Decimal("36000"), decided_by=decided_by)
            kwargs["secondary_need"] = NeedTypeFactory(code="SEMH")
        if index % 4 == 2:
            kwargs["provider"] = None
        PanelRequestFactory(**kwargs)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_meeting_page_runs_the_same_queries_for_3_and_30_requests(
    commissioner, commissioner_client, django_assert_max_num_queries
):
    small = MeetingFactory(date=dt.date(2025, 3, 5))
    large = MeetingFactory(date=dt.date(2025, 3, 12))
    _agenda(small, 3, commissioner)
    _agenda(large, 30, commissioner)
    commissioner_client.get(f"/panel/meetings/{small.pk}/")  # warm the session

    with django_assert_max_num_queries(MEETING_PAGE_MAX_QUERIES):
        small_count = _count_queries(commissioner_client, f"/panel/meetings/{small.pk}/")
    large_count = _count_queries(commissioner_client, f"/panel/meetings/{large.pk}/")

    assert small_count == large_count


def test_a_long_agenda_is_paged_with_totals_for_the_whole_meeting(
    commissioner, commissioner_client
):
    meeting = MeetingFactory(date=dt.date(2025, 3, 12))
    _agenda(meeting, 30, commissioner)

    first = commissioner_client.get(f"/panel/meetings/{meeting.pk}/")
    second = commissioner_client.get(f"/panel/meetings/{meeting.pk}/?page=2")
    third = commissioner_client.get(f"/panel/meetings/{meeting.pk}/?page=3")

    ids = [item.pk for page in (first, second, third) for item in page.context["agenda"]]
    assert ids == list(meeting.requests.order_by("id").values_list("pk", flat=True))
    assert len(first.context["agenda"]) == 10
    assert "Requests 11 to 20 of 30" in second.content.decode()
    assert "10 of 30</strong>" in second.content.decode()  # every third is decided
    assert 'rel="next"' in first.content.decode()


def test_a_decision_on_a_later_page_returns_to_that_page(commissioner, commissioner_client):
    meeting = MeetingFactory(date=dt.date(2025, 3, 12))
    _agenda(meeting, 30, commissioner)
    *_, other, last = meeting.requests.order_by("id")

    saved = commissioner_client.post(_url(last), _decision(last))
    refused = commissioner_client.post(_url(other), _decision(other, outcome="deferred"))

    assert saved.url == f"/panel/meetings/{meeting.pk}/?page=3#request-{last.pk}"
    assert refused.status_code == 200
    assert refused.context["page"].number == 3
    assert "Enter the reason the request was deferred" in refused.content.decode()


def test_meeting_page_shows_a_returning_request_with_its_earlier_decision(
    commissioner, commissioner_client
):
    first = MeetingFactory(date=dt.date(2025, 1, 8))
    second = MeetingFactory(date=dt.date(2025, 1, 22))
    item = PanelRequestFactory(meeting=first)
    services.decision_record(
        request_id=item.pk,
        version=1,
        outcome="more_information",
        agreed_cost=None,
        reason="Needs the EP report",
        user=commissioner,
    )

    html = commissioner_client.get(f"/panel/meetings/{second.pk}/").content.decode()

    assert "Returning" in html
    assert str(first) in html
    assert "Needs the EP report" in html
    assert item.child.full_name in html


def test_request_page_shows_the_decision_history(commissioner, commissioner_client):
    item = PanelRequestFactory()
    commissioner_client.post(_url(item), _decision(item, agreed_cost="36000"))
    item.refresh_from_db()
    commissioner_client.post(_url(item), _decision(item, agreed_cost="34000"))

    response = commissioner_client.get(f"/panel/requests/{item.pk}/")

    html = response.content.decode()
    assert "History of this request" in html
    assert "£36,000.00" in html
    assert "£34,000.00" in html
    changes = [c for entry in response.context["history"] for c in entry["changes"]]
    assert {"field": "Agreed annual cost", "before": "£36,000.00", "after": "£34,000.00"} in changes
    assert all(entry["who"] == commissioner for entry in response.context["history"][1:])


def test_decision_record_prints_a_page_per_request(commissioner_client):
    meeting = MeetingFactory()
    PanelRequestFactory.create_batch(3, meeting=meeting)

    html = commissioner_client.get(f"/panel/meetings/{meeting.pk}/record/").content.decode()

    assert html.count('class="app-print-page"') == 4  # the meeting, then each request


# --- Meetings and requests ---------------------------------------------------------------


def test_meeting_list_shows_upcoming_meetings_first(officer_client):
    MeetingFactory(date=dt.date(2020, 1, 8))
    MeetingFactory(date=dt.date(2099, 1, 8))

    response = officer_client.get("/panel/meetings/")

    assert [m.date.year for m in response.context["upcoming"]] == [2099]
    assert [m.date.year for m in response.context["past"]] == [2020]


def test_commissioner_creates_a_meeting(commissioner_client):
    response = commissioner_client.post(
        "/panel/meetings/new/",
        {
            "date": "2026-02-04",
            "panel_type": "srp",
            "chair": "Head of SEN",
            "members": "A\nB",
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == f"/panel/meetings/{meeting.pk}/"
    assert (meeting.panel_type, meeting.chair) == ("srp", "Head of SEN")


def test_officer_adds_a_request_with_needs_from_the_ehcp(officer, officer_client):
    meeting = MeetingFactory()
    ehcp = EHCPFactory(secondary_need=NeedTypeFactory(code="SLCN"))
    provider = ProviderFactory(name="Oakwood School")

    form_page = officer_client.get(
        f"/panel/meetings/{meeting.pk}/requests/new/?child={ehcp.child.child_ref}"
    )
    response = officer_client.post(
        f"/panel/meetings/{meeting.pk}/requests/new/",
        {
            "child_ref": ehcp.child.child_ref.lower(),
            "request_type": "new_placement",
            "provider": "oakwood school",
            "primary_need": "",
            "secondary_need": "",
            "requested_base_cost": "36,000",
            "requested_additional_cost": "4000",
            "funding_reasons": ["one_to_one"],
            "case_summary": "DPS schools declined.",
        },
    )

    assert form_page.context["form"].initial["primary_need"] == "ASD"
    assert response.status_code == 302, response.context["form"].errors
    item = PanelRequest.objects.get()
    assert (item.provider, item.need_label, item.requested_cost) == (
        provider,
        "ASD with SLCN",
        Decimal("40000"),
    )
    assert item.created_by == officer


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nowhere Academy", "No school or college has that name or URN"),
        ("Twin School", "More than one school or college has that name: enter its URN instead"),
    ],
)
def test_request_form_says_when_the_provider_is_unknown_or_ambiguous(
    officer_client, typed, message
):
    ProviderFactory(name="Twin School")
    ProviderFactory(name="Twin School")
    meeting = MeetingFactory()

    response = officer_client.post(
        f"/panel/meetings/{meeting.pk}/requests/new/",
        {
            "child_ref": "NOBODY",
            "request_type": "new_placement",
            "provider": typed,
            "requested_base_cost": "",
            "case_summary": "",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert "There is no child with that reference" in html
    assert "Enter the base annual fee requested" in html
    assert not PanelRequest.objects.exists()


def test_provider_suggestions_match_name_or_urn(officer_client):
    ProviderFactory(name="Oakwood School", urn=123456)
    ProviderFactory(name="Beechcroft School")

    by_name = officer_client.get("/panel/providers/suggest/?provider=oakw").content.decode()
    by_urn = officer_client.get("/panel/providers/suggest/?provider=123456").content.decode()

    assert by_name == '<option value="Oakwood School (123456)"></option>'
    assert by_urn == by_name


def test_recording_the_agreed_placement_from_the_request_page(commissioner_client, commissioner):
    child = ChildFactory()
    item = PanelRequestFactory(child=child, expected_start=dt.date(2025, 9, 3))
    services.decision_record(
        request_id=item.pk, version=1, outcome="agreed", agreed_cost=None, user=commissioner
    )

    page = commissioner_client.get(f"/panel/requests/{item.pk}/")
    form = commissioner_client.get(f"/panel/requests/{item.pk}/placement/")
    response = commissioner_client.post(
        f"/panel/requests/{item.pk}/placement/",
        {"start_date": "2025-09-03", "attendance_pattern": "day"},
    )

    assert "Record the agreed placement" in page.content.decode()
    assert form.context["form"].initial["start_date"] == dt.date(2025, 9, 3)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.placement.child == child


def test_agreed_request_without_a_provider_links_to_the_school_search_for_its_child(
    commissioner_client, commissioner
):
    item = PanelRequestFactory(provider=None, primary_need=NeedTypeFactory(code="SEMH"))
    services.decision_record(
        request_id=item.pk, version=1, outcome="agreed", agreed_cost=None, user=commissioner
    )

    html = commissioner_client.get(f"/panel/requests/{item.pk}/").content.decode()

    assert f"/dps/search/?child={item.child.child_ref}&amp;need=SEMH" in html


def test_past_decisions_filter_by_outcome_need_and_child(officer_client):
    asd = PanelRequestFactory(outcome="agreed", agreed_cost=Decimal("1"))
    semh = PanelRequestFactory(outcome="declined", primary_need=NeedTypeFactory(code="SEMH"))
    PanelRequestFactory()  # undecided: not a decision

    everything = officer_client.get("/panel/decisions/")
    declined = officer_client.get("/panel/decisions/?outcome=declined")
    by_need = officer_client.get("/panel/decisions/?need=ASD")
    by_child = officer_client.get(f"/panel/decisions/?child={semh.child.child_ref}", **HTMX)

    assert set(everything.context["page"].object_list) == {asd, semh}
    assert list(declined.context["page"].object_list) == [semh]
    assert list(by_need.context["page"].object_list) == [asd]
    assert list(by_child.context["page"].object_list) == [semh]
    assert "<html" not in by_child.content.decode()


def test_request_page_with_no_history_says_no_changes_yet(commissioner_client):
    from tests.factories import PanelRequestFactory

    item = PanelRequestFactory()
    item.history.all().delete()
    response = commissioner_client.get(f"/panel/requests/{item.pk}/")
    assert response.status_code == 200
    assert "No changes yet." in response.content.decode()
