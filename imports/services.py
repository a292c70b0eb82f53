"""Writes for imports: run an import (command line or Celery job), start one from an upload."""

from __future__ import annotations

import csv
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from core import downloads
from core.errors import DomainError
from core.models import Job
from core.services import (
    WORKER_DIED,
    JobProgress,
    JobStart,
    job_claim,
    job_fail,
    job_latest,
    job_start_once,
    job_succeed,
    job_supersede,
)

from . import base
from .models import ImportRecord
from .readers import FileFormatError, check_file_size
from .registry import import_kinds
from .signals import import_completed

logger = logging.getLogger(__name__)
UPLOAD_DIR = "imports"
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".txt")


def import_kind(name: str) -> base.ImportKind:
    kinds = import_kinds()
    try:
        return kinds[name]
    except KeyError as error:
        known = ", ".join(sorted(kinds))
        raise DomainError(
            {"kind": f"'{name}' is not an import kind. Choose one of: {known}"}
        ) from error


def errors_path(record: ImportRecord) -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / f"import-{record.pk}-errors.csv"


def _write_errors_csv(record: ImportRecord, result: base.ImportResult) -> None:
    """The first IMPORT_MAX_ERRORS errors, a line at a time, formulas neutralised; a last line
    says how many more there were."""
    path = errors_path(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "value", "reason"])
        for error in result.errors[: settings.IMPORT_MAX_ERRORS]:
            writer.writerow(
                downloads.csv_line([error.row, error.column, error.value, error.reason])
            )
        listed = min(len(result.errors), settings.IMPORT_MAX_ERRORS)
        if result.errors_count > listed:
            more = result.errors_count - listed
            writer.writerow(
                ["", "", "", f"and {more:,} more errors: correct these and check the file again"]
            )


def import_run(
    *,
    kind: str,
    path: str | Path,
    filename: str,
    user: User | None,
    dry_run: bool = False,
    progress: base.Progress | None = None,
    record: ImportRecord | None = None,
) -> base.ImportResult:
    """Validate a file and, if every row is good and this is not a dry run, import it whole.

    Records the run as an `ImportRecord`. A file with any bad row writes nothing. After a
    successful import, `import_completed` is sent once the transaction commits.
    """
    import_kind_ = import_kind(kind)
    if record is None:
        record = ImportRecord.objects.create(
            kind=kind,
            file_name=filename[:255],
            user=user,
            dry_run=dry_run,
        )
    record.status = ImportRecord.Status.RUNNING
    record.started_at = timezone.now()
    record.save(update_fields=["status", "started_at"])
    try:
        result = base.run(
            kind=import_kind_,
            path=path,
            filename=filename,
            user=user,
            dry_run=dry_run,
            progress=progress,
        )
    except (FileFormatError, base.ImportChangedError) as error:
        errors = getattr(error, "errors", None) or [base.RowError(1, "", "", str(error))]
        result = base.ImportResult(kind=kind, filename=filename, dry_run=dry_run, errors=errors)
    except IntegrityError as error:
        logger.warning("The database refused import %s: %s", record.pk, error)
        reason = (
            "the database refused the import because of a clash with records already stored, "
            "which may have changed since the file was checked. Nothing was written: check the "
            "file again"
        )
        result = base.ImportResult(
            kind=kind, filename=filename, dry_run=dry_run, errors=[base.RowError(1, "", "", reason)]
        )
    except Exception as error:
        record.status = ImportRecord.Status.FAILED
        record.failure = f"{type(error).__name__}: {error}"
        record.finished_at = timezone.now()
        record.save(update_fields=["status", "failure", "finished_at"])
        raise
    result.record_id = record.pk
    record.status = ImportRecord.Status.SUCCEEDED if result.ok else ImportRecord.Status.REJECTED
    record.rows_read = result.rows_read
    record.created = result.created
    record.updated = result.updated
    record.errors_count = result.errors_count
    record.errors = [e.as_dict() for e in result.errors[: settings.IMPORT_MAX_ERRORS]]
    record.unknown_columns = result.unknown_columns
    record.warnings = result.warnings
    record.finished_at = timezone.now()
    record.save()
    if result.errors and record.stored_file:
        _write_errors_csv(record, result)
    if result.ok and not dry_run:
        transaction.on_commit(
            lambda: import_completed.send(sender=ImportRecord, kind=kind, result=result)
        )
    return result


