from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import calendar, disclosure, downloads, roles
from core.errors import DomainError, StaleEditError
from core.htmx import render_page_or_partial, vary_on_htmx, wants_partial
from placements.selectors import child_by_ref, current_ehcp

from . import selectors, services
from .forms import (
    DecisionForm,
    DecisionSearchForm,
    MeetingForm,
    PlacementRecordForm,
    ProviderSuggestForm,
    RequestForm,
    SummaryForm,
)
from .models import Meeting, PanelRequest

DECIDE = roles.DECIDE_REQUEST
PAGE_SIZE = 50


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


FUNDING_REASONS = dict(PanelRequest.FundingReason.choices)


def _decorate(item: PanelRequest) -> PanelRequest:
    """What the templates show beyond the model's fields (computed without queries)."""
    item.funding_reason_labels = [FUNDING_REASONS.get(r, r) for r in item.funding_reasons]
    item.can_record_placement = services.can_record_placement(item)
    return item


# --- Meetings ------------------------------------------------------------------------


@require_GET
@permission_required("panel.view_meeting", raise_exception=True)
def meeting_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "panel/meeting_list.html",
        {
            "upcoming": list(selectors.meetings_upcoming(today=today)),
            "past": _page(request, selectors.meetings_past(today=today), 20),
            "nav_section": "panel",
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("panel.add_meeting", raise_exception=True)
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(**form.cleaned_data, user=request.user)
        except DomainError as error:
            error.add_to_form(form)
        else:
            returning = meeting.requests.count()
            note = (
                f" {returning} returning request{'s' * (returning != 1)} added."
                if returning
                else ""
            )
            messages.success(request, f"Meeting created.{note}")
            return redirect("panel:meeting_detail", pk=meeting.pk)
    return render(request, "panel/meeting_form.html", {"form": form, "nav_section": "panel"})


def _meeting_context(request: HttpRequest, meeting: Meeting, *, bound: dict | None = None) -> dict:
    """Everything the meeting page shows, in a fixed number of queries; `bound` maps a request
    id to a posted (or refreshed) decision form that replaces the saved one."""
    can_decide = request.user.has_perm(DECIDE)
    agenda = list(selectors.meeting_agenda(meeting_id=meeting.pk))
    for item in agenda:
        _decorate(item)
        if can_decide:
            item.decision_form = (bound or {}).get(item.pk) or DecisionForm.for_request(item)
    return {
        "meeting": meeting,
        "agenda": agenda,
        "totals": selectors.meeting_totals(meeting_id=meeting.pk),
        "can_decide": can_decide,
        "error_form": next(iter((bound or {}).values()), None),
        "nav_section": "panel",
    }


@require_GET
@permission_required("panel.view_meeting", raise_exception=True)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(request, "panel/meeting_detail.html", _meeting_context(request, meeting))


@require_GET
@permission_required("panel.view_meeting", raise_exception=True)
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision record for the minutes: one printed page per request."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(
        request,
        "panel/meeting_record.html",
        {
            "meeting": meeting,
            "agenda": [_decorate(item) for item in selectors.meeting_agenda(meeting_id=meeting.pk)],
            "totals": selectors.meeting_totals(meeting_id=meeting.pk),
            "nav_section": "panel",
        },
    )


