"""Several people pressing the same job button at once, through the real views.

Each scenario sets up what the button needs, then posts from THREADS signed-in test clients at
the same moment (a barrier), each in its own thread on its own database connection, and reports
what the clicks got back and the jobs they left. Used by tests/core/test_job_clicks.py on
PostgreSQL and by tests/core/sqlite_job_clicks.py against a real SQLite file.

`tasks_held()` keeps the jobs' tasks from running (records what was sent instead), so the job
stays queued while every click lands: "exactly one job" then does not depend on timing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from core.services import WORKER_DIED
from imports.models import ImportRecord
from imports.services import import_start
from imports.tasks import run_import_job
from placements import exports
from placements.sen2 import services as sen2_services
from placements.tasks import run_register_export, run_sen2_check
from reporting import services as reporting_services
from reporting.tasks import run_recompute_job

THREADS = 4
CENSUS = "2026-01-15"
EAGER_ROWS = 3000  # an import long enough (seconds on SQLite) that every click lands while it runs


def children_csv(rows: int) -> str:
    lines = ["child_ref,first_name,last_name,date_of_birth,sex"]
    first = dt.date(2008, 1, 1)
    for n in range(rows):
        born = first + dt.timedelta(days=n % 3650)
        lines.append(f"JC{n:05d},Sam,Taylor,{born.isoformat()},{'MF'[n % 2]}")
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def tasks_held() -> Iterator[list[tuple[str, int]]]:
    """The job tasks are recorded as (task, job id) instead of sent."""
    sent: list[tuple[str, int]] = []

    def delay(name: str):
        return lambda job_id, **kwargs: sent.append((name, job_id))

    def apply_async(name: str):
        return lambda args, **kwargs: sent.append((name, args[0]))

    with (
        mock.patch.object(run_sen2_check, "delay", delay("sen2")),
        mock.patch.object(run_register_export, "delay", delay("register")),
        mock.patch.object(run_import_job, "apply_async", apply_async("import")),
        mock.patch.object(run_recompute_job, "apply_async", apply_async("recompute")),
    ):
        yield sent


def clicks_at_once(
    user, url: str, data: dict[str, str] | None = None, *, threads: int = THREADS, spread: float = 0
) -> dict[str, Any]:
    """Post `url` from `threads` clients at once (or, with `spread`, one after another within
    that many seconds): each answer's status and Location, the messages each was shown, and any
    exception (a 500 raises in the test client)."""
    clients = []
    for _ in range(threads):
        client = Client()
        client.force_login(user)
        clients.append(client)
    connection.close()
    barrier = threading.Barrier(threads)
    answers: list[tuple[int, str, list[str]]] = []
    errors: list[str] = []

    def click(client: Client, delay: float) -> None:
        try:
            barrier.wait()
            time.sleep(delay)
            response = client.post(url, data or {})
            shown = [str(m) for m in response.wsgi_request._messages]
            answers.append((response.status_code, response.get("Location", ""), shown))
        except Exception:  # noqa: BLE001 - every failure is reported, whatever it is
            errors.append(traceback.format_exc(limit=6))
        finally:
            connection.close()

    started = [
        threading.Thread(target=click, args=(client, spread * n / threads))
        for n, client in enumerate(clients)
    ]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=240)
    return {"answers": answers, "errors": errors}


def _job_url(name: str, job: Job) -> str:
    return reverse(name, args=[job.pk])


def sen2_posts(user) -> dict[str, Any]:
    clicks = clicks_at_once(user, reverse("placements:sen2_return"), {"census_date": CENSUS})
    jobs = list(Job.objects.filter(kind=sen2_services.JOB_KIND, key=CENSUS))
    return {
        **clicks,
        "jobs": len(jobs),
        "urls": [_job_url("placements:sen2_check", j) for j in jobs],
    }


def register_exports(user) -> dict[str, Any]:
    clicks = clicks_at_once(user, reverse("placements:placement_export_start"))
    jobs = list(Job.objects.filter(kind=exports.REGISTER_EXPORT_JOB, created_by=user))
    urls = [_job_url("placements:placement_export_job", j) for j in jobs]
    return {**clicks, "jobs": len(jobs), "urls": urls}


def recompute_clicks(user) -> dict[str, Any]:
    before = set(
        Job.objects.filter(kind=reporting_services.RECOMPUTE_JOB).values_list("pk", flat=True)
    )
    clicks = clicks_at_once(user, reverse("reporting:recompute"))
    jobs = list(Job.objects.filter(kind=reporting_services.RECOMPUTE_JOB).exclude(pk__in=before))
    back = "?next=" + quote(reverse("reporting:index"), safe="")  # no page said where to return
    urls = [_job_url("reporting:recompute_job", j) + back for j in jobs]
    return {**clicks, "jobs": len(jobs), "urls": urls, "statuses": [j.status for j in jobs]}


def checked_file(user, media_root: Path, rows: int = 3) -> ImportRecord:
    """A children file checked without errors (its check run to the end, as a worker would)."""
    upload = SimpleUploadedFile(
        "children.csv", children_csv(rows).encode(), content_type="text/csv"
    )
    job = import_start(kind="children", uploaded_file=upload, user=user)
    if not Job.objects.get(pk=job.pk).finished:  # tasks held or not eager: run the check here
        from imports.services import import_job_run

        import_job_run(job_id=job.pk)
    record = ImportRecord.objects.get(job=job)
    assert record.status == ImportRecord.Status.SUCCEEDED, record.errors[:3]
    return record


def import_confirms(
    user, checked: ImportRecord, *, threads: int = THREADS, spread: float = 0
) -> dict[str, Any]:
    url = reverse("imports:confirm", args=[checked.pk])
    clicks = clicks_at_once(user, url, threads=threads, spread=spread)
    records = list(ImportRecord.objects.filter(stored_file=checked.stored_file, dry_run=False))
    jobs = [record.job for record in records if record.job is not None]
    return {
        **clicks,
        "jobs": len(jobs),
        "urls": [_job_url("imports:job", j) for j in jobs],
        "statuses": [j.status for j in jobs],
        "created": [record.created for record in records],
    }


def failed_import(user, media_root: Path) -> Job:
    """A real import whose worker died: failed, its file still kept."""
    checked = checked_file(user, media_root)
    with tasks_held():
        job = import_start(kind="children", user=user, dry_run=False, record=checked)
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, error=WORKER_DIED, started_at=now, finished_at=now
    )
    ImportRecord.objects.filter(job=job).update(status=ImportRecord.Status.FAILED)
    return Job.objects.get(pk=job.pk)


def import_restarts(user, failed: Job) -> dict[str, Any]:
    clicks = clicks_at_once(user, reverse("imports:restart", args=[failed.pk]))
    jobs = list(Job.objects.filter(kind="import", key=failed.key).exclude(pk=failed.pk))
    return {**clicks, "jobs": len(jobs), "urls": [_job_url("imports:job", j) for j in jobs]}
