"""The commissioners' DPS pages: the overview, frameworks and lots, memberships."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import roles
from core.editing import versioned_save
from core.errors import DomainError, StaleEditError
from core.pagination import page_of
from dps import market_services as services
from dps.market_forms import (
    FrameworkChoiceForm,
    FrameworkForm,
    LotForm,
    MembershipCreateForm,
    MembershipEvidenceForm,
    MembershipStatusForm,
)
from dps.models import Framework, Lot, Membership
from dps.selectors import market as selectors

SECTION = "dps"


def render_form(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    button: str,
    back_url: str,
    back_label: str,
    intro: str = "",
    status: int = 200,
    once: bool = False,
) -> HttpResponse:
    """The shared page for a simple create or edit form: one column of GOV.UK fields. `once`:
    a create with no natural key, whose form carries a submission token (core.idempotency)."""
    return render(
        request,
        "dps/market/form.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "back_url": back_url,
            "back_label": back_label,
            "intro": intro,
            "once": once,
            "nav_section": SECTION,
        },
        status=status,
    )


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    savings = selectors.uplift_savings_by_year()
    return render(
        request,
        "dps/market/overview.html",
        {
            "counts": selectors.membership_status_counts(),
            "savings": savings[:1],
            "expiring": selectors.contracts_expiring_count(today=timezone.localdate()),
            "nav_section": SECTION,
        },
    )


# --- Frameworks and lots ------------------------------------------------------------


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def framework_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dps/market/framework_list.html",
        {"frameworks": list(selectors.frameworks_with_lots()), "nav_section": SECTION},
    )


def _framework_initial(framework: Framework) -> dict[str, Any]:
    return {
        "name": framework.name,
        "start_date": framework.start_date,
        "initial_term_years": framework.initial_term_years,
        "max_extension_years": framework.max_extension_years,
        "description": framework.description,
        "version": framework.version,
    }


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def framework_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=pk) if pk else None
    initial = _framework_initial(framework) if framework else None
    form = FrameworkForm(request.POST or None, initial=initial)

    def current() -> FrameworkForm:
        assert framework is not None  # only an edit can be stale
        framework.refresh_from_db()
        return FrameworkForm(initial=_framework_initial(framework))

    edit = versioned_save(
        request,
        form,
        lambda data: services.framework_save(framework=framework, **data, user=request.user),
        current=current,
    )
    if edit.saved:
        messages.success(request, f"{edit.result.name} saved.")
        return redirect("dps:framework_list")
    return render_form(
        request,
        edit.form,
        title=f"Change {framework.name}" if framework else "Add a framework",
        button="Save framework",
        back_url=reverse("dps:framework_list"),
        back_label="Back to frameworks",
        status=edit.status if framework else 200,  # add pages answer their errors with 200
    )


def _lot_initial(lot: Lot) -> dict[str, Any]:
    return {
        "number": lot.number,
        "name": lot.name,
        "description": lot.description,
        "block_contract_eligible": lot.block_contract_eligible,
        "version": lot.version,
    }


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def lot_edit(request: HttpRequest, framework_pk: int, pk: int | None = None) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_pk)
    lot = get_object_or_404(Lot, pk=pk, framework=framework) if pk else None
    initial = _lot_initial(lot) if lot else {"number": framework.lots.count() + 1}
    form = LotForm(request.POST or None, initial=initial)

    def current() -> LotForm:
        assert lot is not None  # only an edit can be stale
        lot.refresh_from_db()
        return LotForm(initial=_lot_initial(lot))

    edit = versioned_save(
        request,
        form,
        lambda data: services.lot_save(lot=lot, framework=framework, **data, user=request.user),
        current=current,
    )
    if edit.saved:
        messages.success(request, f"{edit.result} saved.")
        return redirect("dps:framework_list")
    return render_form(
        request,
        edit.form,
        title=f"Change {lot}" if lot else f"Add a lot to {framework.name}",
        button="Save lot",
        back_url=reverse("dps:framework_list"),
        back_label="Back to frameworks",
        status=edit.status if lot else 200,  # add pages answer their errors with 200
    )


# --- Memberships ----------------------------------------------------------------------


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def membership_list(request: HttpRequest) -> HttpResponse:
    form = FrameworkChoiceForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "framework_id": form.cleaned_data["framework"],
            "status": form.cleaned_data["status"],
            "query": form.cleaned_data["q"],
        }
    page = page_of(Paginator(selectors.membership_list(**filters), 50), request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dps/market/membership_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": selectors.membership_status_counts(framework_id=filters.get("framework_id")),
            "nav_section": SECTION,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def membership_create(request: HttpRequest) -> HttpResponse:
    form = MembershipCreateForm(request.POST or None, initial={"applied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_create(
                provider=data["provider_urn"],
                lot=data["lot"],
                applied_on=data["applied_on"],
                ofsted_grade=data["ofsted_grade"],
                quality_score=data["quality_score"],
                notes=data["notes"],
                user=request.user,
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"Application by {membership.provider.name} recorded.")
            return redirect("dps:membership_detail", pk=membership.pk)
    return render_form(
        request,
        form,
        title="Record an application",
        button="Record application",
        back_url=reverse("dps:membership_list"),
        back_label="Back to memberships",
        intro="The provider's membership starts as applied. Admit it from its page once the "
        "quality evidence is checked.",
    )


def _membership_page(
    request: HttpRequest,
    membership: Membership,
    *,
    status_form: MembershipStatusForm | None = None,
    evidence_form: MembershipEvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "dps/market/membership_detail.html",
        {
            "membership": membership,
            "history": selectors.membership_history(membership),
            "status_form": status_form
            or MembershipStatusForm(
                membership=membership,
                initial={"version": membership.version, "on": timezone.localdate()},
            ),
            "evidence_form": evidence_form
            or MembershipEvidenceForm(
                initial={
                    "ofsted_grade": membership.ofsted_grade,
                    "quality_score": membership.quality_score,
                    "notes": membership.notes,
                    "version": membership.version,
                }
            ),
            "nav_section": SECTION,
        },
        status=status,
    )


def _membership(pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("provider", "framework", "lot"), pk=pk
    )


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _membership_page(request, _membership(pk))


@require_POST
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def membership_status(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    form = MembershipStatusForm(request.POST, membership=membership)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_status_change(
                membership_id=membership.pk,
                version=data["version"],
                status=data["status"],
                on=data["on"],
                reason=data["reason"],
                lot=data["lot"],
                user=request.user,
            )
        except StaleEditError as error:
            membership = _membership(pk)
            form = MembershipStatusForm(
                membership=membership,
                initial={"version": membership.version, "on": data["on"]},
            )
            form.is_bound = False
            messages.error(request, error.messages[0])
            return _membership_page(request, membership, status_form=form, status=409)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Membership status changed.")
            return redirect("dps:membership_detail", pk=membership.pk)
    return _membership_page(request, membership, status_form=form, status=400)


@require_POST
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def membership_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    form = MembershipEvidenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_evidence_update(
                membership_id=membership.pk,
                version=data["version"],
                ofsted_grade=data["ofsted_grade"],
                quality_score=data["quality_score"],
                notes=data["notes"],
                user=request.user,
            )
        except StaleEditError as error:
            messages.error(request, error.messages[0])
            return _membership_page(request, _membership(pk), status=409)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Quality evidence saved.")
            return redirect("dps:membership_detail", pk=membership.pk)
    return _membership_page(request, membership, evidence_form=form, status=400)
