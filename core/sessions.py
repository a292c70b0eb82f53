"""The idle timeout: a signed-in session ends SESSION_COOKIE_AGE seconds after it was last
renewed. Any request renews it, but the session is written at most once every
SESSION_RENEW_SECONDS: a write on every request would double the database work of a page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_renewed_at"


def session_renew(request: HttpRequest) -> None:
    """Renew the session now (it is written with a new expiry when the response goes out)."""
    request.session[RENEWED_AT] = int(time.time())


def session_seconds_left(request: HttpRequest) -> int:
    """Seconds until the signed-in session ends if nothing renews it."""
    renewed_at = request.session.get(RENEWED_AT)
    if renewed_at is None:  # written at sign-in, moments ago
        return settings.SESSION_COOKIE_AGE
    return max(settings.SESSION_COOKIE_AGE - (int(time.time()) - int(renewed_at)), 0)


class RenewSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            renewed_at = request.session.get(RENEWED_AT)
            if renewed_at is None or time.time() - renewed_at >= settings.SESSION_RENEW_SECONDS:
                session_renew(request)
        return self.get_response(request)
