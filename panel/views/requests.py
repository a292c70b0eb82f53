"""Adding a request to an agenda, a request's page, deciding it during the meeting, and
recording the placement it agreed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit, roles
from core.errors import DomainError, StaleEditError
from core.htmx import vary_on_htmx, wants_partial
from dps.selectors import search as dps_search
from panel import selectors, services
from panel.forms import (
    DecisionForm,
    PlacementRecordForm,
    ProviderSuggestForm,
    RequestForm,
)
from panel.models import Meeting, PanelRequest
from placements.models import Child, Provider
from placements.selectors import child_by_ref, current_ehcp

from .common import DECIDE, decorate
from .meetings import meeting_context


def _agenda_url(item: PanelRequest) -> str:
    """The meeting page showing the request: the agenda is paged."""
    page = selectors.agenda_page_number(meeting_id=item.meeting_id, request_id=item.pk)
    return (
        reverse("panel:meeting_detail", args=[item.meeting_id])
        + (f"?page={page}" if page > 1 else "")
        + f"#request-{item.pk}"
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.ADD_PANEL_REQUEST, raise_exception=True)
@audit.reads_child(from_query="child")
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    warnings: list[str] = []
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["child"] = data.pop("child_ref")
            try:
                item = services.request_create(meeting=meeting, **data, user=request.user)
            except DomainError as error:
                error.add_to_form(form)
            else:
                recorded = len(item.provider_warnings)
                messages.success(
                    request,
                    f"Request for {item.child.child_ref} added to the agenda"
                    + (
                        f", with {recorded} suitability warning{'s' if recorded != 1 else ''} "
                        "recorded"
                        if recorded
                        else ""
                    ),
                )
                return redirect(_agenda_url(item))
        warnings = _chosen_provider_warnings(form)
    else:
        initial = {}
        ref = request.GET.get("child", "").strip()
        if ref:
            initial["child_ref"] = ref
            child = child_by_ref(ref)
            ehcp = current_ehcp(child) if child else None
            if ehcp is not None:
                initial["primary_need"] = ehcp.primary_need_id or ""
                initial["secondary_need"] = ehcp.secondary_need_id or ""
        form = RequestForm(initial=initial)
    return render(
        request,
        "panel/request_form.html",
        {
            "form": form,
            "meeting": meeting,
            "provider_warnings": warnings,
            "nav_section": "panel",
        },
    )


def _chosen_provider_warnings(form: RequestForm) -> list[str]:
    """The suitability warnings for the child and provider typed in a form shown again."""
    data = getattr(form, "cleaned_data", {})
    child, provider = data.get("child_ref"), data.get("provider")
    if not isinstance(child, Child) or not isinstance(provider, Provider):
        return []
    return services.provider_warnings(child, provider)


@require_GET
@permission_required(roles.ADD_PANEL_REQUEST, raise_exception=True)
def provider_suggest(request: HttpRequest) -> HttpResponse:
    """`<option>`s for the provider box's `<datalist>`, by name or URN."""
    form = ProviderSuggestForm(request.GET)
    query = form.cleaned_data["provider"] if form.is_valid() else ""
    providers = selectors.provider_suggestions(query=query)
    return render(request, "panel/request_form.html#provider_options", {"providers": providers})


@require_GET
@permission_required("panel.view_panelrequest", raise_exception=True)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.request_detail(request_id=pk)
    except PanelRequest.DoesNotExist as error:
        raise Http404("No panel request with that number") from error
    audit.record(
        request,
        audit.Action.VIEW_PANEL_REQUEST,
        item,
        f"Request {item.pk} ({item.child.child_ref})",
    )
    decorate(item)
    returned_as = getattr(item, "returned_as", None)
    warnings = (
        dps_search.warnings_for_choice(item.child, item.provider, today=timezone.localdate())
        if item.provider
        else []
    )
    # Those recorded with the choice are shown as such; beside the provider, only what is new.
    warnings = [w for w in warnings if w not in item.provider_warnings]
    return render(
        request,
        "panel/request_detail.html",
        {
            "item": item,
            "suitability_warnings": warnings,
            "returned_as": returned_as,
            "history": selectors.request_history(item),
            "can_record_placement": services.can_record_placement(item),
            "nav_section": "panel",
        },
    )


# --- Decisions -------------------------------------------------------------------------


def _row_response(
    request: HttpRequest, item: PanelRequest, form: DecisionForm, saved: bool, status: int = 200
):
    """The request's row and, out of band, the meeting's running totals."""
    item = (
        selectors.meeting_agenda(meeting_id=item.meeting_id)
        .select_related("meeting")
        .get(pk=item.pk)
    )
    item.decision_form = form
    decorate(item)
    context = {
        "item": item,
        "meeting": item.meeting,
        "can_decide": True,
        "saved": saved,
        "totals": selectors.meeting_totals(meeting_id=item.meeting_id),
        "oob": True,
    }
    row = render_to_string("panel/meeting_detail.html#request_row", context, request)
    totals = render_to_string("panel/meeting_detail.html#totals", context, request)
    return vary_on_htmx(HttpResponse(row + totals, status=status))


@require_POST
@permission_required(DECIDE, raise_exception=True)
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PanelRequest.objects.select_related("meeting"), pk=pk)
    form = DecisionForm.for_request(item, data=request.POST)
    status = 200
    if form.is_valid():
        try:
            item = services.decision_record(
                request_id=item.pk,
                version=form.cleaned_data["version"],
                outcome=form.cleaned_data["outcome"],
                agreed_cost=form.cleaned_data["agreed_cost"],
                conditions=form.cleaned_data["conditions"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except StaleEditError as error:
            item.refresh_from_db()
            form = DecisionForm.showing_current(item)
            error.add_to_form(form)
            status = 409
        except DomainError as error:
            error.add_to_form(form)
        else:
            if wants_partial(request):
                return _row_response(request, item, DecisionForm.for_request(item), saved=True)
            messages.success(
                request, f"Decision saved for {item.child.child_ref}: {item.get_outcome_display()}"
            )
            return redirect(_agenda_url(item))
    if wants_partial(request):
        # The error is in the row sent back. A stale save answers 409 with the row showing the
        # other person's decision: static/js/app.js lets htmx swap a 409 that carries a row.
        return _row_response(request, item, form, saved=False, status=status)
    page = selectors.agenda_page_number(meeting_id=item.meeting_id, request_id=item.pk)
    context = meeting_context(request, item.meeting, bound={item.pk: form}, page_number=page)
    return render(request, "panel/meeting_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(DECIDE, raise_exception=True)
@permission_required("placements.add_placement", raise_exception=True)
def placement_record(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.request_detail(request_id=pk)
    except PanelRequest.DoesNotExist as error:
        raise Http404("No panel request with that number") from error
    if item.placement_id is not None:  # recorded already, perhaps by this form sent twice
        messages.info(request, "The agreed placement has been recorded.")
        return redirect("panel:request_detail", pk=item.pk)
    if not services.can_record_placement(item):
        messages.error(request, "There is no agreed placement to record for this request.")
        return redirect("panel:request_detail", pk=item.pk)
    form = PlacementRecordForm(request.POST or None, initial={"start_date": item.expected_start})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreed_placement_record(
                request_id=item.pk, **form.cleaned_data, user=request.user
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Agreed placement recorded")
            return redirect("panel:request_detail", pk=item.pk)
    base, additional = services.agreed_cost_split(item)
    return render(
        request,
        "panel/placement_form.html",
        {
            "item": item,
            "form": form,
            "base": base,
            "additional": additional,
            "nav_section": "panel",
        },
    )
