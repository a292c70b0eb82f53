from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit, disclosure, roles
from dps import selectors as dps_selectors
from dps.selectors import worklist
from panel import selectors as panel_selectors
from reporting import selectors


@require_GET
@audit.reads_list("Worklist", when=audit.has_casework)
def home(request: HttpRequest) -> HttpResponse:
    """What is waiting for this user: the next panel, consultations due, the latest figures."""
    user = request.user
    today = timezone.localdate()
    context: dict = {"nav_section": "home", "today": today}
    if user.has_perm("panel.view_meeting"):
        context["upcoming_meetings"] = list(panel_selectors.meetings_upcoming(today=today)[:3])
    if user.has_perm(roles.CASEWORK):
        overdue, context["overdue_count"] = worklist.first_with_total(
            dps_selectors.consultations_overdue(today=today)
        )
        context["overdue"] = overdue
        context["due_soon"] = list(dps_selectors.consultations_due_soon(today=today)[:10])
        context["needing_school"], context["needing_school_count"] = (
            worklist.needing_a_school_first(today=today)
        )
        context["ending"], context["ending_count"] = worklist.first_with_total(
            worklist.placements_ending_unarranged(today=today)
        )
        context["agreed_unplaced"], context["agreed_unplaced_count"] = worklist.first_with_total(
            panel_selectors.agreed_not_placed()
        )
    if user.has_perm(roles.VIEW_DASHBOARDS):
        snapshot = selectors.snapshot_latest("headline")
        if snapshot is not None:
            figures = snapshot.data
            if not disclosure.sees_small_numbers(user):
                figures = disclosure.disclose_figures(
                    figures,
                    count_fields=["inmss_placements", "ehcps"],
                    figure_fields=["inmss_share", "inmss_avg_annual_cost", "inmss_spend_fy"],
                    money_fields=("inmss_avg_annual_cost", "inmss_spend_fy"),
                    ratios={"inmss_share": ("inmss_placements", "ehcps")},
                )
            context["headline"] = snapshot
            context["figures"] = figures
    return render(request, "reporting/home.html", context)
