"""Absurd values in a list page's address (a page number with twenty digits, a negative one, the
last day of the year 9999, garbage) never answer 500: a page number out of range gives the first
or the last page, a filter out of range is explained beside it."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from core.pagination import PAGE_NUMBER_MAX, page_number
from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    MeetingFactory,
    MembershipFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

# Every page that lists things, paginated or filtered through its address.
LIST_PAGES = [
    "/children/",
    "/providers/",
    "/placements/",
    "/dps/search/",
    "/dps/memberships/",
    "/dps/fees/",
    "/dps/uplifts/",
    "/dps/contracts/",
    "/dps/block-contracts/",
    "/dps/frameworks/",
    "/dps/consultations/overdue/",
    "/dps/attendance/",
    "/panel/meetings/",
    "/panel/meetings/{meeting}/",
    "/panel/decisions/",
    "/panel/summary/",
    "/audit/",
    "/imports/",
    "/dashboards/spend/",
    "/dashboards/sufficiency/",
]
ABSURD = [
    "99999999999999999999",
    "9" * 400,
    "-1",
    "-99999999999999999999",
    "0",
    "1e308",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2026-02-31",
    "٣",
    "²",
    "'; drop table x; --",
    "%",
    "a" * 3000,
    "",
    "a\x00b",
]


class _GetFormFields(HTMLParser):
    """The names of the fields of the page's GET forms (its filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self._in_get_form = (found.get("method") or "get").lower() == "get"
        elif (
            tag in ("input", "select", "textarea")
            and self._in_get_form
            and found.get("name")
            and found.get("type") not in ("submit", "button")
        ):
            self.names.add(str(found["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get_form = False


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("3", 3),
        (" 12 ", 12),
        (None, 1),
        ("", 1),
        ("0", 1),
        ("-5", 1),
        ("abc", 1),
        ("1.5", 1),
        ("٣", 1),
        ("99999999999999999999", PAGE_NUMBER_MAX),
        ("9" * 5000, PAGE_NUMBER_MAX),
    ],
)
def test_page_number_is_a_whole_number_from_one_never_one_that_overflows(typed, number):
    assert page_number(typed) == number


@pytest.fixture
def lists(commissioner):
    provider = ProviderFactory()
    for _ in range(3):
        child = ChildFactory()
        EHCPFactory(child=child)
        PlacementFactory(child=child, provider=provider, start_date=dt.date(2024, 9, 2))
    MembershipFactory(provider=provider)
    ConsultationFactory(provider=provider)
    meeting = MeetingFactory()
    PanelRequestFactory(meeting=meeting, provider=provider)
    return {"meeting": meeting.pk}


def test_a_page_number_past_the_end_gives_the_last_page(officer_client, lists):
    for url in ("/dps/search/", "/placements/", "/children/"):
        response = officer_client.get(url, {"page": "99999999999999999999"})
        assert response.status_code == 200, url
        assert response.context["page"].number >= 1
        assert response.context["page"].object_list, f"{url}: the last page has the rows"
    response = officer_client.get("/dps/search/", {"page": "-3"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_every_list_page_takes_absurd_values_in_every_filter(admin_client, lists):
    tried = 0
    for address in LIST_PAGES:
        url = address.format(**lists)
        page = admin_client.get(url)
        assert page.status_code == 200, url
        fields = _GetFormFields()
        fields.feed(page.content.decode())
        names = fields.names | {"page"}
        for name in sorted(names):
            for value in ABSURD:
                response = admin_client.get(url, {name: value})
                tried += 1
                assert response.status_code in (200, 302, 400, 404), (
                    f"{url}?{name}={value[:30]} answered {response.status_code}"
                )
                if response.status_code == 400 and "text/html" in response["Content-Type"]:
                    assert re.search("govuk-error-message|govuk-error-summary", response.text), (
                        f"{url}?{name}={value[:30]}: 400 with no message"
                    )
    assert tried > 500
