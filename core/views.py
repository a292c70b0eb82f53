"""Pages no domain owns: the health check, the session keep-alive and the branded error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """The timeout warning's "Stay signed in": any signed-in request refreshes the session
    (SESSION_SAVE_EVERY_REQUEST), so there is little to do but answer. Signed out, the
    LoginRequiredMiddleware answers instead and the page sends the user to sign in."""
    request.session.modified = True
    return HttpResponse(status=204)