def _store_upload(uploaded_file: UploadedFile) -> tuple[str, str]:
    original = Path(uploaded_file.name or "").name
    if not original.lower().endswith(ALLOWED_SUFFIXES):
        raise DomainError({"file": "The file must be a CSV or an XLSX spreadsheet"})
    try:
        check_file_size(uploaded_file.size or 0)
    except FileFormatError as error:
        raise DomainError({"file": str(error)}) from error
    safe = get_valid_filename(original)[:120] or "upload.csv"
    relative = f"{UPLOAD_DIR}/{uuid.uuid4().hex}-{safe}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        for piece in uploaded_file.chunks():
            handle.write(piece)
    return relative, original


IMPORT_JOB = "import"


def _import_job_key(relative: str, *, dry_run: bool) -> str:
    """One check and one import at a time per stored file (its name is unique to its upload)."""
    return f"{'check' if dry_run else 'import'}:{relative}"[:200]


class _AlreadyConfirmed(Exception):
    """The checked file's Import was pressed by another post first: undo this job's creation."""


def _import_job_start(
    *,
    kind: str,
    relative: str,
    original: str,
    user: User | None,
    dry_run: bool,
    confirming: ImportRecord | None = None,
) -> JobStart:
    """The queued or running job that checks (or imports) this stored file, else a new one with
    its ImportRecord, the task sent once both are committed. With `confirming` (the check), the
    check is marked confirmed in the transaction that creates the job, only if no other post
    marked it first (else _AlreadyConfirmed, and nothing is created)."""
    from .tasks import run_import_job

    queue = settings.IMPORTS_QUEUE

    def record_for(job: Job) -> None:
        if confirming is not None:
            unconfirmed = ImportRecord.objects.filter(pk=confirming.pk, confirmed_job__isnull=True)
            if not unconfirmed.update(confirmed_job=job):
                raise _AlreadyConfirmed
        ImportRecord.objects.create(
            kind=kind,
            file_name=original[:255],
            stored_file=relative,
            user=user,
            job=job,
            dry_run=dry_run,
        )

    return job_start_once(
        kind=IMPORT_JOB,
        key=_import_job_key(relative, dry_run=dry_run),
        user=user,
        result={"import_kind": kind, "file_name": original, "dry_run": dry_run},
        prepare=record_for,
        schedule=lambda job: run_import_job.apply_async(args=[job.pk], queue=queue),
    )


def _checked_file(record: ImportRecord) -> str:
    relative = record.stored_file
    if not relative or not (Path(settings.MEDIA_ROOT) / relative).exists():
        raise DomainError("The checked file is no longer available: upload it again")
    return relative


def import_start(
    *,
    kind: str,
    uploaded_file: UploadedFile | None = None,
    user: User | None,
    dry_run: bool = True,
    record: ImportRecord | None = None,
) -> Job:
    """Store the upload under MEDIA_ROOT/imports/ and schedule the import as a Celery job.

    With `record` (a finished dry run), import the file that was checked, for real, once: the
    import already started for it, if there is one (`import_confirm`).
    """
    import_kind(kind)
    if record is not None and not dry_run:
        return import_confirm(record=record, user=user).job
    if record is not None:
        relative, original = _checked_file(record), record.file_name
    elif uploaded_file is None:
        raise DomainError({"file": "Select a file to import"})
    else:
        relative, original = _store_upload(uploaded_file)
    return _import_job_start(
        kind=kind, relative=relative, original=original, user=user, dry_run=dry_run
    ).job


def _confirmed_import(record: ImportRecord) -> Job | None:
    """The import a check's Import button started, whatever its state; after a "Start again",
    the job that started it again (the newest import of the same stored file). None while the
    check is not confirmed."""
    confirmed = ImportRecord.objects.filter(pk=record.pk).values_list("confirmed_job", flat=True)
    job_id = confirmed.first()
    if job_id is None:
        return None
    key = _import_job_key(record.stored_file, dry_run=False) if record.stored_file else ""
    newest = job_latest(kind=IMPORT_JOB, key=key) if key else None
    if newest is not None and newest.pk >= job_id:
        return newest
    return Job.objects.filter(pk=job_id).first()


