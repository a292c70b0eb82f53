"""Sign-in holds under a burst: thirty wrong passwords sent at the same moment check at most
AXES_FAILURE_LIMIT of them, and the right password sent in a burst after the limit is reached
does not sign in.

The requests go through the real sign-in page, each thread with its own client and database
connection, outside a test transaction. How many passwords were checked is counted by a real
authentication backend (Django's ModelBackend, counting its calls) put in place of the
project's (tests/core/sign_in_bursts.py).
"""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from core.models import SignInReservation
from tests.core.sign_in_bursts import (
    BURST,
    COUNTING_BACKENDS,
    SIGN_IN,
    CountingModelBackend,
    burst,
    wrong_passwords,
)
from tests.factories import PASSWORD
from tests.sqlite_file import run_on_sqlite_file

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

threads_on_one_database = pytest.mark.skipif(
    ON_SQLITE,
    reason=(
        "threads need their own connections to one database, and the tests' SQLite database "
        "is in memory (a second writer is refused instead of waiting): "
        "test_a_burst_on_a_sqlite_file_checks_at_most_the_limit runs the burst on a file"
    ),
)


@pytest.fixture
def counting_backend(settings):
    settings.AUTHENTICATION_BACKENDS = COUNTING_BACKENDS
    CountingModelBackend.checks = 0
    return CountingModelBackend


@threads_on_one_database
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_wrong_passwords_for_one_username_checks_at_most_the_limit(
    officer, counting_backend
):
    results = burst(wrong_passwords("officer", "10.1.0"))

    assert 1 <= counting_backend.checks <= settings.AXES_FAILURE_LIMIT
    assert not any(signed_in for _, signed_in in results)
    # Every refused attempt is recorded too, as axes records attempts during a lockout.
    assert AccessAttempt.objects.filter(username="officer").count() == BURST
    after = Client(REMOTE_ADDR="10.9.9.9").post(
        SIGN_IN, {"username": "officer", "password": PASSWORD}
    )
    assert after.status_code == 429


@threads_on_one_database
@pytest.mark.django_db(transaction=True)
def test_a_burst_from_one_address_checks_at_most_the_limit(officer, counting_backend):
    burst([("10.2.0.1", f"someone-{n}", "guess") for n in range(BURST)])

    assert counting_backend.checks <= settings.AXES_FAILURE_LIMIT
    locked = Client(REMOTE_ADDR="10.2.0.1").post(
        SIGN_IN, {"username": "officer", "password": PASSWORD}
    )
    assert locked.status_code == 429


@threads_on_one_database
@pytest.mark.django_db(transaction=True)
def test_the_right_password_in_a_burst_after_the_limit_does_not_sign_in(officer, counting_backend):
    burst(wrong_passwords("officer", "10.3.0"))
    checked_by_first_burst = counting_backend.checks
    second = wrong_passwords("officer", "10.4.0")[1:]
    second.insert(BURST // 2, ("10.4.0.200", "officer", PASSWORD))

    results = burst(second)

    assert not any(signed_in for _, signed_in in results)
    assert {status for status, _ in results} == {429}
    assert counting_backend.checks == checked_by_first_burst


@pytest.mark.django_db(transaction=True)
def test_a_right_password_signs_in_and_leaves_nothing_reserved(officer, counting_backend):
    client = Client(REMOTE_ADDR="10.5.0.1")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(SIGN_IN, {"username": "officer", "password": f"guess-{n}"})

    signed_in = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})

    assert signed_in.status_code == 302
    assert counting_backend.checks == settings.AXES_FAILURE_LIMIT
    # The success cleared the failures and released its reservation: a full allowance again.
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        Client(REMOTE_ADDR="10.5.0.2").post(
            SIGN_IN, {"username": "officer", "password": f"guess-{n}"}
        )
    again = Client(REMOTE_ADDR="10.5.0.3").post(
        SIGN_IN, {"username": "officer", "password": PASSWORD}
    )
    assert again.status_code == 302


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite file only: the tests run on another database")
def test_a_burst_on_a_sqlite_file_checks_at_most_the_limit(tmp_path):
    result = run_on_sqlite_file("tests.core.sign_in_bursts", str(tmp_path / "db.sqlite3"))

    assert 1 <= result["first_burst_checks"] <= result["limit"]
    assert result["second_burst_checks"] == 0
    assert result["signed_in"] is False
    assert result["statuses"] == [429]


@pytest.mark.django_db(transaction=True)
def test_a_password_the_admin_then_refuses_leaves_nothing_reserved(officer):
    # The officer's password is right, but the admin's form takes staff only: no sign-in
    # signal follows, so the reservation is released at the end of the request.
    response = Client(REMOTE_ADDR="10.6.0.1").post(
        "/admin/login/", {"username": "officer", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session
    assert SignInReservation.objects.exists()
    assert not SignInReservation.objects.filter(in_flight__gt=0).exists()


@pytest.mark.django_db
def test_axes_reset_command_still_unlocks_a_username(officer):
    client = Client(REMOTE_ADDR="10.7.0.1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "officer", "password": f"guess-{n}"})
    assert client.post(SIGN_IN, {"username": "officer", "password": PASSWORD}).status_code == 429

    call_command("axes_reset_username", "officer", stdout=io.StringIO())
    call_command("axes_reset_ip", "10.7.0.1", stdout=io.StringIO())

    assert client.post(SIGN_IN, {"username": "officer", "password": PASSWORD}).status_code == 302
