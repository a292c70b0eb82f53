"""The commissioners' SEN2 page: choose the collection, check the return (a Job), see every
record that breaks a rule linked to the child's page, download the XML."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import audit, downloads, roles
from core.errors import DomainError
from core.htmx import render_page_or_partial
from core.models import Job
from core.pagination import page_of
from core.templatetags.govuk import govuk_date
from placements.forms import Sen2CheckForm

from . import selectors, services, spec
from .checks import RULES

ISSUES_PAGE_SIZE = 100


@require_http_methods(["GET", "POST"])
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def sen2_return(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = Sen2CheckForm(request.POST)
        if form.is_valid():
            user = request.user if isinstance(request.user, User) else None
            census_date = form.cleaned_data["census_date"]
            try:
                start = services.sen2_check_start(census_date=census_date, user=user)
            except DomainError as error:
                error.add_to_form(form)
            else:
                if not start.started:
                    messages.info(
                        request,
                        f"A check of the return for {govuk_date(census_date)} is already "
                        "running: this is its progress.",
                    )
                return redirect("placements:sen2_check", job_id=start.job.pk)
        status = 400
    else:
        form = Sen2CheckForm(initial={"census_date": spec.default_census_day(timezone.localdate())})
    return render(
        request,
        "placements/sen2/return.html",
        {
            "form": form,
            "checks": selectors.sen2_checks_recent(),
            "census_days": sorted(spec.CENSUS_DAYS.values()),
            "nav_section": "imports",
        },
        status=status,
    )


def _job(job_id: int) -> Job:
    try:
        return selectors.sen2_check_get(job_id=job_id)
    except Job.DoesNotExist as error:
        raise Http404("No SEN2 check with that number") from error


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def sen2_check(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(job_id)
    rule = request.GET.get("rule", "")
    if rule not in RULES:
        rule = ""
    context: dict[str, object] = {"job": job, "rule": rule, "nav_section": "imports"}
    if job.status == Job.Status.SUCCEEDED:
        # The list names children's references: opening it is a read of their records.
        census = job.result["census_date"]
        audit.record(request, audit.Action.VIEW_SEN2, job, f"SEN2 check for {census}")
        counts = selectors.sen2_check_counts(job=job)
        issues = selectors.sen2_check_issues(job=job, rule=rule)
        context.update(
            files_kept=selectors.sen2_check_files_kept(job=job),
            counts=counts,
            chart=selectors.sen2_counts_chart(counts),
            page=page_of(Paginator(issues, ISSUES_PAGE_SIZE), request),
            rule_description=RULES.get(rule, ""),
            form=Sen2CheckForm(initial={"census_date": job.result["census_date"]}),
        )
    return render_page_or_partial(request, "placements/sen2/check.html", "progress", context)


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def sen2_download(request: HttpRequest, job_id: int) -> FileResponse | HttpResponse:
    """The XML exactly as it was checked; only when it validates against the schema."""
    job = _job(job_id)
    if job.status != Job.Status.SUCCEEDED or not job.result.get("schema_valid"):
        raise Http404("This check has no valid return to download")
    return downloads.kept_file_response(
        request,
        services.job_file(job, ".xml"),
        name=f"sen2-{job.result['la_code']}-{job.result['census_date']}.xml",
        content_type="application/xml",
        object_type="sen2_return",
        about=job,
        gone="The return is no longer kept: check it again",
    )


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def sen2_extract_download(request: HttpRequest, job_id: int) -> FileResponse | HttpResponse:
    """The working extract the check wrote: the same records as its XML, one CSV per module."""
    job = _job(job_id)
    if job.status != Job.Status.SUCCEEDED:
        raise Http404("This check has not finished")
    return downloads.kept_file_response(
        request,
        services.job_file(job, "-extract.zip"),
        name=f"sen2-working-extract-{job.result['census_date']}.zip",
        content_type="application/zip",
        object_type="sen2_extract",
        about=job,
        gone="The working extract is no longer kept: check the return again",
    )
