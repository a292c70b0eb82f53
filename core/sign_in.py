"""Sign-in throttling that holds under a burst (docs/security.md "Sign-in").

django-axes checks the lockout before the password and records a failure after it, so thirty
wrong passwords sent at the same moment all read "no failures yet" and are all checked. The
handler here (AXES_HANDLER) keeps axes' records, lockout page, admin and reset commands, and
adds one step: before the password is checked it reserves the attempt, under a row lock on each
lockout key (the username, the address: AXES_LOCKOUT_PARAMETERS), counting the failures axes
has recorded plus the checks still in flight. Once that reaches AXES_FAILURE_LIMIT the attempt
is refused without checking the password. The reservation is released once axes has recorded
the outcome (a failure, or a success, which clears the failures as before).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username, get_failure_limit
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import SignInReservation

# A password check takes well under a second; a reservation older than this was left by a
# request that died before releasing it, and no longer counts.
RESERVATION_TIMEOUT = dt.timedelta(seconds=60)

_RESERVED = "sign_in_reserved_keys"


class ReservingAxesHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, reserving each attempt atomically before its password is checked."""

    def is_allowed(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if not super().is_allowed(request, credentials):
            return False
        if (
            not axes_settings.AXES_LOCK_OUT_AT_FAILURE
            or self.is_whitelisted(request, credentials)
            or (axes_settings.AXES_ONLY_ADMIN_SITE and not self.is_admin_request(request))
        ):
            return True
        if _reserve(request, self._failures_by_key(request, credentials), credentials):
            return True
        # Too many attempts at once: the lockout page, as for a lockout by recorded failures.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        return False

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            sign_in_release(request)

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        try:
            super().user_logged_in(sender, request, user, **kwargs)
        finally:
            sign_in_release(request)

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        """axes' clean-up of expired attempts, which also forgets reservations long stale."""
        SignInReservation.objects.filter(
            reserved_at__lt=timezone.now() - RESERVATION_TIMEOUT
        ).delete()
        cleaned: int = super().clean_expired_user_attempts(request, credentials)
        return cleaned

    def _failures_by_key(
        self, request: HttpRequest, credentials: dict[str, Any] | None
    ) -> dict[str, QuerySet[Any]]:
        """Each lockout key (hashed), with axes' recorded attempts for it within the cool-off."""
        parameters = get_client_parameters(
            get_client_username(request, credentials),
            request.axes_ip_address,  # type: ignore[attr-defined]
            request.axes_user_agent,  # type: ignore[attr-defined]
            request,
            credentials,
        )
        attempts = self.get_user_attempts(request, credentials)
        return {
            _key(values): queryset for values, queryset in zip(parameters, attempts, strict=True)
        }


def _key(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _reserve(
    request: HttpRequest,
    failures_by_key: dict[str, QuerySet[Any]],
    credentials: dict[str, Any] | None,
) -> bool:
    """Reserve one check on every key, or none when any key has reached the limit."""
    keys = sorted(failures_by_key)
    limit = get_failure_limit(request, credentials)
    while True:
        now = timezone.now()
        fresh_after = now - RESERVATION_TIMEOUT
        SignInReservation.objects.bulk_create(
            [SignInReservation(key=key, reserved_at=now) for key in keys], ignore_conflicts=True
        )
        # The rows are locked in key order, so two attempts sharing two keys cannot deadlock;
        # on SQLite the transaction takes the database's write lock (transaction_mode IMMEDIATE).
        with transaction.atomic():
            rows = list(
                SignInReservation.objects.select_for_update().filter(key__in=keys).order_by("key")
            )
            if len(rows) < len(keys):
                continue  # a stale row was pruned between the insert and the lock: again
            for row in rows:
                in_flight = row.in_flight if row.reserved_at > fresh_after else 0
                recorded = failures_by_key[row.key].aggregate(total=Sum("failures_since_start"))
                if (recorded["total"] or 0) + in_flight >= limit:
                    return False
            for row in rows:
                row.in_flight = (row.in_flight if row.reserved_at > fresh_after else 0) + 1
                row.reserved_at = now
                row.save(update_fields=["in_flight", "reserved_at"])
        setattr(request, _RESERVED, [*getattr(request, _RESERVED, []), *keys])
        return True


def sign_in_release(request: HttpRequest | None) -> None:
    """Release what this request reserved, once; one row at a time, so a release never holds
    one key's lock while waiting for another's."""
    keys: list[str] = getattr(request, _RESERVED, None) or []
    if not keys:
        return
    setattr(request, _RESERVED, [])
    for key in keys:
        SignInReservation.objects.filter(key=key, in_flight__gt=0).update(
            in_flight=F("in_flight") - 1
        )


class SignInReleaseMiddleware:
    """Releases a reservation the sign-in signals did not: a password accepted by a form that
    then refused the account (the admin's, for a non-staff user), or an error mid-request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            sign_in_release(request)
