"""Bursts of sign-in attempts sent at the same moment through the real sign-in page, and a
password check that counts how often it runs.

Used by tests/core/test_sign_in_burst.py, and run as `python -m tests.core.sign_in_bursts
DB_PATH` for the same burst against a SQLite file (the tests' own SQLite database lives in
memory, where a second writer is refused instead of waiting its turn). It prints one JSON line:
how many passwords each burst checked and whether anyone signed in.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

if __name__ == "__main__":
    # Run on its own: a SQLite file, set up before anything imports Django's models.
    os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()

from django.contrib.auth.backends import ModelBackend  # noqa: E402

SIGN_IN = "/accounts/login/"
BURST = 30
COUNTING_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tests.core.sign_in_bursts.CountingModelBackend",
]


class CountingModelBackend(ModelBackend):
    """Django's own password check, counting how often it runs (from any thread)."""

    checks = 0
    _lock = threading.Lock()

    def authenticate(self, request, username=None, password=None, **kwargs) -> Any:
        with CountingModelBackend._lock:
            CountingModelBackend.checks += 1
        return super().authenticate(request, username=username, password=password, **kwargs)


def burst(posts: list[tuple[str, str, str]]) -> list[tuple[int, bool]]:
    """Send every (address, username, password) at once, each thread with its own client and
    database connection; each answer's status and whether that client ended up signed in."""
    from django.db import connection
    from django.test import Client

    start = threading.Barrier(len(posts))
    results: list[tuple[int, bool]] = [(0, False)] * len(posts)

    def post(index: int, address: str, username: str, password: str) -> None:
        try:
            client = Client(REMOTE_ADDR=address)
            start.wait()
            response = client.post(SIGN_IN, {"username": username, "password": password})
            results[index] = (response.status_code, "_auth_user_id" in client.session)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(index, *item)) for index, item in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def wrong_passwords(username: str, network: str) -> list[tuple[str, str, str]]:
    """BURST wrong passwords for one username, each from its own address."""
    return [(f"{network}.{n + 1}", username, f"guess-{n}") for n in range(BURST)]


def main() -> dict[str, Any]:
    """Two bursts on the database set up in `__main__`: wrong passwords, then wrong passwords
    with the right one among them."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from tests.factories import PASSWORD, UserFactory

    call_command("migrate", verbosity=0, interactive=False)
    UserFactory(username="officer")
    connections.close_all()

    with override_settings(AUTHENTICATION_BACKENDS=COUNTING_BACKENDS):
        burst(wrong_passwords("officer", "10.1.0"))
        first_checks = CountingModelBackend.checks
        second = wrong_passwords("officer", "10.4.0")[1:]
        second.insert(BURST // 2, ("10.4.0.200", "officer", PASSWORD))
        results = burst(second)
    return {
        "limit": settings.AXES_FAILURE_LIMIT,
        "first_burst_checks": first_checks,
        "second_burst_checks": CountingModelBackend.checks - first_checks,
        "signed_in": any(signed_in for _, signed_in in results),
        "statuses": sorted({status for status, _ in results}),
    }


if __name__ == "__main__":
    # The backend is named by its module path, so the counter read is that module's.
    from tests.core import sign_in_bursts

    print(json.dumps(sign_in_bursts.main()))
