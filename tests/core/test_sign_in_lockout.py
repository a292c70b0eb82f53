"""Sign-in is throttled: after five failures a username, and an address, are locked out for
fifteen minutes, on the service's sign-in page and on the Django admin's alike."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
ADMIN_SIGN_IN = "/admin/login/"
LOCKED = "You have tried to sign in too many times"


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _fail(client: Client, username: str, times: int, url: str = SIGN_IN) -> None:
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "not-the-password"})
        assert response.status_code in (200, 429)


def test_five_failures_lock_the_user_out_even_with_the_right_password(officer):
    client = _client("10.0.0.1")
    _fail(client, "officer", settings.AXES_FAILURE_LIMIT)

    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})

    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_four_failures_still_let_the_right_password_in(officer):
    client = _client("10.0.0.1")
    _fail(client, "officer", settings.AXES_FAILURE_LIMIT - 1)

    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"


def test_a_locked_username_is_locked_from_every_address(officer):
    _fail(_client("10.0.0.1"), "officer", settings.AXES_FAILURE_LIMIT)

    response = _client("10.0.0.2").post(SIGN_IN, {"username": "officer", "password": PASSWORD})

    assert response.status_code == 429


def test_a_locked_address_is_locked_for_every_username(officer, manager):
    client = _client("10.0.0.1")
    _fail(client, "someone-guessed", settings.AXES_FAILURE_LIMIT)

    from_same_address = client.post(SIGN_IN, {"username": "manager", "password": PASSWORD})
    from_elsewhere = _client("10.0.0.2").post(
        SIGN_IN, {"username": "manager", "password": PASSWORD}
    )

    assert from_same_address.status_code == 429
    assert LOCKED in from_same_address.content.decode()
    assert from_elsewhere.status_code == 302


def test_the_lockout_ends_after_the_cool_off(officer):
    client = _client("10.0.0.1")
    _fail(client, "officer", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    )

    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})

    assert response.status_code == 302


def test_the_django_admin_sign_in_is_throttled_too(admin_user):
    client = _client("10.0.0.9")
    _fail(client, "admin", settings.AXES_FAILURE_LIMIT, url=ADMIN_SIGN_IN)

    through_admin = client.post(ADMIN_SIGN_IN, {"username": "admin", "password": PASSWORD})
    through_service = _client("10.0.0.10").post(
        SIGN_IN, {"username": "admin", "password": PASSWORD}
    )

    assert through_admin.status_code == 429
    assert LOCKED in through_admin.content.decode()
    assert through_service.status_code == 429


def test_failures_are_logged_for_admins_to_read(officer, admin_client):
    _fail(_client("10.0.0.1"), "officer", 2)

    attempt = AccessAttempt.objects.get(username="officer")
    assert attempt.failures_since_start == 2
    assert attempt.ip_address == "10.0.0.1"
    assert AccessFailureLog.objects.filter(username="officer").count() == 2
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "officer" in listing.content.decode()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_locked(settings, officer):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="192.168.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxy.post(
            SIGN_IN,
            {"username": "nobody", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    # Another person behind the same proxy is not locked out by the first one's failures.
    other = proxy.post(
        SIGN_IN, {"username": "officer", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert other.status_code == 302
    assert AccessAttempt.objects.get(username="nobody").ip_address == "203.0.113.7"
