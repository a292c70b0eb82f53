"""Writes every app shares: jobs a user starts and the progress the page shows for them.

One click, one job: a job that stands for something (a census date's return, a stored file, a
user's register download) is started with `job_start_once`, which gives the queued or running
job of that kind and key if there is one; a partial unique constraint on (kind, key) over
unfinished jobs makes that hold for posts at the same moment, on PostgreSQL and on SQLite.

Dead workers: a running job writes `heartbeat_at` every JOB_HEARTBEAT_SECONDS (`JobProgress`).
A worker that is killed, runs out of memory or hits its time limit stops writing it;
`jobs_reap` (a beat task every minute) marks a RUNNING job silent for JOB_HEARTBEAT_TIMEOUT
seconds as failed, and `job_claim` lets a redelivered task of such a job run it again. Imports
write in one transaction, so a dead worker has written nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone

from .errors import DomainError
from .models import Job
from .signals import jobs_reaped

logger = logging.getLogger(__name__)

WORKER_DIED = (
    "The worker stopped while running this job (it was stopped, ran out of memory or ran "
    "out of time); nothing was written. Start it again."
)


UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)
DATABASE_BUSY = (
    "Another job is writing to the database and it did not finish in time: try again in a minute."
)


class JobBusy(Exception):
    """The job is running with a live heartbeat: a second delivery of its task should wait and
    try again (the first worker may have just died; its heartbeat goes stale in
    JOB_HEARTBEAT_TIMEOUT seconds)."""


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)


def _stale_running() -> Q:
    """RUNNING, and silent for JOB_HEARTBEAT_TIMEOUT (or never beat since it started then)."""
    before = _stale_before()
    return Q(status=Job.Status.RUNNING) & (
        Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, started_at__lt=before)
    )


def job_create(*, kind: str, user: User | None, result: dict[str, Any]) -> Job:
    """A queued job; `result` holds what the page needs before the job has run."""
    return Job.objects.create(
        kind=kind,
        created_by=user,
        message="Waiting to start",
        result=result,
    )


@dataclasses.dataclass(frozen=True)
class JobStart:
    """The job a click leads to, and whether this click started it (False: it was already
    queued or running, or another click started it at the same moment)."""

    job: Job
    started: bool


def job_latest(*, kind: str, key: str) -> Job | None:
    """The newest job of `kind` for `key`, whatever its state."""
    return Job.objects.filter(kind=kind, key=key).order_by("-pk").first()


def job_start_once(
    *,
    kind: str,
    key: str,
    user: User | None,
    result: dict[str, Any],
    schedule: Callable[[Job], None],
    prepare: Callable[[Job], None] | None = None,
) -> JobStart:
    """The queued or running job of `kind` for `key`, else a new queued one: `prepare(job)` runs
    in the transaction that creates it (rows that belong to the job) and `schedule(job)` once
    that commits (send the task). Several posts at once make one job, on both databases: the
    first read takes no lock, and a create that loses the race to the unique constraint (or, on
    SQLite, waits past its timeout behind a job that writes) answers with the job that won.
    DomainError(DATABASE_BUSY) only when SQLite's lock timed out and no such job exists."""
    if not key:
        raise ValueError("job_start_once needs a key")
    existing = Job.objects.filter(kind=kind, key=key, status__in=UNFINISHED).first()
    if existing is not None:
        return JobStart(existing, started=False)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind, key=key, created_by=user, message="Waiting to start", result=result
            )
            if prepare is not None:
                prepare(job)
    except IntegrityError:
        # Another post created it first (the constraint waits for its commit): that one.
        winner = job_latest(kind=kind, key=key)
        if winner is None:
            raise
        return JobStart(winner, started=False)
    except OperationalError as error:
        if connections["default"].vendor != "sqlite" or "locked" not in str(error):
            raise
        busy = Job.objects.filter(kind=kind, key=key, status__in=UNFINISHED).first()
        if busy is None:
            raise DomainError(DATABASE_BUSY) from error
        return JobStart(busy, started=False)
    # After the commit (at once outside a transaction); in eager mode the job runs here.
    transaction.on_commit(lambda: schedule(job))
    return JobStart(job, started=True)


