"""Import and export pages. Thin: parse a form, call a service, render (STYLE.md, Shape 4).

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
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements import exports, roles, selectors
from placements.errors import DomainError
from placements.models import ImportRecord, Job
from placements.registry import IMPORT_KINDS, autodiscover

from . import exports as import_exports
from . import services
from .forms import ImportForm, kind_choices

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
            return redirect("placements:import_job", job_id=job.pk)
    autodiscover()
    return render(
        request,
        "placements/imports/start.html",
        {
            "form": form,
            "kinds": [(name, IMPORT_KINDS[name]) for name, _ in kind_choices()],
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
    context = {"job": job, "record": record, "nav_section": "imports"}
    template = "placements/imports/job.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)


@require_POST
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_confirm(request: HttpRequest, record_id: int) -> HttpResponse:
    checked = get_object_or_404(ImportRecord, pk=record_id, dry_run=True)
    if checked.status != ImportRecord.Status.SUCCEEDED:
        messages.error(request, "Only a file that was checked without errors can be imported.")
        return redirect("placements:import_start")
    try:
        job = services.import_start(
            kind=checked.kind, user=request.user, dry_run=False, record=checked
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("placements:import_start")
    return redirect("placements:import_job", job_id=job.pk)


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_errors(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(ImportRecord, pk=record_id)
    path = services.errors_path(record)
    if not path.exists():
        raise Http404("No errors file for this import")
    name = f"{Path(record.file_name).stem}-errors.csv"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)  # noqa: SIM115


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    autodiscover()
    if kind not in IMPORT_KINDS:
        raise Http404("No such import kind")
    response = HttpResponse(
        import_exports.template_csv(IMPORT_KINDS[kind]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
def placement_export(request: HttpRequest) -> HttpResponse:
    """The placements register in the `placements` import layout: CSV (streamed) or XLSX."""
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            f"placements-{stamp}.xlsx",
            {"Placements": (import_exports.PLACEMENT_COLUMNS, import_exports.placement_rows())},
            money_columns={"Placements": import_exports.PLACEMENT_MONEY},
        )
    return exports.csv_response(
        f"placements-{stamp}.csv",
        import_exports.PLACEMENT_COLUMNS,
        import_exports.placement_rows(),
        money_columns=import_exports.PLACEMENT_MONEY,
    )


@require_GET
@permission_required(roles.IMPORT_DATA, raise_exception=True)
def sen2_export(request: HttpRequest) -> HttpResponse:
    """A SEN2-style person-level return: a zip with one CSV per module (census date: today,
    or `?census_date=YYYY-MM-DD`)."""
    from .parsing import parse_date

    try:
        census_date = parse_date(request.GET["census_date"])
    except (KeyError, ValueError):
        census_date = timezone.localdate()
    response = HttpResponse(
        import_exports.sen2_zip(census_date=census_date), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="sen2-{census_date.isoformat()}.zip"'
    return response
