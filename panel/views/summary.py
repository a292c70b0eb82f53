"""The panel summary (the deck's table) for a meeting or a date range, with its downloads."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit, calendar, disclosure, downloads, roles
from core.numbers import whole_number
from panel import selectors
from panel.forms import (
    SummaryForm,
)
from panel.models import Meeting


def _summary(request: HttpRequest) -> tuple[SummaryForm, Meeting | None, dict | None, bool]:
    """The form, the meeting (if one was chosen), the summary (None until valid dates are
    chosen) and whether it is suppressed. Without casework, date ranges are whole months
    (docs/security.md): the form's cleaned dates are widened to match what is counted."""
    data = request.GET
    if not any(data.get(name) for name in ("date_from", "date_to", "meeting")):
        # With no dates chosen, show the financial year so far: what a manager asks first.
        today = timezone.localdate()
        fy_start, _ = calendar.financial_year_bounds(calendar.financial_year_of(today))
        data = {"date_from": fy_start.isoformat(), "date_to": today.isoformat()}
    form = SummaryForm(data)
    meeting = None
    meeting_id = whole_number(request.GET.get("meeting", ""))
    if meeting_id is not None:
        meeting = get_object_or_404(Meeting, pk=meeting_id)
    suppress = not disclosure.sees_small_numbers(request.user)
    if meeting is not None:
        return form, meeting, selectors.panel_summary(meeting=meeting, suppress=suppress), suppress
    if form.is_bound and form.is_valid():
        if suppress:
            form.cleaned_data["date_from"], form.cleaned_data["date_to"] = disclosure.whole_months(
                form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            )
        summary = selectors.panel_summary(
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            suppress=suppress,
        )
        return form, None, summary, suppress
    return form, None, None, suppress


@require_GET
@permission_required(roles.VIEW_PANEL_SUMMARY, raise_exception=True)
def summary(request: HttpRequest) -> HttpResponse:
    form, meeting, result, suppressed = _summary(request)
    page = selectors.panel_summary_page(result) if result is not None else None
    return render(
        request,
        "panel/summary.html",
        {
            "form": form,
            "meeting": meeting,
            "summary": page,
            "chart": page["chart"] if page else None,
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
    audit.record(request, audit.Action.EXPORT, label=f"{stem}.{fmt}", object_type="panel_summary")
    if fmt == "csv":
        return downloads.rows_csv_response(f"{stem}.csv", result)
    sheets = {
        name: (list(rows[0].keys()) if rows else [], [list(row.values()) for row in rows])
        for name, rows in result.items()
    }
    return downloads.xlsx_response(f"{stem}.xlsx", sheets)
