"""Sign-in for htmx requests: a 401 the page's JavaScript explains, never the login page swapped
into a fragment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .htmx import wants_partial


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except that an htmx request from someone signed out
    (their session ended) gets 401 instead of a redirect that htmx would follow to the login
    page and swap into the agenda. static/js/app.js shows "Your session has ended" in place
    and keeps what was typed. Listed before CsrfViewMiddleware, so a signed-out POST is a 401
    even when the CSRF cookie has gone too."""

    def handle_no_permission(  # type: ignore[override]  # a 401 is not a redirect
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse | HttpResponseRedirect:
        if wants_partial(request):
            response = HttpResponse(
                "Your session has ended. Sign in again.",
                status=401,
                content_type="text/plain; charset=utf-8",
            )
            response["HX-Reswap"] = "none"
            return response
        return super().handle_no_permission(request, view_func)
