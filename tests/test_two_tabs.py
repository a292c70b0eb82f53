"""Two tabs open on one edit form, both saved: the second save is refused with a clear message
and the first one's change is kept (DESIGN §6: never a silent overwrite).

Each form is opened twice through the real views, each tab sends the form as a browser sends
it (every input as the page rendered it, with one change), outside a test transaction, as the
product runs. Races at the same moment are in tests/test_write_races.py; every versioned
service on its own is in tests/test_write_paths.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from dps.models import Framework, Lot
from placements.models import EHCP, Child, Provider
from tests.factories import ChildFactory, EHCPFactory, FrameworkFactory, LotFactory, ProviderFactory

pytestmark = pytest.mark.django_db(transaction=True)

STALE_SEN2 = "Someone else changed these SEN2 details while you were editing them"
STALE_DPS = "Someone else saved this record after you opened it"
STALE_SCHOOL = "Someone else changed this school&#x27;s details while you were editing them"


def as_a_browser_sends_it(page: str) -> dict[str, str]:
    """The values of the page's form (the one posting in the main content) as a browser posts them."""
    main = lxml_html.fromstring(page).get_element_by_id("main-content")
    form = next(f for f in main.iter("form") if f.get("method") == "post")
    return {name: value for name, value in form.form_values() if name != "csrfmiddlewaretoken"}


@dataclass(frozen=True)
class TwoTabs:
    """One edit form: where it is, what each tab changes, and what the record then holds."""

    url: Callable[[], str]
    first: dict[str, str]
    """Tab A's change, saved first."""
    second: dict[str, str]
    """Tab B's change, opened before A saved."""
    kept: Callable[[], dict[str, object]]
    """The record's values that tell A's change was kept and B's was not saved."""
    expected: dict[str, object]
    stale_message: str
    shows_now: str = ""
    """For a form that starts blank: what the refused page says is recorded now."""
    who: str = "commissioner_client"
    """The signed-in client fixture of someone whose role edits this form."""


def _sen2() -> TwoTabs:
    child = ChildFactory(child_ref="WS-TABS", ethnicity="", upn="")
    EHCPFactory(child=child, request_date=dt.date(2025, 2, 3))
    return TwoTabs(
        url=lambda: reverse("placements:child_sen2_change", args=["WS-TABS"]),
        first={"upn": "A123456789012"},
        second={"ethnicity": "WBRI"},
        kept=lambda: {
            "upn": Child.objects.get(pk=child.pk).upn,
            "ethnicity": Child.objects.get(pk=child.pk).ethnicity,
        },
        expected={"upn": "A123456789012", "ethnicity": ""},
        stale_message=STALE_SEN2,
    )


def _sen2_plan() -> TwoTabs:
    """Tab A changes the plan, tab B the child: the check covers the page, not one record."""
    child = ChildFactory(child_ref="WS-TABS2", ethnicity="", upn="")
    plan = EHCPFactory(child=child, request_date=dt.date(2025, 2, 3))
    return TwoTabs(
        url=lambda: reverse("placements:child_sen2_change", args=["WS-TABS2"]),
        first={"transfer_la": "886"},
        second={"ethnicity": "WBRI"},
        kept=lambda: {
            "transfer_la": EHCP.objects.get(pk=plan.pk).transfer_la,
            "ethnicity": Child.objects.get(pk=child.pk).ethnicity,
        },
        expected={"transfer_la": "886", "ethnicity": ""},
        stale_message=STALE_SEN2,
    )


def _framework() -> TwoTabs:
    framework = FrameworkFactory(description="")
    return TwoTabs(
        url=lambda: reverse("dps:framework_edit", args=[framework.pk]),
        first={"description": "Independent and non-maintained special schools"},
        second={"max_extension_years": "2"},
        kept=lambda: {
            "description": Framework.objects.get(pk=framework.pk).description,
            "max_extension_years": Framework.objects.get(pk=framework.pk).max_extension_years,
        },
        expected={
            "description": "Independent and non-maintained special schools",
            "max_extension_years": framework.max_extension_years,
        },
        stale_message=STALE_DPS,
    )


def _lot() -> TwoTabs:
    lot = LotFactory(description="", block_contract_eligible=False)
    return TwoTabs(
        url=lambda: reverse("dps:lot_edit", args=[lot.framework_id, lot.pk]),
        first={"description": "Places for pupils with complex needs"},
        second={"name": "Renamed in tab B"},
        kept=lambda: {
            "description": Lot.objects.get(pk=lot.pk).description,
            "name": Lot.objects.get(pk=lot.pk).name,
        },
        expected={"description": "Places for pupils with complex needs", "name": lot.name},
        stale_message=STALE_DPS,
    )


def _school_contact() -> TwoTabs:
    school = ProviderFactory(urn=180001, sen_contact_name="", sen_contact_email="")
    return TwoTabs(
        url=lambda: reverse("dps:provider_contact", args=[school.urn]),
        first={"email": "senco@oak.example"},
        second={"name": "Ms Lee"},
        kept=lambda: {
            "email": Provider.objects.get(pk=school.pk).sen_contact_email,
            "name": Provider.objects.get(pk=school.pk).sen_contact_name,
        },
        expected={"email": "senco@oak.example", "name": ""},
        stale_message=STALE_SCHOOL,
        who="officer_client",
    )


def _school_ofsted() -> TwoTabs:
    school = ProviderFactory(urn=180002, ofsted_grade=None, ofsted_date=None)
    judgement = {"shape": "judgement", "inspection_date": "2025-11-03"}
    return TwoTabs(
        url=lambda: reverse("dps:provider_ofsted", args=[school.urn]),
        first={**judgement, "overall_effectiveness": "2"},
        second={**judgement, "overall_effectiveness": "4"},
        kept=lambda: {"ofsted_grade": Provider.objects.get(pk=school.pk).ofsted_grade},
        expected={"ofsted_grade": 2},
        stale_message=STALE_SCHOOL,
        shows_now="Recorded now: Good, 3 November 2025",
    )


FORMS: dict[str, Callable[[], TwoTabs]] = {
    "SEN2 details: two changes to the child": _sen2,
    "SEN2 details: the plan, then the child": _sen2_plan,
    "a framework": _framework,
    "a lot": _lot,
    "a school's SEN contact": _school_contact,
    "a school's Ofsted outcome": _school_ofsted,
}


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_the_second_tab_is_refused_and_the_first_tabs_change_kept(make, request):
    tabs = make()
    client = request.getfixturevalue(tabs.who)
    url = tabs.url()
    tab_a = as_a_browser_sends_it(client.get(url).content.decode())
    tab_b = as_a_browser_sends_it(client.get(url).content.decode())

    saved = client.post(url, {**tab_a, **tabs.first})
    assert saved.status_code == 302, saved.content.decode()
    refused = client.post(url, {**tab_b, **tabs.second})

    assert refused.status_code == 409
    page = refused.content.decode()
    assert tabs.stale_message in page
    assert tabs.kept() == tabs.expected
    # The refused page shows the record as it now is, so a save from it lands.
    again = as_a_browser_sends_it(page)
    if tabs.shows_now:
        assert tabs.shows_now in page
    else:
        assert {name: again[name] for name in tabs.first} == tabs.first
    assert client.post(url, {**again, **tabs.second}).status_code == 302
