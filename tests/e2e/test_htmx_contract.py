"""The htmx contract in the browser: the back button after a live search gives the whole page,
a failed save (session ended, server error) is explained in place and loses nothing, and the
timeout warning keeps the session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import axe_playwright_python
import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from panel.models import PanelRequest
from tests.factories import PASSWORD, ChildFactory, MeetingFactory, PanelRequestFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = "['wcag2a','wcag2aa','wcag21aa','wcag22aa']"


def _axe_violations(page) -> list[dict]:
    result = page.evaluate(
        f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG_TAGS}}}}})"
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def _one_whole_page(page) -> None:
    expect(page.locator("header.govuk-template__header")).to_have_count(1)
    expect(page.locator("#results")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)


def _search(page, text: str) -> None:
    with page.expect_response(lambda r: "/children/?q=" in r.url):
        page.fill("#id_q", text)
    expect(page).to_have_url(f"{page.url.split('?')[0]}?q={text}")


# --- Live search and the back button -------------------------------------------------------


def test_back_after_a_live_search_gives_the_whole_page(officer, signed_in_page, live_server):
    ChildFactory(first_name="Zara", last_name="Quill")
    ChildFactory(first_name="Tom", last_name="Best")
    page = signed_in_page(officer)
    page.goto(f"{live_server.url}/children/")

    for text in ("qu", "quill"):
        _search(page, text)
    expect(page.locator("#results")).to_contain_text("Zara Quill")
    expect(page.locator("#results")).not_to_contain_text("Tom Best")
    _one_whole_page(page)  # several searches, still exactly one #results

    # Away to a full page and back: the browser must not show the cached fragment.
    page.locator("#results tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("Zara Quill")
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/children/?q=quill")
    _one_whole_page(page)
    expect(page.locator("#results")).to_contain_text("Zara Quill")

    # Back within htmx's own history with its cache gone: htmx asks the server to restore.
    _search(page, "best")
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    with page.expect_response(
        lambda r: (
            r.url.endswith("/children/?q=quill")
            and r.request.headers.get("hx-history-restore-request") == "true"
        )
    ):
        page.go_back()
    expect(page.locator("#results")).to_contain_text("Zara Quill")
    _one_whole_page(page)


# --- A failed save keeps what was typed ---------------------------------------------------


def _type_a_decision(page, item) -> None:
    row = page.locator(f"#request-{item.pk}")
    row.get_by_label("Agreed", exact=True).check()
    row.get_by_label("Agreed annual cost").fill("35,000")
    row.get_by_label("Conditions").fill("Review at the annual review")


def _typed_decision_is_there(page, item) -> None:
    row = page.locator(f"#request-{item.pk}")
    expect(row.get_by_label("Agreed", exact=True)).to_be_checked()
    expect(row.get_by_label("Agreed annual cost")).to_have_value("35,000")
    expect(row.get_by_label("Conditions")).to_have_value("Review at the annual review")


def test_a_save_after_the_session_ended_keeps_what_was_typed(
    commissioner, signed_in_page, live_server
):
    item = PanelRequestFactory(meeting=MeetingFactory(date=dt.date(2026, 1, 14)))
    page = signed_in_page(commissioner)
    meeting_url = f"{live_server.url}/panel/meetings/{item.meeting_id}/"
    page.goto(meeting_url)
    _type_a_decision(page, item)

    page.context.clear_cookies()  # the session has ended (and the CSRF cookie with it)
    page.locator(f"#request-{item.pk}").get_by_role("button", name="Save decision").click()

    row = page.locator(f"#request-{item.pk}")
    error = row.locator(".app-request-error")
    expect(error).to_contain_text("Your session has ended")
    expect(error).to_contain_text("what you typed has been kept")
    expect(error).to_be_focused()
    expect(page.locator("#id_username")).to_have_count(0)  # no login form in the agenda
    expect(page).to_have_url(meeting_url)
    _typed_decision_is_there(page, item)
    assert PanelRequest.objects.get(pk=item.pk).outcome == ""

    error.get_by_role("link", name="Sign in again").click()
    expect(page).to_have_url(
        f"{live_server.url}/accounts/login/?next=/panel/meetings/{item.meeting_id}/"
    )
    page.fill("#id_username", commissioner.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(meeting_url)
    _typed_decision_is_there(page, item)
    expect(page.locator(f"#request-{item.pk} .app-typed-restored")).to_contain_text(
        "put back what you typed"
    )

    page.locator(f"#request-{item.pk}").get_by_role("button", name="Save decision").click()
    expect(page.locator(f"#request-{item.pk}-outcome")).to_contain_text("Agreed at £35,000.00")
    assert PanelRequest.objects.get(pk=item.pk).outcome == "agreed"

    page.reload()  # the kept copy was used once and is gone
    expect(page.locator(".app-typed-restored")).to_have_count(0)


def test_a_server_error_on_save_is_shown_in_place(commissioner, signed_in_page, live_server):
    item = PanelRequestFactory(meeting=MeetingFactory(date=dt.date(2026, 1, 21)))
    page = signed_in_page(commissioner)
    page.add_init_script(path=str(AXE_JS))
    page.goto(f"{live_server.url}/panel/meetings/{item.meeting_id}/")
    page.evaluate("window.__marker = 'same page'")
    decision_url = f"**/panel/requests/{item.pk}/decision/"
    page.route(
        decision_url,
        lambda route: route.fulfill(
            status=500,
            content_type="text/html",
            body="<!DOCTYPE html><html><body><h1>Server Error (500)</h1></body></html>",
        ),
    )
    _type_a_decision(page, item)

    page.locator(f"#request-{item.pk}").get_by_role("button", name="Save decision").click()

    error = page.locator(f"#request-{item.pk} .app-request-error")
    expect(error).to_contain_text(
        "Sorry, there is a problem with the service. Try again later. "
        "What you typed has not been lost."
    )
    expect(page.get_by_text("Server Error (500)")).to_have_count(0)
    _typed_decision_is_there(page, item)
    assert _axe_violations(page) == []

    page.unroute(decision_url)
    page.locator(f"#request-{item.pk}").get_by_role("button", name="Save decision").click()
    expect(page.locator(f"#request-{item.pk}-outcome")).to_contain_text("Agreed at £35,000.00")
    expect(page.locator(".app-request-error")).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page", "the page reloaded"


# --- The timeout warning ----------------------------------------------------------------


def test_the_timeout_warning_keeps_the_session(officer, signed_in_page, live_server, settings):
    settings.SESSION_COOKIE_AGE = 60
    settings.SESSION_WARNING_SECONDS = 58  # the warning opens 2 s after the page loads
    page = signed_in_page(officer)
    page.add_init_script(path=str(AXE_JS))
    page.goto(f"{live_server.url}/children/")
    page.locator("#id_q").focus()

    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_have_attribute("aria-modal", "true")
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog.get_by_role("link", name="Sign out")).to_be_visible()
    assert _axe_violations(page) == []
    before = Session.objects.get().expire_date

    with page.expect_response(lambda r: r.url.endswith("/session/keep-alive/")) as response:
        stay.click()

    assert response.value.status == 204
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_q")).to_be_focused()  # focus goes back where it was
    assert Session.objects.get().expire_date > before
