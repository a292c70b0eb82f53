"""With DEBUG off, a missing page, a page the role may not see, a failing page and a stale
form each answer with the council's branded GOV.UK page and the right status."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings as project_settings
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from core import views

pytestmark = pytest.mark.django_db

COUNCIL = project_settings.COUNCIL_NAME


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def _text(response) -> str:
    return response.content.decode()


def _branded(response) -> None:
    text = _text(response)
    assert COUNCIL in text
    assert 'class="govuk-header' in text
    assert f'href="{reverse("home")}"' in text


def test_an_unknown_address_gets_page_not_found(officer_client):
    response = officer_client.get("/no-such-page/")

    assert response.status_code == 404
    assert "<title>Page not found –" in _text(response)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in _text(response)
    assert "check it is correct" in _text(response)
    _branded(response)
    assert "(officer)" in _text(response)  # the signed-in header, as on every other page


def test_an_officer_on_a_commissioner_page_is_told_they_have_no_access(officer_client):
    response = officer_client.get(reverse("imports:start"))

    assert response.status_code == 403
    assert "You do not have access to this page" in _text(response)
    assert "Your role (officer)" in _text(response)
    _branded(response)


@pytest.mark.urls("tests.core.error_urls")
def test_a_page_that_fails_says_there_is_a_problem_with_the_service():
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in _text(response)
    assert "Try again later." in _text(response)
    _branded(response)


def test_the_500_handler_is_ours_and_needs_neither_the_request_nor_the_database(
    django_assert_num_queries,
):
    assert get_resolver().resolve_error_handler(500) is views.server_error
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in _text(response)
    _branded(response)


def test_the_500_page_still_answers_if_its_template_fails(caplog):
    with mock.patch.object(views.loader, "render_to_string", side_effect=ValueError("broken")):
        response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in _text(response)
    assert "Could not render 500.html" in caplog.text


def test_a_form_sent_without_its_csrf_token_gets_the_branded_page(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(reverse("logout"))

    assert response.status_code == 403
    assert "Sorry, we could not send that form" in _text(response)
    assert "Your changes have not been saved." in _text(response)
    _branded(response)


def test_signing_in_from_a_stale_login_page_gets_the_branded_page():
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "officer", "password": "x"}
    )

    assert response.status_code == 403
    assert "Sorry, we could not send that form" in _text(response)
    _branded(response)