def import_confirm(*, record: ImportRecord, user: User | None) -> JobStart:
    """Import, for real, the file a dry run checked. Once per check: the check is marked
    confirmed in the transaction that creates its import job (a conditional UPDATE), so a post
    that comes at the same moment, or at any time after (while that import is queued or running,
    or after it succeeded or failed), leads to that import instead."""
    if not record.dry_run or record.status != ImportRecord.Status.SUCCEEDED:
        raise DomainError("Only a file that was checked without errors can be imported.")
    if (confirmed := _confirmed_import(record)) is not None:
        return JobStart(confirmed, started=False)
    relative = _checked_file(record)
    import_kind(record.kind)
    try:
        start = _import_job_start(
            kind=record.kind,
            relative=relative,
            original=record.file_name,
            user=user,
            dry_run=False,
            confirming=record,
        )
    except (_AlreadyConfirmed, DomainError):
        # Another post confirmed it first (on SQLite, maybe while this one waited for the lock).
        if (confirmed := _confirmed_import(record)) is not None:
            return JobStart(confirmed, started=False)
        raise
    if not start.started:  # an import of this file already queued or running: it is this one
        ImportRecord.objects.filter(pk=record.pk, confirmed_job__isnull=True).update(
            confirmed_job=start.job
        )
    return start


def import_restart(*, job: Job, user: User | None) -> JobStart:
    """Start again, on the same stored file, an import whose worker died (or that failed). Once:
    a job started again already (by another click, at once or before) is the one to show."""
    if job.status != Job.Status.FAILED:
        raise DomainError("Only a job that failed can be started again")
    record = ImportRecord.objects.filter(job=job).first()
    if record is None:
        raise DomainError("This job has no import to start again")
    if record.stored_file:
        key = _import_job_key(record.stored_file, dry_run=record.dry_run)
        later = Job.objects.filter(kind=IMPORT_JOB, key=key, pk__gt=job.pk).order_by("-pk")
        if (restarted := later.first()) is not None:
            return JobStart(restarted, started=False)
    start = _import_job_start(
        kind=record.kind,
        relative=_checked_file(record),
        original=record.file_name,
        user=user,
        dry_run=record.dry_run,
    )
    job_supersede(job=job, by=start.job)
    return start


def imports_fail_reaped(*, job_ids: list[int]) -> int:
    """The imports of jobs the reaper failed: failed too, saying why."""
    return ImportRecord.objects.filter(
        job_id__in=job_ids,
        status__in=[ImportRecord.Status.QUEUED, ImportRecord.Status.RUNNING],
    ).update(status=ImportRecord.Status.FAILED, failure=WORKER_DIED, finished_at=timezone.now())


def uploads_forget(*, paths: list[str]) -> int:
    """The retention rule (core.retention) deleted these files: the imports that stored them
    forget them (the records stay: who imported what, and when). Returns how many."""
    return ImportRecord.objects.filter(stored_file__in=paths).update(stored_file="")


def import_job_run(*, job_id: int) -> dict[str, Any]:
    """Run the import a Job stands for. Idempotent: a finished job is left as it is."""
    job = job_claim(job_id=job_id)
    if job is None:
        finished: dict[str, Any] = Job.objects.get(pk=job_id).result
        return finished
    record = ImportRecord.objects.select_related("user").get(job=job)
    progress = JobProgress(job)
    try:
        result = import_run(
            kind=record.kind,
            path=Path(settings.MEDIA_ROOT) / record.stored_file,
            filename=record.file_name,
            user=record.user,
            dry_run=record.dry_run,
            progress=progress,
            record=record,
        )
    except Exception as error:
        logger.exception("Import job %s failed", job_id)
        job_fail(job=job, error=error, message="The import failed: nothing was written")
        return {**job.result, "ok": False, "failure": f"{type(error).__name__}: {error}"}
    finally:
        progress.close()
    summary = {**job.result, **result.summary()}
    job_succeed(
        job=job,
        result=summary,
        message="Finished" if result.ok else "The file has errors: nothing was written",
    )
    return summary
