"""The htmx contract: when a view answers with a fragment, and how the answer is cached.

A fragment goes only to an htmx request that is not a history restore. When htmx misses its
history cache (the back button after a live search) it asks for the page again with
`HX-History-Restore-Request` and swaps the answer into <body>, so that answer must be the
whole page. Every response that depends on these headers says so in `Vary`, so the browser's
cache never serves a fragment for a full-page load (or the other way round).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

VARY_ON = ("HX-Request", "HX-History-Restore-Request")


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx request that is not a history restore: answer it with a fragment."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark `response` as depending on the htmx request headers."""
    patch_vary_headers(response, VARY_ON)
    return response


def render_page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render `template#partial` for an htmx request, else the whole `template`, with `Vary`."""
    name = f"{template}#{partial}" if wants_partial(request) else template
    return vary_on_htmx(render(request, name, context, status=status))