# --- Requests ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(roles.ADD_PANEL_REQUEST, raise_exception=True)
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
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
                messages.success(request, f"Request for {item.child.child_ref} added to the agenda")
                return redirect(
                    reverse("panel:meeting_detail", args=[meeting.pk]) + f"#request-{item.pk}"
                )
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
        {"form": form, "meeting": meeting, "nav_section": "panel"},
    )


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
    _decorate(item)
    returned_as = getattr(item, "returned_as", None)
    return render(
        request,
        "panel/request_detail.html",
        {
            "item": item,
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
    item = selectors.meeting_agenda(meeting_id=item.meeting_id).get(pk=item.pk)
    item.decision_form = form
    _decorate(item)
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
            return redirect(
                reverse("panel:meeting_detail", args=[item.meeting_id]) + f"#request-{item.pk}"
            )
    if wants_partial(request):
        # The error is in the row sent back. A stale save answers 409 with the row showing the
        # other person's decision: static/js/app.js lets htmx swap a 409 that carries a row.
        return _row_response(request, item, form, saved=False, status=status)
    context = _meeting_context(request, item.meeting, bound={item.pk: form})
    return render(request, "panel/meeting_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(DECIDE, raise_exception=True)
@permission_required("placements.add_placement", raise_exception=True)
def placement_record(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.request_detail(request_id=pk)
    except PanelRequest.DoesNotExist as error:
        raise Http404("No panel request with that number") from error
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


# --- Summary -----------------------------------------------------------------------------


def _summary(request: HttpRequest) -> tuple[SummaryForm, Meeting | None, dict | None, bool]:
    data = request.GET
    if not any(data.get(name) for name in ("date_from", "date_to", "meeting")):
        # With no dates chosen, show the financial year so far: what a manager asks first.
        today = timezone.localdate()
        fy_start, _ = calendar.financial_year_bounds(calendar.financial_year_of(today))
        data = {"date_from": fy_start.isoformat(), "date_to": today.isoformat()}
    form = SummaryForm(data)
    meeting = None
    meeting_id = request.GET.get("meeting", "")
    if meeting_id.isdigit():
        meeting = get_object_or_404(Meeting, pk=int(meeting_id))
    suppress = not disclosure.sees_small_numbers(request.user)
    if meeting is not None:
        return form, meeting, selectors.panel_summary(meeting=meeting, suppress=suppress), suppress
    if form.is_bound and form.is_valid():
        summary = selectors.panel_summary(
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            suppress=suppress,
        )
        return form, None, summary, suppress
    return form, None, None, suppress


def _labelled(summary: dict) -> dict:
    labels = dict(PanelRequest.Outcome.choices)
    return {
        "outcomes": [{**row, "label": labels[row["outcome"]]} for row in summary["outcomes"]],
        "needs": summary["needs"],
    }


@require_GET
@permission_required(roles.VIEW_PANEL_SUMMARY, raise_exception=True)
def summary(request: HttpRequest) -> HttpResponse:
    form, meeting, result, suppressed = _summary(request)
    chart = None
    if result is not None:
        result = _labelled(result)
        counts = [
            None if row["requests"] == disclosure.SUPPRESSED else row["requests"]
            for row in result["outcomes"]
        ]
        if any(counts):  # nothing to draw when every count is zero or suppressed
            chart = {
                "type": "bar",
                "labels": [row["label"] for row in result["outcomes"]],
                "datasets": [{"label": "Requests", "data": counts}],
            }
    return render(
        request,
        "panel/summary.html",
        {
            "form": form,
            "meeting": meeting,
            "summary": result,
            "chart": chart,
            "suppressed": suppressed,
            "small_number_threshold": disclosure.small_number_threshold(),
            "query": request.GET.urlencode(),
            "nav_section": "panel-summary",
        },
    )


@require_GET
@permission_required(roles.VIEW_PANEL_SUMMARY, raise_exception=True)
def summary_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Download as csv or xlsx")
    form, meeting, result, _ = _summary(request)
    if result is None:
        return redirect(reverse("panel:summary") + "?" + request.GET.urlencode())
    if meeting is not None:
        stem = f"panel-summary-{meeting.date:%Y-%m-%d}"
    else:
        start = form.cleaned_data["date_from"] or dt.date.min
        end = form.cleaned_data["date_to"] or timezone.localdate()
        stem = f"panel-summary-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"
    if fmt == "csv":
        return downloads.rows_csv_response(f"{stem}.csv", result)
    sheets = {
        name: (list(rows[0].keys()) if rows else [], [list(row.values()) for row in rows])
        for name, rows in result.items()
    }
    return downloads.xlsx_response(f"{stem}.xlsx", sheets)


# --- Past decisions --------------------------------------------------------------------


@require_GET
@permission_required("panel.view_panelrequest", raise_exception=True)
def decision_search(request: HttpRequest) -> HttpResponse:
    form = DecisionSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    decisions = selectors.decisions_search(
        child=filters.get("child", ""),
        provider=filters.get("provider", ""),
        outcome=filters.get("outcome", ""),
        need=filters.get("need", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    return render_page_or_partial(
        request,
        "panel/decision_search.html",
        "results",
        {"form": form, "page": _page(request, decisions), "nav_section": "panel"},
    )
