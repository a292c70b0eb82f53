from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit, calendar, disclosure, downloads, idempotency, roles
from core.editing import versioned_save
from core.errors import DomainError, StaleEditError
from core.htmx import render_page_or_partial
from core.models import Job
from core.pagination import CappedPaginator, page_of

from . import exports, rules, selectors, services
from .forms import (
    AnnualReviewForm,
    ChildSearchForm,
    NamedSettingForm,
    PhaseTransferForm,
    PlacementChangeForm,
    PlacementRegisterForm,
    ProviderSearchForm,
    Sen2DetailsForm,
)
from .models import EHCP, Child, NamedSetting, Placement, Provider

PAGE_SIZE = 50
PROVIDER_PLACEMENTS_SHOWN = 25


def _page(request: HttpRequest, queryset):
    return page_of(CappedPaginator(queryset, PAGE_SIZE), request)


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_list("Children search")
def child_list(request: HttpRequest) -> HttpResponse:
    form = ChildSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = _page(request, selectors.child_search(query=query))
    return render_page_or_partial(
        request,
        "placements/child_list.html",
        "results",
        {"form": form, "page": page, "nav_section": "children"},
    )


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_child()
def child_detail(request: HttpRequest, child_ref: str) -> HttpResponse:
    try:
        child = selectors.child_detail(child_ref=child_ref)
    except Child.DoesNotExist as error:
        raise Http404("No child with that reference") from error
    today = timezone.localdate()
    ehcp = selectors.current_ehcp(child)
    academic_year = calendar.academic_year_of(today)
    return render(
        request,
        "placements/child_detail.html",
        {
            "child": child,
            "ehcp": ehcp,
            "age": rules.age_on(child.date_of_birth, today),
            "ncy": rules.ncy(child.date_of_birth, academic_year),
            "today": today,
            "nav_section": "children",
        },
    )


@require_GET
@permission_required("placements.view_provider", raise_exception=True)
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    providers = selectors.provider_search(
        query=filters.get("q", ""),
        setting_group=filters.get("group", ""),
        need=filters.get("need", ""),
    )
    page = _page(request, providers)
    return render_page_or_partial(
        request,
        "placements/provider_list.html",
        "results",
        {"form": form, "page": page, "nav_section": "providers"},
    )


@require_GET
@permission_required("placements.view_provider", raise_exception=True)
@audit.reads_list("A provider's current placements", when=audit.has_casework)
def provider_detail(request: HttpRequest, urn: int) -> HttpResponse:
    today = timezone.localdate()
    try:
        provider = selectors.provider_detail(urn=urn, on=today)
    except Provider.DoesNotExist as error:
        raise Http404("No provider with that URN") from error
    casework = request.user.has_perm(roles.CASEWORK)
    # The first few, with the register (filtered to this school) for the rest: a large
    # school's whole list made the page slow for everyone.
    current = (
        list(selectors.placement_register(on=today, provider_urn=urn)[:PROVIDER_PLACEMENTS_SHOWN])
        if casework
        else []
    )
    return render(
        request,
        "placements/provider_detail.html",
        {
            "provider": provider,
            "current_placements": current,
            "casework": casework,
            "active_count": provider.active_placements,
            "active_count_shown": disclosure.shown_count(provider.active_placements, request.user),
            "more_placements": provider.active_placements > len(current),
            "nav_section": "providers",
        },
    )


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_list("Placements register")
def placement_list(request: HttpRequest) -> HttpResponse:
    form = PlacementRegisterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    placements = selectors.placement_register(
        on=filters.get("active_on"),
        group=filters.get("group", ""),
        provider_urn=filters.get("provider"),
    )
    page = _page(request, placements)
    return render(
        request,
        "placements/placement_list.html",
        {"form": form, "page": page, "nav_section": "placements"},
    )


def _placement_initial(placement: Placement) -> dict:
    return {
        "version": placement.version,
        "end_date": placement.end_date,
        "attendance_pattern": placement.attendance_pattern,
        "annual_cost": placement.annual_cost,
        "additional_cost": placement.additional_cost,
        **{name: getattr(placement, name) for name in PlacementChangeForm.SEN2_FIELDS},
    }


