"""Past decisions: search every decided request."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core import audit
from core.htmx import render_page_or_partial
from panel import selectors
from panel.forms import (
    DecisionSearchForm,
)

from .common import page_of


@require_GET
@permission_required("panel.view_panelrequest", raise_exception=True)
@audit.reads_list("Panel decisions")
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
        {"form": form, "page": page_of(request, decisions), "nav_section": "panel"},
    )
