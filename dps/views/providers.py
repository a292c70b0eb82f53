"""A school's DPS profile: what an officer needs to judge it for a child."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import disclosure, roles
from dps.selectors.providers import provider_profile as load_profile
from placements.models import Provider


@require_GET
@permission_required("placements.view_provider", raise_exception=True)
def provider_profile(request: HttpRequest, urn: int) -> HttpResponse:
    try:
        profile = load_profile(urn=urn, on=timezone.localdate())
    except Provider.DoesNotExist as error:
        raise Http404("No provider with that URN") from error
    casework = request.user.has_perm(roles.CASEWORK)
    return render(
        request,
        "dps/provider_profile.html",
        {
            "profile": profile,
            "provider": profile.provider,
            "casework": casework,
            "active_count_shown": disclosure.shown_count(profile.active_count, request.user),
            "nav_section": "providers",
        },
    )
