"""The htmx contract: a fragment only for an htmx request that is not a history restore, always
with `Vary`; a signed-out htmx request is a 401, not the login page; the session keep-alive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import ChildFactory, PanelRequestFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
SEARCH_PAGES = [
    ("officer_client", "/children/", {"q": "quill"}),
    ("officer_client", "/providers/", {"q": "oak"}),
    ("commissioner_client", "/panel/decisions/", {"child": "quill"}),
]


def _vary(response) -> set[str]:
    return {value.strip().lower() for value in response.get("Vary", "").split(",")}


@pytest.fixture
def zara():
    return ChildFactory(first_name="Zara", last_name="Quill")


@pytest.mark.parametrize(("client_name", "url", "query"), SEARCH_PAGES)
def test_an_htmx_search_gets_only_the_results_and_vary(request, zara, client_name, url, query):
    client = request.getfixturevalue(client_name)

    response = client.get(url, query, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results"')
    assert body.count('id="results"') == 1
    assert "<html" not in body
    assert "hx-request" in _vary(response)


@pytest.mark.parametrize(("client_name", "url", "query"), SEARCH_PAGES)
@pytest.mark.parametrize("headers", [RESTORE, {}], ids=["history-restore", "not-htmx"])
def test_a_history_restore_or_a_plain_request_gets_the_whole_page(
    request, zara, client_name, url, query, headers
):
    client = request.getfixturevalue(client_name)

    response = client.get(url, query, headers=headers)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert body.count('class="govuk-template__header"') == 1
    assert body.count('id="results"') == 1
    assert 'hx-swap="outerHTML"' in body
    assert "hx-request" in _vary(response)


def test_the_child_search_swaps_its_results_outer_html(officer_client):
    body = officer_client.get("/children/").content.decode()

    assert 'hx-target="#results" hx-swap="outerHTML"' in body


def test_the_import_progress_follows_the_same_contract(commissioner_client):
    from core.models import Job
    from imports.models import ImportRecord

    job = Job.objects.create(kind="import", status=Job.Status.RUNNING)
    ImportRecord.objects.create(kind="placements", file_name="p.csv", job=job, dry_run=True)
    url = f"/imports/jobs/{job.pk}/"

    partial = commissioner_client.get(url, headers=HTMX)
    restored = commissioner_client.get(url, headers=RESTORE)

    assert partial.content.decode().lstrip().startswith('<div id="import-job"')
    assert "<html" in restored.content.decode()
    assert "hx-request" in _vary(partial)
    assert "hx-request" in _vary(restored)


def test_an_htmx_decision_row_varies_on_htmx(commissioner_client):
    item = PanelRequestFactory()
    data = {
        f"r{item.pk}-version": item.version,
        f"r{item.pk}-outcome": "agreed",
        f"r{item.pk}-agreed_cost": "36000",
    }

    response = commissioner_client.post(f"/panel/requests/{item.pk}/decision/", data, headers=HTMX)

    assert response.status_code == 200
    assert (
        response.content.decode()
        .lstrip()
        .startswith(f'<section class="app-request" id="request-{item.pk}"')
    )
    assert "hx-request" in _vary(response)


# --- Signed out -------------------------------------------------------------------------


def test_a_signed_out_htmx_search_is_a_401_not_the_login_page(db):
    response = Client().get("/children/", {"q": "quill"}, headers=HTMX)

    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    assert "<form" not in response.content.decode()


def test_a_signed_out_htmx_save_is_a_401_even_without_the_csrf_cookie(db):
    item = PanelRequestFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/panel/requests/{item.pk}/decision/", {f"r{item.pk}-outcome": "agreed"}, headers=HTMX
    )

    assert response.status_code == 401
    item.refresh_from_db()
    assert item.outcome == ""


@pytest.mark.parametrize("headers", [{}, RESTORE], ids=["not-htmx", "history-restore"])
def test_a_signed_out_page_load_still_goes_to_sign_in(db, headers):
    response = Client().get("/children/", headers=headers)

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/children/"


def test_a_signed_in_htmx_request_without_permission_is_still_a_403(manager_client):
    response = manager_client.get("/children/", headers=HTMX)

    assert response.status_code == 403


# --- Timeout warning and keep-alive ------------------------------------------------------


def test_keep_alive_refreshes_the_session_and_answers_204(officer_client):
    nearly_over = timezone.now() + dt.timedelta(seconds=60)
    Session.objects.update(expire_date=nearly_over)

    response = officer_client.post("/session/keep-alive/")

    assert response.status_code == 204
    assert Session.objects.get().expire_date > nearly_over + dt.timedelta(minutes=20)


def test_keep_alive_is_post_only_and_needs_a_session(officer_client, db):
    assert officer_client.get("/session/keep-alive/").status_code == 405
    assert Client().post("/session/keep-alive/").status_code == 302


def test_the_timeout_warning_is_timed_from_settings(officer_client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    settings.SESSION_WARNING_SECONDS = 90

    body = officer_client.get("/children/").content.decode()

    assert 'data-session-timeout="1800"' in body
    assert 'data-session-warning="90"' in body
    assert 'data-keep-alive-url="/session/keep-alive/"' in body
    assert 'role="dialog" aria-modal="true"' in body
    assert ">Stay signed in</button>" in body


def test_no_timeout_warning_when_signed_out(db):
    body = Client().get("/accounts/login/").content.decode()

    assert "data-session-timeout" not in body
    assert 'id="session-timeout"' not in body


def test_activity_renews_the_session_at_most_once_a_minute(officer_client, settings):
    from core.sessions import RENEWED_AT

    settings.SESSION_RENEW_SECONDS = 60
    officer_client.get("/session/")
    written = Session.objects.get().expire_date

    officer_client.get("/session/")
    assert Session.objects.get().expire_date == written  # renewed moments ago: not written

    session = officer_client.session
    session[RENEWED_AT] -= 61
    session.save()
    stale = Session.objects.get().expire_date
    seconds_left = officer_client.get("/session/").json()["seconds_left"]
    assert Session.objects.get().expire_date > stale
    assert seconds_left == settings.SESSION_COOKIE_AGE
