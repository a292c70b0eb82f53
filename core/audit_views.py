"""The audit log page for administrators: who read or downloaded what, searchable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import audit
from .forms import GovukDateField
from .models import AuditEvent
from .pagination import page_of

VIEW_AUDIT = "core.view_auditevent"
PAGE_SIZE = 50


class AuditSearchForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(
        label="What they did",
        required=False,
        choices=[("", "Anything")] + list(AuditEvent.Action.choices),
    )
    child_ref = forms.CharField(label="Child's reference", required=False, max_length=60)
    date_from = GovukDateField(label="From", name="from date", required=False)
    date_to = GovukDateField(label="To", name="to date", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return cleaned


@require_GET
@permission_required(VIEW_AUDIT, raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit.audit_search(
        username=filters.get("username", "").strip(),
        action=filters.get("action", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        child_ref=filters.get("child_ref", "").strip(),
    )
    page = page_of(Paginator(events, PAGE_SIZE), request)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "retention_days": settings.AUDIT_RETENTION_DAYS,
            "nav_section": "audit",
        },
        status=400 if form.is_bound and form.errors else 200,
    )
