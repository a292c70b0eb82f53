"""A council user signs in, lands on their home page, and the pages pass an accessibility check."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.production_too]

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = "['wcag2a','wcag2aa','wcag21aa','wcag22aa']"


def _axe_violations(page) -> list[dict]:
    result = page.evaluate(
        f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}}})"
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def test_officer_signs_in_and_sees_their_home_page(page, server, officer):
    page.add_init_script(path=str(AXE_JS))
    page.goto(f"{server.url}/children/")

    expect(page).to_have_url(f"{server.url}/accounts/login/?next=/children/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to SEN placements")
    assert _axe_violations(page) == []

    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("demo-password-1")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{server.url}/children/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children and young people")
    navigation = page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Children")).to_be_visible()
    expect(navigation.get_by_role("link", name="Admin")).to_have_count(0)
    assert _axe_violations(page) == []

    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is waiting for you")
    assert _axe_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server.url}/accounts/login/")


def test_a_wrong_password_is_explained_beside_the_form(page, server, officer):
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("correct username and password")
    expect(page).to_have_url(f"{server.url}/accounts/login/")


def test_manager_home_has_no_casework_navigation(signed_in_page, manager):
    page = signed_in_page(manager)

    navigation = page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Providers")).to_be_visible()
    expect(navigation.get_by_role("link", name="Children")).to_have_count(0)
