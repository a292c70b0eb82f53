"""Sign-in for htmx requests: a 401 the page's JavaScript explains, never the login page swapped
into a fragment; and no-store on personal data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers

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


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RejectControlCharactersMiddleware:
    """A NUL or another control character in the path or the query string is a bad request
    (400), whatever the view: no page takes one, and a NUL reaching PostgreSQL is a 500.
    Listed first, so nothing else reads such a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if _CONTROL.search(request.path) or _CONTROL.search(query):
            return HttpResponseBadRequest(
                "Bad request: the address holds a character no page accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` (with Django's other never-cache headers) on every response to
    a signed-in person and on every download, so children's data is never kept by the browser
    or a proxy cache. Static files (served by WhiteNoise before this runs, or from STATIC_URL)
    are left cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = "attachment" in response.get("Content-Disposition", "")
        if signed_in or download:
            add_never_cache_headers(response)
        return response
