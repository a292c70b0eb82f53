"""Import and export pages. Thin: parse a form, call a service, render.

Checking a file runs as a Celery job, like the import itself, so a large file never blocks a
web request: the upload page stores the file and starts a dry-run job; the job page shows its
progress and then the preview; "Import" starts the real job on the same stored file.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit, docs, downloads, roles
from core.errors import DomainError
from core.htmx import render_page_or_partial
from core.models import Job

from . import selectors, services
from .forms import ImportForm
from .models import ImportRecord
from .registry import import_kinds

HISTORY_SIZE = 20


@require_http_methods(["GET", "POST"])
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                user=request.user,
                dry_run=True,
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "imports/start.html",
        {
            "form": form,
            "kinds": selectors.import_kinds_in_order(),
            "history": selectors.imports_recent(limit=HISTORY_SIZE),
            "nav_section": "imports",
        },
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id, kind="import")
    record = job.import_records.first()
    if record is None:
        raise Http404("No import for this job")
    context = {
        "job": job,
        "record": record,
        "errors_kept": services.errors_path(record).is_file(),
        "nav_section": "imports",
    }
    return render_page_or_partial(request, "imports/job.html", "progress", context)


@require_POST
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_confirm(request: HttpRequest, record_id: int) -> HttpResponse:
    checked = get_object_or_404(ImportRecord, pk=record_id, dry_run=True)
    try:
        start = services.import_confirm(record=checked, user=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:start")
    if not start.started:
        if not start.job.finished:
            told = "This file is already being imported: this is its progress."
        elif start.job.status == Job.Status.FAILED:
            told = "The import of this file failed: this is that import, which you can start again."
        else:
            told = "This file has already been imported: this is what the import did."
        messages.info(request, told)
    return redirect("imports:job", job_id=start.job.pk)


@require_POST
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_restart(request: HttpRequest, job_id: int) -> HttpResponse:
    """Start again, on the same stored file, a job whose worker stopped."""
    job = get_object_or_404(Job, pk=job_id, kind=services.IMPORT_JOB)
    try:
        start = services.import_restart(job=job, user=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:job", job_id=job.pk)
    if not start.started:
        messages.info(request, "This import was already started again: this is that job.")
    return redirect("imports:job", job_id=start.job.pk)


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_errors(request: HttpRequest, record_id: int) -> FileResponse | HttpResponse:
    record = get_object_or_404(ImportRecord, pk=record_id)
    if not record.errors_count or record.job_id is None:  # the command line writes no file
        raise Http404("No errors file for this import")
    return downloads.kept_file_response(
        request,
        services.errors_path(record),
        name=f"{Path(record.file_name).stem}-errors.csv",
        content_type=downloads.CSV_CONTENT_TYPE,
        object_type="importrecord",
        about=record,
        gone="The errors file is no longer kept: check the file again to see its errors",
    )


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    import_kind = import_kinds().get(kind)
    if import_kind is None:
        raise Http404("No such import kind")
    audit.record(request, audit.Action.EXPORT, label=f"{kind}-template.csv", object_type="template")
    response = HttpResponse(
        downloads.csv_text(import_kind.column_names, import_kind.template_rows()),
        content_type=downloads.CSV_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_guide(request: HttpRequest) -> HttpResponse:
    """The guide to every import kind and column (`docs/imports.md`), as a page."""
    return render(
        request,
        "imports/guide.html",
        {"guide": docs.guide_html("imports"), "nav_section": "imports"},
    )