@require_http_methods(["GET", "POST"])
@permission_required("placements.change_placement", raise_exception=True)
@audit.reads_child(of=Placement)
def placement_change(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(Placement.objects.select_related("child", "provider"), pk=pk)
    status = 200
    if request.method == "POST":
        form = PlacementChangeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.placement_update(
                    placement=placement,
                    version=data["version"],
                    end_date=data["end_date"],
                    attendance_pattern=data["attendance_pattern"],
                    annual_cost=data["annual_cost"],
                    additional_cost=data["additional_cost"],
                    cost_effective_from=data["cost_effective_from"],
                    placement_rank=data["placement_rank"],
                    sen_unit=data["sen_unit"],
                    resourced_provision=data["resourced_provision"],
                    sen2_setting=data["sen2_setting"],
                    sen2_setting_other=data["sen2_setting_other"],
                    user=request.user,
                )
            except StaleEditError as error:
                # Show the other person's values, with the version they saved, and say why.
                placement.refresh_from_db()
                form = PlacementChangeForm(_placement_initial(placement))
                form.is_valid()
                error.add_to_form(form)
                status = 409
            except DomainError as error:
                error.add_to_form(form)
                status = 400
            else:
                messages.success(request, "The placement has been changed.")
                return redirect("placements:child_detail", child_ref=placement.child.child_ref)
        else:
            status = 400
    else:
        form = PlacementChangeForm(initial=_placement_initial(placement))
    history = placement.history.select_related("history_user").order_by("-history_date")[:20]
    cost_changes = placement.cost_changes.select_related("made_by").order_by("-effective_from")
    return render(
        request,
        "placements/placement_change.html",
        {
            "form": form,
            "placement": placement,
            "history": history,
            "cost_changes": cost_changes,
            "nav_section": "children",
        },
        status=status,
    )


# --- Exports ------------------------------------------------------------------------------


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
def placement_export(request: HttpRequest) -> HttpResponse:
    """The placements register in the `placements` import layout: CSV (streamed) or XLSX."""
    stamp = timezone.localdate().isoformat()
    xlsx = request.GET.get("format") == "xlsx"
    name = f"placements-{stamp}.{'xlsx' if xlsx else 'csv'}"
    if exports.placement_count_over_xlsx_limit():
        return render(
            request,
            "placements/register_export.html",
            {"xlsx": xlsx, "limit": exports.XLSX_MAX_ROWS, "nav_section": "placements"},
        )
    audit.record(request, audit.Action.EXPORT, label=name, object_type="placement_register")
    if xlsx:
        return downloads.xlsx_response(
            name,
            {"Placements": (exports.PLACEMENT_COLUMNS, exports.placement_rows())},
            money_columns={"Placements": exports.PLACEMENT_MONEY},
        )
    return downloads.csv_response(
        name,
        exports.PLACEMENT_COLUMNS,
        exports.placement_rows(),
        money_columns=exports.PLACEMENT_MONEY,
    )


@require_POST
@permission_required(roles.CASEWORK, raise_exception=True)
def placement_export_start(request: HttpRequest) -> HttpResponse:
    user = request.user if isinstance(request.user, User) else None
    try:
        start = exports.register_export_start(
            user=user, submission_token=idempotency.token_from(request.POST)
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("placements:placement_list")
    if not start.started:
        messages.info(
            request, "Your register download is already being written: this is its progress."
        )
    return redirect("placements:placement_export_job", job_id=start.job.pk)


def _export_job(job_id: int) -> Job:
    try:
        return Job.objects.get(pk=job_id, kind=exports.REGISTER_EXPORT_JOB)
    except Job.DoesNotExist as error:
        raise Http404("No register download with that number") from error


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
def placement_export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress of a register being written, then its download."""
    job = _export_job(job_id)
    return render_page_or_partial(
        request,
        "placements/register_export_job.html",
        "progress",
        {"job": job, "file_kept": exports.export_file(job).is_file(), "nav_section": "placements"},
    )


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
def placement_export_download(request: HttpRequest, job_id: int) -> FileResponse | HttpResponse:
    job = _export_job(job_id)
    path = exports.export_file(job)
    if job.status != Job.Status.SUCCEEDED:
        raise Http404("This download is not ready")
    return downloads.kept_file_response(
        request,
        path,
        name=f"placements-{job.finished_at:%Y-%m-%d}.csv",
        content_type="text/csv",
        object_type="placement_register",
        gone="The file is no longer kept: prepare the download again",
    )


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def sen2_export(request: HttpRequest) -> HttpResponse:
    """Where the working extract used to be built (in the request, seconds at county size): it
    now comes with each check of the return, so this address leads to the SEN2 page."""
    messages.info(
        request,
        "The working extract is made with each check of the return: check the return, then "
        "download the extract from the check's page.",
    )
    return redirect("placements:sen2_return")


# --- SEN2 items, entered where casework happens -------------------------------------------------


def _child_and_ehcp(child_ref: str, ehcp_id: str | None = None):
    try:
        child = selectors.child_with_ehcps(child_ref=child_ref)
    except Child.DoesNotExist as error:
        raise Http404("No child with that reference") from error
    ehcps = list(child.ehcps.all())
    if ehcp_id:
        ehcp = next((e for e in ehcps if str(e.pk) == ehcp_id), None)
        if ehcp is None:
            raise Http404("That EHCP is not this child's")
    else:
        ehcp = selectors.current_ehcp(child)
    return child, ehcp


def _sen2_initial(child: Child, ehcp: EHCP | None) -> dict:
    initial = {name: getattr(child, name) for name in services.SEN2_CHILD_FIELDS}
    initial["child_version"] = child.version
    if ehcp is not None:
        initial.update(
            {
                name: getattr(ehcp, f"{name}_id" if name.endswith("_need") else name)
                for name in services.SEN2_EHCP_FIELDS
            }
        )
        initial["ehcp_version"] = ehcp.version
    return initial


@require_http_methods(["GET", "POST"])
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_child()
def child_sen2_change(request: HttpRequest, child_ref: str) -> HttpResponse:
    """Change the SEN2 items of the child and of their current EHCP (or `?ehcp=ID`)."""
    child, ehcp = _child_and_ehcp(child_ref, request.GET.get("ehcp"))
    with_ehcp = ehcp is not None
    form = Sen2DetailsForm(
        request.POST or None, initial=_sen2_initial(child, ehcp), with_ehcp=with_ehcp
    )

    def current() -> Sen2DetailsForm:
        child.refresh_from_db()
        if ehcp is not None:
            ehcp.refresh_from_db()
        return Sen2DetailsForm(initial=_sen2_initial(child, ehcp), with_ehcp=with_ehcp)

    edit = versioned_save(
        request,
        form,
        lambda data: services.sen2_details_update(
            child=child,
            child_version=data["child_version"],
            ehcp=ehcp,
            ehcp_version=data["ehcp_version"],
            child_values=form.child_values(),
            ehcp_values=form.ehcp_values(),
            user=request.user,
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "The SEN2 details have been saved.")
        return redirect("placements:child_detail", child_ref=child.child_ref)
    return render(
        request,
        "placements/child_sen2_change.html",
        {"form": edit.form, "child": child, "ehcp": ehcp, "nav_section": "children"},
        status=edit.status,
    )


def _plan_event_add(request: HttpRequest, child_ref: str, form_class, add, what: str):
    child, ehcp = _child_and_ehcp(child_ref, request.GET.get("ehcp"))
    if ehcp is None:
        raise Http404("This child has no EHCP")
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                add(ehcp=ehcp, user=request.user, **form.cleaned_data)
            except DomainError as error:
                error.add_to_form(form)
                status = 400
            else:
                messages.success(request, f"The {what} has been added.")
                return redirect("placements:child_detail", child_ref=child.child_ref)
        else:
            status = 400
    else:
        form = form_class()
    return render(
        request,
        "placements/plan_event_add.html",
        {"form": form, "child": child, "ehcp": ehcp, "what": what, "nav_section": "children"},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_child()
def annual_review_add(request: HttpRequest, child_ref: str) -> HttpResponse:
    return _plan_event_add(
        request, child_ref, AnnualReviewForm, services.annual_review_add, "annual review"
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_child()
def named_setting_add(request: HttpRequest, child_ref: str) -> HttpResponse:
    return _plan_event_add(
        request, child_ref, NamedSettingForm, services.named_setting_add, "named setting"
    )


@require_POST
@permission_required(roles.CASEWORK, raise_exception=True)
def named_setting_remove(request: HttpRequest, child_ref: str, pk: int) -> HttpResponse:
    setting = get_object_or_404(NamedSetting, pk=pk, ehcp__child__child_ref=child_ref)
    services.named_setting_remove(setting=setting, user=request.user)
    messages.success(request, "The named setting has been removed.")
    return redirect("placements:child_detail", child_ref=child_ref)


@require_http_methods(["GET", "POST"])
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_child()
def phase_transfer_add(request: HttpRequest, child_ref: str) -> HttpResponse:
    return _plan_event_add(
        request, child_ref, PhaseTransferForm, services.phase_transfer_add, "phase transfer"
    )
