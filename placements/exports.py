"""Exports: the placements register (CSV/XLSX, re-importable) and import templates. The SEN2
return and its working extract are in placements/sen2/ (docs/sen2.md).

A register longer than `XLSX_MAX_ROWS` is written by a job (a national register takes minutes
to write, longer than a request may run) to MEDIA_ROOT/exports/, with its progress on a page.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from core import downloads
from core.idempotency import submit_once
from core.models import Job
from core.services import JobProgress, JobStart, job_claim, job_fail, job_start_once, job_succeed
from placements.models import Placement

logger = logging.getLogger(__name__)

REGISTER_EXPORT_JOB = "register-export"
STORE_DIR = "exports"
PROGRESS_EVERY = 20_000

PLACEMENT_COLUMNS = [
    "child_ref",
    "provider_urn",
    "setting_type",
    "start_date",
    "end_date",
    "annual_cost",
    "additional_cost",
    "attendance_pattern",
    "reason",
]
PLACEMENT_MONEY = (5, 6)


XLSX_MAX_ROWS = 100_000
"""Above this, a spreadsheet of the register takes minutes to build and passes what Excel opens
comfortably: the XLSX is refused and the CSV (streamed, any size) offered instead."""


def placement_count_over_xlsx_limit() -> bool:
    """Whether the register is too long for the XLSX download (counts at most one row past it)."""
    return Placement.objects.filter(withdrawn=False)[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS


def placement_rows() -> Iterator[list]:
    """Rows in the `placements` import layout, so an export re-imports cleanly (withdrawn left out)."""
    queryset = (
        Placement.objects.filter(withdrawn=False)
        .order_by("child__child_ref", "start_date", "id")
        .values_list(
            "child__child_ref",
            "provider__urn",
            "setting_type",
            "start_date",
            "end_date",
            "annual_cost",
            "additional_cost",
            "attendance_pattern",
            "reason",
        )
    )
    for row in queryset.iterator(chunk_size=2000):
        yield list(row)


def export_file(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / STORE_DIR / f"job-{job.pk}.csv"


def register_export_start(
    *, user: User | None, submission_token: uuid.UUID | None = None
) -> JobStart:
    """Schedule writing the whole register as CSV; its page shows the progress, then the file.
    One at a time per person (the register has no filters): while theirs is queued or running,
    that one; and the button's `submission_token` makes a double click one job even when the
    first has already finished (core.idempotency)."""
    from placements.tasks import run_register_export

    starts: list[JobStart] = []

    def start() -> Job:
        begun = job_start_once(
            kind=REGISTER_EXPORT_JOB,
            key=f"user-{user.pk if user else 0}",
            user=user,
            result={},
            schedule=lambda job: run_register_export.delay(job.pk),
        )
        starts.append(begun)
        return begun.job

    job = submit_once(token=submission_token, user=user, model=Job, create=start)
    return starts[0] if starts else JobStart(job, started=False)


def register_export_run(*, job_id: int) -> dict[str, Any]:
    """Write the register a Job stands for (the same rows and cells as the streamed CSV). A
    finished job is left as it is; a failed one leaves no file behind."""
    job = job_claim(job_id=job_id)
    if job is None:
        finished: dict[str, Any] = Job.objects.get(pk=job_id).result
        return finished
    progress = JobProgress(job)
    path = export_file(job)
    partial = path.with_suffix(".part")
    try:
        total = Placement.objects.filter(withdrawn=False).count()
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as out:
            written = downloads.csv_write(
                out,
                PLACEMENT_COLUMNS,
                placement_rows(),
                money_columns=PLACEMENT_MONEY,
                every=PROGRESS_EVERY,
                on_rows=lambda n: progress(n, total, f"{n:,} of {total:,} placements written"),
            )
        partial.replace(path)
    except Exception as error:
        logger.exception("Register export %s failed", job_id)
        partial.unlink(missing_ok=True)
        job_fail(job=job, error=error, message="The register could not be written")
        return {"ok": False}
    finally:
        progress.close()
    result = {"ok": True, "rows": written}
    job_succeed(job=job, result=result, message=f"{written:,} placements written")
    return result
