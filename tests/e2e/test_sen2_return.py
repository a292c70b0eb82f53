"""A commissioner checks the SEN2 return in the browser: sees a rule broken for a child, follows
the link, fixes the item on the child's page, checks again and sees the count drop, then
downloads the XML, which validates against the schema. The check page passes axe."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import expect

from placements.models import NamedSetting, RequestSource
from placements.sen2 import document
from tests.e2e.test_accessibility import AXE_JS, _serious_violations
from tests.factories import ChildFactory, EHCPFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _child(ref: str, ethnicity: str, school) -> None:
    child = ChildFactory(child_ref=ref, ethnicity=ethnicity, upn="A123456789012")
    plan = EHCPFactory(
        child=child,
        request_date=dt.date(2025, 2, 3),
        assessment_decision_date=dt.date(2025, 3, 10),
        issue_date=dt.date(2025, 6, 16),
        request_source=RequestSource.YOUNG_PERSON_OR_PARENT,
    )
    NamedSetting.objects.create(ehcp=plan, rank=1, provider=school)
    PlacementFactory(child=child, provider=school, start_date=dt.date(2025, 9, 1))


def _missing_items(page):
    return page.locator("#sen2-counts tr[data-rule='missing_item'] td")


def test_commissioner_fixes_a_record_the_check_lists_and_downloads_the_xml(
    signed_in_page, live_server, commissioner
):
    school = ProviderFactory(urn=123456)
    _child("WS-ANN", "", school)  # ethnicity not recorded: breaks a rule
    _child("WS-BEN", "WBRI", school)
    page = signed_in_page(commissioner)
    page.add_init_script(path=str(AXE_JS))  # under the CSP, axe must load before the page

    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("link", name="SEN2 return: check it").click()
    expect(page.get_by_role("heading", name="SEN2 return")).to_be_visible()
    page.get_by_label("Census date").fill("2026-01-15")
    page.get_by_role("button", name="Check the return").click()

    expect(page.locator("#sen2-outcome")).to_contain_text("1 record breaks a rule", timeout=20_000)
    expect(_missing_items(page)).to_have_text("1")
    expect(page.locator("canvas[data-chart='sen2-counts-chart']")).to_be_visible()
    check_url = page.url
    assert _serious_violations(page) == []

    issues = page.get_by_role("table", name="Records to fix")
    expect(issues).to_contain_text("Ethnicity is missing")
    issues.get_by_role("link", name="child WS-ANN").click()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Change SEN2 details").click()
    assert _serious_violations(page) == []
    page.get_by_label("Ethnicity").select_option(label="White - British")
    page.get_by_role("button", name="Save SEN2 details").click()
    expect(page.get_by_text("The SEN2 details have been saved.")).to_be_visible()
    expect(page.locator("#sen2-details")).to_contain_text("White - British")

    page.goto(check_url)
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("#sen2-outcome")).to_contain_text("no record breaks a rule", timeout=20_000)
    expect(_missing_items(page)).to_have_text("0")
    assert page.url != check_url

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the XML return").click()
    download = download_info.value
    assert download.suggested_filename == "sen2-886-2026-01-15.xml"
    tree = etree.parse(str(Path(download.path())))
    assert document.schema_errors(tree) == []
    persons = document.read(etree.tostring(tree))
    assert sorted(person.get("Ethnicity") for person in persons) == ["WBRI", "WBRI"]
