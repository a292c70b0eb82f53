"""The commissioners' DPS pages about money: fee schedules, uplift requests and the savings
register, block contracts and their utilisation, the contract register, attendance penalties."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import audit, calendar, idempotency, roles
from core.editing import versioned_save
from core.errors import DomainError
from core.pagination import page_of
from dps import market_rules
from dps import market_services as services
from dps.market_forms import (
    AttendanceForm,
    AttendanceYearForm,
    BlockContractEditForm,
    BlockContractForm,
    ContractEditForm,
    ContractForm,
    FeeCreateForm,
    FeeEditForm,
    UpliftCreateForm,
    UpliftDecisionForm,
)
from dps.models import BlockContract, Contract, FeeSchedule, UpliftRequest
from dps.selectors import market as selectors

from .market import SECTION, render_form

# --- Fee schedules -----------------------------------------------------------------------


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def fee_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    year_text = request.GET.get("ay", "")[:9]
    year = None
    if year_text:
        try:
            year = calendar.parse_academic_year(year_text)
        except ValueError:
            year = None
    page = page_of(
        Paginator(selectors.fee_schedule_list(query=query, academic_year=year), 50), request
    )
    return render(
        request,
        "dps/market/fee_list.html",
        {"page": page, "q": query, "ay": year_text, "nav_section": SECTION},
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def fee_create(request: HttpRequest) -> HttpResponse:
    form = FeeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fee = services.fee_schedule_create(
                provider=data["provider_urn"],
                academic_year=data["academic_year"],
                attendance_pattern=data["attendance_pattern"],
                band=data["band"],
                annual_fee=data["annual_fee"],
                user=request.user,
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Fee saved.")
            return redirect("dps:fee_edit", pk=fee.pk)
    return render_form(
        request,
        form,
        title="Add a fee",
        button="Save fee",
        back_url=reverse("dps:fee_list"),
        back_label="Back to fee schedules",
        intro="To load many fees at once, import a file of the Fee schedules kind.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def fee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fee = get_object_or_404(FeeSchedule.objects.select_related("provider"), pk=pk)
    form = FeeEditForm(
        request.POST or None, initial={"annual_fee": fee.annual_fee, "version": fee.version}
    )

    def current() -> FeeEditForm:
        fee.refresh_from_db()
        return FeeEditForm(initial={"annual_fee": fee.annual_fee, "version": fee.version})

    edit = versioned_save(
        request,
        form,
        lambda data: services.fee_schedule_update(
            fee_id=fee.pk,
            version=data["version"],
            annual_fee=data["annual_fee"],
            user=request.user,
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "Fee saved.")
        return redirect("dps:fee_edit", pk=fee.pk)
    return render(
        request,
        "dps/market/fee_edit.html",
        {
            "fee": fee,
            "form": edit.form,
            "history": selectors.fee_schedule_history(fee),
            "nav_section": SECTION,
        },
        status=edit.status,
    )


# --- Uplift requests and savings -------------------------------------------------------


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def uplift_list(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("ay", "")[:9]
    status = request.GET.get("status", "")
    if status not in UpliftRequest.Status.values:
        status = ""
    year = None
    if year_text:
        try:
            year = calendar.parse_academic_year(year_text)
        except ValueError:
            year = None
    savings = selectors.uplift_savings_by_year()
    if year is None and not year_text and savings:
        year = savings[0]["academic_year"]
        year_text = savings[0]["label"]
    return render(
        request,
        "dps/market/uplift_list.html",
        {
            "uplifts": selectors.uplift_list(academic_year=year, status=status),
            "savings": savings,
            "ay": year_text,
            "status": status,
            "statuses": UpliftRequest.Status.choices,
            "threshold": settings.UPLIFT_BREAKDOWN_THRESHOLD_PERCENT,
            "nav_section": SECTION,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def uplift_create(request: HttpRequest) -> HttpResponse:
    form = UpliftCreateForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            uplift = services.uplift_create(
                provider=data["provider_urn"],
                academic_year=data["academic_year"],
                requested_percent=data["requested_percent"],
                justification=data["justification"],
                cost_breakdown=data["cost_breakdown"],
                received_on=data["received_on"],
                user=request.user,
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Uplift request recorded.")
            return redirect("dps:uplift_detail", pk=uplift.pk)
    threshold = settings.UPLIFT_BREAKDOWN_THRESHOLD_PERCENT
    return render_form(
        request,
        form,
        title="Record an uplift request",
        button="Record request",
        back_url=reverse("dps:uplift_list"),
        back_label="Back to uplift requests",
        intro=f"A request above {threshold:g}% needs a cost breakdown before it can be agreed.",
    )


def _decision_form(uplift: UpliftRequest) -> UpliftDecisionForm:
    return UpliftDecisionForm(
        initial={
            "outcome": uplift.status if uplift.status != UpliftRequest.Status.REQUESTED else "",
            "agreed_percent": uplift.agreed_percent,
            "decided_on": uplift.decided_on or timezone.localdate(),
            "cost_breakdown": uplift.cost_breakdown,
            "version": uplift.version,
        }
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def uplift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    uplift = get_object_or_404(UpliftRequest.objects.select_related("provider"), pk=pk)
    form = UpliftDecisionForm(request.POST) if request.method == "POST" else _decision_form(uplift)

    def current() -> UpliftDecisionForm:
        uplift.refresh_from_db()
        return _decision_form(uplift)

    edit = versioned_save(
        request,
        form,
        lambda data: services.uplift_decide(
            uplift_id=uplift.pk,
            version=data["version"],
            outcome=data["outcome"],
            agreed_percent=data["agreed_percent"],
            decided_on=data["decided_on"],
            cost_breakdown=data["cost_breakdown"],
            user=request.user,
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "Uplift decision saved.")
        return redirect("dps:uplift_detail", pk=uplift.pk)
    form, status = edit.form, edit.status
    selectors.decorate_uplifts([uplift])
    threshold = settings.UPLIFT_BREAKDOWN_THRESHOLD_PERCENT
    return render(
        request,
        "dps/market/uplift_detail.html",
        {
            "uplift": uplift,
            "form": form,
            "threshold": threshold,
            "breakdown_required": market_rules.uplift_breakdown_required(
                uplift.requested_percent, threshold
            ),
            "history": list(uplift.history.select_related("history_user").order_by("-history_id")),
            "nav_section": SECTION,
        },
        status=status,
    )


# --- Block contracts ----------------------------------------------------------------------


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def block_list(request: HttpRequest) -> HttpResponse:
    contracts = list(selectors.block_contract_list())
    selectors.block_contracts_current_utilisation(contracts, today=timezone.localdate())
    return render(
        request,
        "dps/market/block_list.html",
        {"contracts": contracts, "nav_section": SECTION},
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def block_create(request: HttpRequest) -> HttpResponse:
    form = BlockContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.block_contract_create(
                provider=data["provider_urn"],
                lot=data["lot"],
                places_reserved=data["places_reserved"],
                price_per_place=data["price_per_place"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                submission_token=idempotency.token_from(request.POST),
                user=request.user,
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Block contract saved.")
            return redirect("dps:block_detail", pk=contract.pk)
    return render_form(
        request,
        form,
        once=True,
        title="Add a block contract",
        button="Save block contract",
        back_url=reverse("dps:block_list"),
        back_label="Back to block contracts",
        intro="Places reserved at a provider for a period, at an annual price per place.",
    )


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def block_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(BlockContract.objects.select_related("provider", "lot"), pk=pk)
    months = selectors.block_contract_utilisation(contract, today=timezone.localdate())
    chart: dict[str, Any] = {
        "type": "bar",
        "labels": [row["month"].strftime("%b %Y") for row in months],
        "datasets": [
            {"label": "Places filled", "data": [row["filled"] for row in months]},
            {"label": "Places reserved", "data": [row["reserved"] for row in months]},
        ],
        "stacked": False,
        "money": False,
    }
    return render(
        request,
        "dps/market/block_detail.html",
        {"contract": contract, "months": months, "chart": chart, "nav_section": SECTION},
    )


def _block_initial(contract: BlockContract) -> dict[str, Any]:
    return {
        "lot": contract.lot_id,
        "places_reserved": contract.places_reserved,
        "price_per_place": contract.price_per_place,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "version": contract.version,
    }


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def block_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(BlockContract.objects.select_related("provider", "lot"), pk=pk)
    form = BlockContractEditForm(request.POST or None, initial=_block_initial(contract))

    def current() -> BlockContractEditForm:
        contract.refresh_from_db()
        return BlockContractEditForm(initial=_block_initial(contract))

    edit = versioned_save(
        request,
        form,
        lambda data: services.block_contract_update(
            contract_id=contract.pk,
            version=data["version"],
            lot=data["lot"],
            places_reserved=data["places_reserved"],
            price_per_place=data["price_per_place"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            user=request.user,
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "Block contract saved.")
        return redirect("dps:block_detail", pk=contract.pk)
    status = edit.status
    return render_form(
        request,
        edit.form,
        title=f"Change the block contract with {contract.provider.name}",
        button="Save block contract",
        back_url=reverse("dps:block_detail", args=[contract.pk]),
        back_label="Back to the block contract",
        intro="Places reserved, the annual price per place, the period and the lot. The provider "
        "stays: a contract with another provider is a new block contract.",
        status=status,
    )


# --- Contract register ---------------------------------------------------------------------


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def contract_register(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Contract.Status.values:
        status = ""
    contracts = selectors.contract_register(today=timezone.localdate(), status=status)
    return render(
        request,
        "dps/market/contract_register.html",
        {
            "contracts": contracts,
            "status": status,
            "statuses": Contract.Status.choices,
            "expiring": sum(1 for c in contracts if c.expiring_soon),  # type: ignore[attr-defined]
            "months": market_rules.EXPIRING_WITHIN_MONTHS,
            "nav_section": SECTION,
        },
    )


def _contract_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": data["reference"],
        "title": data["title"],
        "provider": data["provider_urn"],
        "framework": data["framework"],
        "value": data["value"],
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "extension_options": data["extension_options"],
        "max_extension_months": data["max_extension_months"],
        "status": data["status"],
    }


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def contract_create(request: HttpRequest) -> HttpResponse:
    form = ContractForm(request.POST or None, initial={"status": Contract.Status.ACTIVE})
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                **_contract_fields(form.cleaned_data), user=request.user
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"Contract {contract.reference} added to the register.")
            return redirect("dps:contract_edit", pk=contract.pk)
    return render_form(
        request,
        form,
        title="Add a contract",
        button="Save contract",
        back_url=reverse("dps:contract_register"),
        back_label="Back to the contract register",
        intro="A contract in the register, for the committee: its value, period, extension "
        "options and status.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.select_related("provider", "framework"), pk=pk)
    form = ContractEditForm(request.POST or None, initial=ContractForm.initial_for(contract))

    def current() -> ContractEditForm:
        contract.refresh_from_db()
        return ContractEditForm(initial=ContractForm.initial_for(contract))

    edit = versioned_save(
        request,
        form,
        lambda data: services.contract_update(
            contract_id=contract.pk,
            version=data["version"],
            **_contract_fields(data),
            user=request.user,
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "Contract saved.")
        return redirect("dps:contract_edit", pk=contract.pk)
    status = edit.status
    return render(
        request,
        "dps/market/contract_edit.html",
        {
            "contract": contract,
            "form": edit.form,
            "history": selectors.contract_history(contract),
            "nav_section": SECTION,
        },
        status=status,
    )


# --- Attendance ------------------------------------------------------------------------


@require_GET
@permission_required(roles.MANAGE_DPS, raise_exception=True)
@audit.reads_list("Attendance and penalties")
def attendance(request: HttpRequest) -> HttpResponse:
    form = AttendanceYearForm(request.GET or None)
    years = selectors.attendance_years()
    year = None
    if form.is_valid():
        year = form.cleaned_data["academic_year"]
    if year is None:
        year = years[0] if years else calendar.academic_year_of(timezone.localdate())
    return render(
        request,
        "dps/market/attendance.html",
        {
            "form": form,
            "year": year,
            "year_label": calendar.academic_year_label(year),
            "years": [(y, calendar.academic_year_label(y)) for y in years],
            "result": selectors.attendance_penalties(academic_year=year),
            "terms": [(t, market_rules.TERM_LABELS[t]) for t in market_rules.TERMS],
            "nav_section": SECTION,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_DPS, raise_exception=True)
def attendance_record(request: HttpRequest) -> HttpResponse:
    form = AttendanceForm(
        request.POST or None,
        initial={"academic_year": calendar.academic_year_of(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.attendance_record(
                placement=data["placement"],
                academic_year=data["academic_year"],
                term=data["term"],
                attendance_percent=data["attendance_percent"],
                user=request.user,
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Attendance saved.")
            label = calendar.academic_year_label(record.academic_year)
            return redirect(f"{reverse('dps:attendance')}?academic_year={label}")
    return render_form(
        request,
        form,
        title="Record attendance",
        button="Save attendance",
        back_url=reverse("dps:attendance"),
        back_label="Back to attendance",
        intro="A placement's attendance for one term. Attendance below the framework's "
        "threshold in a term reduces that term's fee. Saving again for the same term corrects it.",
    )
