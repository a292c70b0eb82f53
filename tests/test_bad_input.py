"""Bad input never crashes a page or a command: hostile values in every form and filter get a
clear answer (a 4xx with a message, or a redirect), never a 500 and never a partial write."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from panel.models import Meeting, PanelRequest
from placements.models import Placement
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    MeetingFactory,
    PanelRequestFactory,
    PlacementFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "1e30",
    "NaN",
    "Infinity",
    "-0.001",
    "99999999999999",
    "£1,000,000,000,000",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9999-99-99",
    "",
]

FILTER_URLS = [
    "/panel/summary/?date_from=abc&date_to=99999-99-99",
    "/panel/summary/?meeting=abc",
    "/panel/decisions/?date_from=x&need=ZZZ&outcome=q",
    "/children/?page=abc&q=%00",
    "/providers/?group=zz&need=zz&q=%27",
    "/placements/?active_on=zz&page=-1",
    "/panel/summary/download/pdf/",
    "/panel/providers/suggest/?q=%25",
]


@pytest.fixture
def records():
    """A meeting with an undecided request and an open placement: the records the forms write."""
    meeting = MeetingFactory(date=dt.date(2026, 12, 3))
    child = ChildFactory()
    EHCPFactory(child=child)
    return {
        "meeting": meeting,
        "child": child,
        "request": PanelRequestFactory(meeting=meeting, child=child, outcome=""),
        "placement": PlacementFactory(end_date=None),
    }


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_form_values_get_an_answer_and_change_nothing(commissioner_client, records, value):
    request, placement = records["request"], records["placement"]
    posts = [
        (
            f"/panel/requests/{request.pk}/decision/",
            {"version": request.version, "outcome": value, "agreed_cost": value, "reason": value},
        ),
        (
            f"/panel/meetings/{records['meeting'].pk}/requests/new/",
            {
                "child_ref": value,
                "request_type": "new_placement",
                "requested_base_cost": value,
                "provider": value,
            },
        ),
        ("/panel/meetings/new/", {"date": value, "panel_type": value, "chair": value}),
        (
            f"/placements/{placement.pk}/change/",
            {
                "version": placement.version,
                "annual_cost": value,
                "additional_cost": value,
                "end_date": value,
                "attendance_pattern": value,
            },
        ),
    ]

    for url, data in posts:
        response = commissioner_client.post(url, data)
        assert response.status_code < 500, (url, response.status_code)

    request.refresh_from_db()
    placement.refresh_from_db()
    assert request.outcome == ""
    assert request.version == 1
    assert placement.version == 1
    assert placement.end_date is None
    assert Meeting.objects.count() == 1
    assert PanelRequest.objects.count() == 1
    assert Placement.objects.count() == 1


@pytest.mark.parametrize("url", FILTER_URLS)
def test_hostile_filters_never_crash_a_page(commissioner_client, url):
    assert commissioner_client.get(url).status_code < 500


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["panel-summary", "--ay", "abc"], "is not an academic year"),
        (["panel-summary", "--fy", "20x5"], "is not a financial year"),
        (["panel-summary", "--from", "2026-02-30", "--to", "2026-03-01"], "is not a date"),
        (["panel-summary"], "needs --from and --to"),
        (["no-such-report"], "Unknown report"),
    ],
)
def test_report_command_explains_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, stdout=StringIO())
