"""The dashboards: an index, one page per dashboard, its table downloads, and "recompute now".

Pages read the latest stored snapshot only (reporting.selectors); nothing is computed here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from core import audit, disclosure, downloads, roles
from core.errors import DomainError
from core.htmx import render_page_or_partial
from core.models import Job
from reporting import selectors, services
from reporting.dashboards import BY_SLUG, DASHBOARDS
from reporting.forms import DashboardFilterForm


def _sufficiency_url() -> str | None:
    try:
        return reverse("reporting:sufficiency")
    except NoReverseMatch:
        return None


@require_GET
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
def dashboard_index(request: HttpRequest) -> HttpResponse:
    headline = selectors.snapshot_latest("headline")
    return render(
        request,
        "reporting/dashboard_index.html",
        {
            "dashboards": DASHBOARDS,
            "sufficiency_url": _sufficiency_url(),
            "headline": headline,
            "job": selectors.recompute_job_latest(),
            "freshness": selectors.freshness(headline),
            "nav_section": "dashboards",
        },
    )


def _filters(request: HttpRequest, slug: str) -> tuple[object, selectors.Filters, object]:
    dashboard = BY_SLUG.get(slug)
    if dashboard is None:
        raise Http404("No such dashboard")
    snapshot = selectors.snapshot_latest(slug)
    data = snapshot.data if snapshot is not None else {}
    query = request.GET.copy()
    if "fy" in dashboard.filters and not query.get("fy") and data.get("years"):
        query["fy"] = str(selectors.chosen_year(data, None))  # the form shows the year shown
    form = DashboardFilterForm(
        query,
        choices=selectors.filter_choices(dashboard, data),
        top="top" in dashboard.filters,
    )
    clean = form.cleaned_data if form.is_valid() else {}
    requested = clean.get("fy")
    filters = selectors.Filters(
        fy=selectors.chosen_year(data, int(requested) if requested else None),
        need=clean.get("need", ""),
        group=clean.get("group", ""),
        district=clean.get("district", ""),
        top=clean.get("top") or selectors.DEFAULT_TOP,
        base=clean.get("base", ""),
    )
    return dashboard, filters, (form, snapshot)


@require_GET
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
def dashboard_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dashboard, filters, (form, snapshot) = _filters(request, slug)
    context = {
        "dashboard": dashboard,
        "form": form,
        "filters": filters,
        "snapshot": snapshot,
        "freshness": selectors.freshness(snapshot),
        "suppressed": not disclosure.sees_small_numbers(request.user),
        "small_number_threshold": disclosure.small_number_threshold(),
        "nav_section": "dashboards",
    }
    if snapshot is not None:
        context.update(
            selectors.dashboard_page(
                dashboard,
                snapshot,
                filters,
                suppress=context["suppressed"],
                casework=request.user.has_perm(roles.CASEWORK),
            )
        )
    status = 400 if form.errors else 200
    return render_page_or_partial(
        request, "reporting/dashboard.html", "results", context, status=status
    )


@require_GET
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
@audit.exports("dashboard_table")
def dashboard_download(request: HttpRequest, slug: str, table_id: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Download as csv or xlsx")
    dashboard, filters, (_, snapshot) = _filters(request, slug)
    table = dashboard.table(table_id)
    if table is None or snapshot is None:
        raise Http404("No such table")
    header, rows, money_at = selectors.download_rows(
        dashboard,
        table,
        snapshot.data,
        filters,
        suppress=not disclosure.sees_small_numbers(request.user),
    )
    stem = f"{dashboard.slug}-{table.id}-as-of-{snapshot.as_of:%Y-%m-%d}"
    if table.per_year and filters.fy:
        stem += f"-fy-{filters.fy}"
    if fmt == "csv":
        return downloads.csv_response(f"{stem}.csv", header, rows, money_columns=money_at)
    return downloads.xlsx_response(
        f"{stem}.xlsx", {table.title: (header, rows)}, {table.title: money_at}
    )


def _back(request: HttpRequest, value: str | None) -> str:
    """The dashboard page a recompute was started from (this site's only), else the index."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("reporting:index")


@require_POST
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
def recompute_start(request: HttpRequest) -> HttpResponse:
    """Anyone who reads the dashboards (managers too) may recompute them: it changes no data,
    runs once however many click, and never blocks the page (the job page shows progress)."""
    back = _back(request, request.POST.get("next"))
    try:
        start = services.recompute_request(user=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if not start.started:
        messages.info(
            request,
            "A recompute is already running: this is its progress."
            if start.job.status == Job.Status.RUNNING
            else "A recompute is already waiting to start: this is its progress.",
        )
    url = reverse("reporting:recompute_job", args=[start.job.pk])
    return redirect(f"{url}?{urlencode({'next': back})}")


@require_GET
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
def recompute_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id, kind=services.RECOMPUTE_JOB)
    back = _back(request, request.GET.get("next"))
    return render_page_or_partial(
        request,
        "reporting/recompute_job.html",
        "progress",
        {
            "job": job,
            "back": back,
            "poll": f"{request.path}?{urlencode({'next': back})}",
            "nav_section": "dashboards",
        },
    )
