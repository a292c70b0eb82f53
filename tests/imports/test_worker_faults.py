"""Fault tests on a real worker: the worker is killed in the middle of writing a big import.

Nothing is half-written (an import writes in one transaction); the reaper marks the job failed
once its heartbeat is stale; and when only the worker's child process dies (as the kernel's
out-of-memory killer does), the task goes back on the queue (acks_late and
reject_on_worker_lost) and runs again to the end. Needs REDIS_URL and PostgreSQL (CI)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Job
from core.services import WORKER_DIED, jobs_reap
from imports.models import ImportRecord
from imports.services import import_start
from placements.models import Child

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROWS = 60_000


def _children_file() -> SimpleUploadedFile:
    lines = ["child_ref,first_name,last_name,date_of_birth,sex"]
    lines += [f"WF{n:06d},Sam,Taylor,2012-03-14,M" for n in range(ROWS)]
    return SimpleUploadedFile("big.csv", "\n".join(lines).encode(), content_type="text/csv")


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait(condition, what: str, timeout: float = 180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"Gave up waiting for {what}")


def _writing(job: Job) -> bool:
    job.refresh_from_db()
    assert job.status != Job.Status.SUCCEEDED, (
        f"the import finished before it could be killed: {ROWS} rows are too few"
    )
    return job.message.startswith("Imported")


def test_a_killed_worker_writes_nothing_and_the_reaper_fails_its_job(
    celery_worker_to_kill, commissioner, settings
):
    worker = celery_worker_to_kill(JOB_HEARTBEAT_SECONDS="1")
    job = import_start(
        kind="children", uploaded_file=_children_file(), user=commissioner, dry_run=False
    )
    _wait(lambda: _writing(job), "the import to start writing")

    for pid in [*_children_of(worker.pid), worker.pid]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)

    assert Child.objects.count() == 0
    settings.JOB_HEARTBEAT_TIMEOUT = 2
    _wait(jobs_reap, "the reaper to find the job", timeout=30)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == WORKER_DIED
    assert ImportRecord.objects.get(job=job).status == ImportRecord.Status.FAILED
    assert Child.objects.count() == 0


def test_a_task_whose_worker_process_died_is_redelivered_and_runs_to_the_end(
    celery_worker_to_kill, commissioner
):
    worker = celery_worker_to_kill(JOB_HEARTBEAT_SECONDS="1", JOB_HEARTBEAT_TIMEOUT="3")
    job = import_start(
        kind="children", uploaded_file=_children_file(), user=commissioner, dry_run=False
    )
    _wait(lambda: _writing(job), "the import to start writing")

    pool = _children_of(worker.pid)
    assert pool, "the worker has no child process"
    for pid in pool:
        os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer would

    def finished() -> bool:
        job.refresh_from_db()
        return job.finished

    _wait(finished, "the redelivered task to finish the import", timeout=300)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert Child.objects.count() == ROWS
    assert worker.poll() is None  # the worker itself lived on
