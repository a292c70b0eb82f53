"""The meetings list, a new meeting, the meeting page (the agenda) and its printable record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import audit
from core.errors import DomainError
from panel import selectors, services
from panel.forms import (
    DecisionForm,
    MeetingForm,
)
from panel.models import Meeting

from .common import DECIDE, decorate, page_of


@require_GET
@permission_required("panel.view_meeting", raise_exception=True)
def meeting_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "panel/meeting_list.html",
        {
            "upcoming": list(selectors.meetings_upcoming(today=today)),
            "past": page_of(request, selectors.meetings_past(today=today), 20),
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


def meeting_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    bound: dict | None = None,
    page_number: int | str | None = None,
) -> dict:
    """Everything one page of the meeting's agenda shows, in a fixed number of queries whatever
    the agenda's size; `bound` maps a request id to a posted (or refreshed) decision form that
    replaces the saved one. The running totals cover the whole meeting."""
    can_decide = request.user.has_perm(DECIDE)
    totals = selectors.meeting_totals(meeting_id=meeting.pk)
    page = page_of(
        request,
        selectors.meeting_agenda(meeting_id=meeting.pk),
        selectors.AGENDA_PAGE_SIZE,
        number=page_number,
        count=totals["requests"],
    )
    agenda = list(page.object_list)
    for item in agenda:
        item.meeting = meeting
    for item in agenda:
        decorate(item)
        if can_decide:
            item.decision_form = (bound or {}).get(item.pk) or DecisionForm.for_request(item)
    return {
        "meeting": meeting,
        "agenda": agenda,
        "page": page,
        "totals": totals,
        "can_decide": can_decide,
        "error_form": next(iter((bound or {}).values()), None),
        "nav_section": "panel",
    }


@require_GET
@permission_required("panel.view_meeting", raise_exception=True)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    audit.record(request, audit.Action.VIEW_MEETING, meeting, f"Meeting of {meeting.date:%Y-%m-%d}")
    return render(request, "panel/meeting_detail.html", meeting_context(request, meeting))


@require_GET
@permission_required("panel.view_meeting", raise_exception=True)
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision record for the minutes: one printed page per request."""
    meeting = get_object_or_404(Meeting, pk=pk)
    audit.record(
        request, audit.Action.VIEW_DECISION_RECORD, meeting, f"Meeting of {meeting.date:%Y-%m-%d}"
    )
    return render(
        request,
        "panel/meeting_record.html",
        {
            "meeting": meeting,
            "agenda": [
                decorate(item)
                for item in selectors.meeting_agenda(meeting_id=meeting.pk).select_related(
                    "meeting", "decided_by"
                )
            ],
            "totals": selectors.meeting_totals(meeting_id=meeting.pk),
            "nav_section": "panel",
        },
    )
