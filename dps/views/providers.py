"""A school's DPS profile: what an officer needs to judge it for a child."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import audit, disclosure, roles
from core.editing import versioned_save
from dps import services
from dps.officer_forms import OfstedForm, ProviderContactForm
from dps.selectors.providers import provider_profile as load_profile
from placements.models import REPORT_CARD_AREAS, Provider


@require_GET
@permission_required("placements.view_provider", raise_exception=True)
@audit.reads_list("A provider's placements and consultations", when=audit.has_casework)
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


def _provider(urn: int) -> Provider:
    provider = Provider.objects.filter(urn=urn).first()
    if provider is None:
        raise Http404("No provider with that URN")
    return provider


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def provider_ofsted(request: HttpRequest, urn: int) -> HttpResponse:
    """A commissioner records a school's latest Ofsted outcome, in either shape."""
    provider = _provider(urn)
    form = OfstedForm(request.POST or None, initial={"version": provider.version})

    def current() -> OfstedForm:
        provider.refresh_from_db()
        return OfstedForm(initial={"version": provider.version})

    def record(cd: dict) -> Provider:
        card = cd["shape"] == "report_card"
        return services.provider_ofsted_record(
            provider=provider,
            version=cd["version"],
            user=request.user if request.user.is_authenticated else None,
            inspection_date=cd["inspection_date"],
            overall_effectiveness=None if card else cd["overall_effectiveness"],
            areas={code: cd[code] for code, _ in REPORT_CARD_AREAS if cd.get(code)}
            if card
            else None,
            safeguarding_met=(cd["safeguarding"] == "met") if card else None,
        )

    edit = versioned_save(request, form, record, current=current)
    if edit.saved:
        messages.success(request, "Ofsted outcome recorded.")
        return redirect("dps:provider_profile", urn=urn)
    return render(
        request,
        "dps/provider_ofsted.html",
        {"provider": provider, "form": edit.form, "nav_section": "providers"},
        status=edit.status,
    )


def _contact_initial(provider: Provider) -> dict:
    return {
        "name": provider.sen_contact_name,
        "email": provider.sen_contact_email,
        "version": provider.version,
    }


@require_http_methods(["GET", "POST"])
@permission_required("dps.change_consultation", raise_exception=True)
def provider_contact(request: HttpRequest, urn: int) -> HttpResponse:
    """An officer corrects a school's SEN contact, where consultation packs go."""
    provider = _provider(urn)
    form = ProviderContactForm(request.POST or None, initial=_contact_initial(provider))

    def current() -> ProviderContactForm:
        provider.refresh_from_db()
        return ProviderContactForm(initial=_contact_initial(provider))

    edit = versioned_save(
        request,
        form,
        lambda cd: services.provider_contact_update(
            provider=provider,
            version=cd["version"],
            user=request.user if request.user.is_authenticated else None,
            name=cd["name"],
            email=cd["email"],
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "SEN contact saved.")
        return redirect("dps:provider_profile", urn=urn)
    return render(
        request,
        "dps/provider_contact.html",
        {"provider": provider, "form": edit.form, "nav_section": "providers"},
        status=edit.status,
    )
