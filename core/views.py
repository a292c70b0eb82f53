"""Pages no domain owns: the health check, the session keep-alive and the branded error pages.

403.html and 404.html are rendered by Django's own handlers, with the request, so the header
knows the council and the user. A server error may come from the database or the request
itself, so `server_error` renders 500.html with nothing but the council's and service's names.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST

from .sessions import session_renew, session_seconds_left

logger = logging.getLogger(__name__)

SERVER_ERROR_FALLBACK = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service</title></head><body>"
    "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></body></html>"
)


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """The timeout warning's "Stay signed in": renews the session now. Signed out, the
    LoginRequiredMiddleware answers instead and the page sends the user to sign in."""
    session_renew(request)
    return HttpResponse(status=204)


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the branded page, rendered without the request (no context processors, no
    database); a plain page if even that fails, so the answer is always a 500 with words."""
    body: str
    try:
        body = loader.render_to_string(
            template_name,
            {"council_name": settings.COUNCIL_NAME, "service_name": settings.SERVICE_NAME},
        )
    except Exception:
        logger.exception("Could not render %s", template_name)
        body = SERVER_ERROR_FALLBACK
    return HttpResponseServerError(body)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent with a stale or missing token gets the branded page
    (Django's own renders 403_csrf.html without the request, so without the council's name).
    The middleware has already logged the reason."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))


@require_GET
def session_status(request: HttpRequest) -> HttpResponse:
    """How long the signed-in session has left, for the timeout warning; also the cheapest
    signed-in page, which the benchmark uses as the floor for a request."""
    return JsonResponse({"seconds_left": session_seconds_left(request)})
