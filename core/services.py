"""Writes every app shares: jobs a user starts and the progress the page shows for them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from .models import Job


def job_create(*, kind: str, user: User | None, result: dict[str, Any]) -> Job:
    """A queued job; `result` holds what the page needs before the job has run."""
    return Job.objects.create(
        kind=kind,
        created_by=user,
        message="Waiting to start",
        result=result,
    )


def job_claim(*, job_id: int) -> Job | None:
    """Mark a queued job running; None when it has already run or is running (so a task that is
    delivered twice does the work once)."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_succeed(*, job: Job, result: dict[str, Any], message: str = "Finished") -> None:
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED,
        result=result,
        progress_done=job.progress_total or 1,
        message=message[:300],
        finished_at=timezone.now(),
    )


def job_fail(*, job: Job, error: BaseException | str, message: str) -> None:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, error=text, message=message[:300], finished_at=timezone.now()
    )


class JobProgress:
    """Writes a job's progress to its row, at most once per percent.

    Inside a transaction (an import writes in one) the update goes through a second connection
    on PostgreSQL, so the page sees progress before the commit; on SQLite it shows at the end.
    """

    def __init__(self, job: Job):
        self.job = job
        self.other: BaseDatabaseWrapper | None = None
        self.last = -1

    def __call__(self, done: int, total: int, message: str) -> None:
        percent = round(100 * done / total) if total else 0
        if percent == self.last and done not in (0, total):
            return
        self.last = percent
        connection = connections["default"]
        if connection.in_atomic_block and connection.vendor == "postgresql":
            if self.other is None:
                self.other = connections.create_connection("default")
            with self.other.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} "  # noqa: S608 - a constant table name
                    "SET progress_done=%s, progress_total=%s, message=%s WHERE id=%s",
                    [done, total, message[:300], self.job.pk],
                )
            return
        if connection.in_atomic_block:
            return
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=done, progress_total=total, message=message[:300]
        )

    def close(self) -> None:
        if self.other is not None:
            self.other.close()
            self.other = None
