"""Sign-in protection: the client's address, as the lockout (django-axes) and the audit log record
it, and the page a locked-out person sees.

Behind a reverse proxy every request arrives from the proxy, so REMOTE_ADDR alone would lock
every user out together. With TRUSTED_PROXY_COUNT = n the address is the n-th entry from the
right of X-Forwarded-For (the one the outermost trusted proxy saw); entries further left are
written by the client and are never believed.
"""

from __future__ import annotations

import ipaddress
from math import ceil
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, or "" when none can be trusted."""
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    address = request.META.get("REMOTE_ADDR", "") or ""
    if proxies > 0:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the branded "You have tried to sign in too many times" page, with
    429 Too Many Requests, for the service's sign-in and the Django admin's alike."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = ceil(cooloff.total_seconds() / 60) if cooloff else 0
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