def job_claim(*, job_id: int) -> Job | None:
    """Mark a job running and return it; None when it has finished; JobBusy when it is running
    with a live heartbeat (so a task delivered twice does the work once). A job whose worker died (RUNNING
    with a stale heartbeat, or FAILED by the reaper) is claimed again, so the redelivered task
    runs it, unless another job of its key was started since. One atomic UPDATE … WHERE: two
    deliveries at once cannot both claim it."""
    now = timezone.now()
    claimable = (
        Q(status=Job.Status.QUEUED)
        | _stale_running()
        | Q(status=Job.Status.FAILED, error=WORKER_DIED)
    )
    try:
        with transaction.atomic():
            claimed = Job.objects.filter(claimable, pk=job_id).update(
                status=Job.Status.RUNNING,
                started_at=now,
                heartbeat_at=now,
                finished_at=None,
                error="",
                progress_done=0,
                message="Starting",
            )
    except IntegrityError:
        # A failed job whose key another job has taken since (started again): that one runs.
        return None
    if claimed:
        return Job.objects.get(pk=job_id)
    if Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).exists():
        raise JobBusy(f"Job {job_id} is running")
    return None


def jobs_reap(*, kind: str = "") -> int:
    """Mark every RUNNING job (of `kind`, when given) whose heartbeat is older than
    JOB_HEARTBEAT_TIMEOUT as failed, saying the worker stopped. Returns how many."""
    silent = _stale_running() & (Q(kind=kind) if kind else Q())
    reaped = list(Job.objects.filter(silent).values_list("pk", flat=True))
    if not reaped:
        return 0
    Job.objects.filter(silent, pk__in=reaped).update(
        status=Job.Status.FAILED,
        error=WORKER_DIED,
        message="The worker stopped",
        finished_at=timezone.now(),
    )
    jobs_reaped.send(sender=Job, job_ids=reaped)
    return len(reaped)


def job_supersede(*, job: Job, by: Job) -> None:
    """A failed job that was started again as `by`: a late redelivery of its task does nothing."""
    Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        error=f"{job.error} Started again as job {by.pk}."[:2000]
    )


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


_IN_BACKGROUND = threading.Lock()


def job_run_in_background(run: Callable[[], object], *, delay: float = 0) -> threading.Thread:
    """Without a worker (Celery eager, as `make demo` runs): run a job's work in a thread of this
    process, `delay` seconds from now and one job at a time, so the request that started it
    answers at once and the page shows the job's progress. The thread closes its database
    connections when it ends. Should the process stop first, the job stays queued or goes
    silent; whoever starts that work next runs it again (the job's service decides how)."""

    def target() -> None:
        try:
            if delay > 0:
                time.sleep(delay)
            with _IN_BACKGROUND:
                run()
        except Exception:
            logger.exception("A job run in the background failed")
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name="job-in-background", daemon=True)
    thread.start()
    return thread


class JobProgress:
    """Writes a job's progress to its row, at most once per percent.

    Inside a transaction (an import writes in one) the update goes through a second connection
    on PostgreSQL, so the page sees progress before the commit; on SQLite it shows at the end.
    """

    def __init__(self, job: Job):
        self.job = job
        self.other: BaseDatabaseWrapper | None = None
        self.last = -1
        self.last_beat = time.monotonic()

    def __call__(self, done: int, total: int, message: str) -> None:
        percent = round(100 * done / total) if total else 0
        beat_due = time.monotonic() - self.last_beat >= settings.JOB_HEARTBEAT_SECONDS
        if percent == self.last and done not in (0, total) and not beat_due:
            return
        self.last = percent
        self.last_beat = time.monotonic()
        now = timezone.now()
        connection = connections["default"]
        if connection.in_atomic_block and connection.vendor == "postgresql":
            if self.other is None:
                self.other = connections.create_connection("default")
            with self.other.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} "  # noqa: S608 - a constant table name
                    "SET progress_done=%s, progress_total=%s, message=%s, heartbeat_at=%s "
                    "WHERE id=%s",
                    [done, total, message[:300], now, self.job.pk],
                )
            return
        if connection.in_atomic_block:
            # SQLite: one writer at a time, and the import holds the write lock. The job's
            # heartbeat timeout must cover a write pass there (local use only).
            return
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=done, progress_total=total, message=message[:300], heartbeat_at=now
        )

    def close(self) -> None:
        if self.other is not None:
            self.other.close()
            self.other = None
