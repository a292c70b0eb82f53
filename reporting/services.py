"""Writes for reporting: dashboard snapshots, each recompute written whole in one transaction,
and the jobs that run recomputes (on request, and shortly after data changes, debounced)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.models import Job
from core.services import (
    JobBusy,
    JobProgress,
    JobStart,
    job_claim,
    job_create,
    job_fail,
    job_start_once,
    job_succeed,
)
from placements import rules

from . import builders, loader, metrics, sufficiency_services
from .loader import Frames
from .models import DashboardSnapshot

logger = logging.getLogger(__name__)

RECOMPUTE_JOB = "recompute"
REQUESTED_KEY = (
    "requested"  # one "recompute now" at a time; those a data change schedules have none
)
DEBOUNCE_SECONDS = 60


def _headline(frames: Frames, as_of: dt.date) -> dict[str, Any]:
    data = metrics.headline(frames.placements, frames.ehcps, as_of)
    # The INMSS budget is every budget line of the year that pays for INMSS placements alone
    # (the Budget dashboard links lines to setting groups by the same rule).
    lines = frames.budget_lines
    if not lines.empty:
        mine = lines[
            (lines["fy"] == data["financial_year"])
            & lines["line"].map(lambda line: metrics.budget_line_groups(line) == [rules.INMSS])
        ]
        budget = float(mine["budget"].sum())
    else:
        budget = 0.0
    data["budget_fy"] = round(budget, 2) if budget else None
    return data


DASHBOARDS: dict[str, Callable[[Frames, dt.date], dict[str, Any]]] = {
    "headline": _headline,
    **builders.builders(settings.COUNCIL_LA_NAME),
    sufficiency_services.DASHBOARD: lambda frames, as_of: sufficiency_services.sufficiency_compute(
        as_of, frames
    ),
}


def snapshots_recompute(
    *,
    as_of: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    user: User | None = None,
) -> list[DashboardSnapshot]:
    """Compute every dashboard for `as_of` from one read of each table, and store them together
    in one transaction; a failure part-way keeps every previous snapshot.

    `user` is who asked for it: None for the nightly schedule, a data change and the command line.
    """
    as_of = as_of or timezone.localdate()
    steps = len(DASHBOARDS) + 1
    if progress:
        progress(0, steps, "Reading the data")
    frames = loader.load_all()
    results: dict[str, dict[str, Any]] = {}
    for done, (name, compute) in enumerate(DASHBOARDS.items(), start=1):
        if progress:
            progress(done, steps, f"Computing {name}")
        results[name] = compute(frames, as_of)
    computed_at = timezone.now()
    with transaction.atomic():
        snapshots = [
            DashboardSnapshot.objects.update_or_create(
                dashboard=name,
                as_of=as_of,
                defaults={"computed_at": computed_at, "data": data},
            )[0]
            for name, data in results.items()
        ]
        sufficiency_services.sufficiency_scenarios_refresh()
    if progress:
        progress(steps, steps, "Done")
    return snapshots


# --- Recompute jobs --------------------------------------------------------------------------


def _queued_job() -> Job | None:
    return Job.objects.filter(kind=RECOMPUTE_JOB, status=Job.Status.QUEUED).order_by("pk").first()


def recompute_request(*, user: User | None) -> JobStart:
    """A manager's "recompute now": the recompute already running (started=False), else the one
    waiting after a data change, sent to run at once, else a new one. Every click has the same
    key, so clicks at once start one recompute; the others are shown its progress."""
    from .tasks import run_recompute_job

    queue = settings.RECOMPUTE_QUEUE

    def send(job: Job) -> None:
        run_recompute_job.apply_async(args=[job.pk], queue=queue)

    running = Job.objects.filter(kind=RECOMPUTE_JOB, status=Job.Status.RUNNING).first()
    if running is not None:
        return JobStart(running, started=False)
    waiting = _queued_job()
    if waiting is not None and waiting.key != REQUESTED_KEY:
        transaction.on_commit(lambda: send(waiting))
        return JobStart(waiting, started=False)
    return job_start_once(
        kind=RECOMPUTE_JOB,
        key=REQUESTED_KEY,
        user=user,
        result={"requested_by": user.get_username() if user else None},
        schedule=send,
    )


@transaction.atomic
def recompute_schedule(*, reason: str) -> Job | None:
    """The data changed: recompute within a minute. Debounced: while a recompute is waiting,
    further changes join it (it reads the data when it runs); None when one was waiting."""
    if _queued_job() is not None:
        return None
    job = job_create(kind=RECOMPUTE_JOB, user=None, result={"reason": reason[:200]})
    from .tasks import run_recompute_job

    job_id = job.pk
    queue = settings.RECOMPUTE_QUEUE
    transaction.on_commit(
        lambda: run_recompute_job.apply_async(
            args=[job_id], countdown=DEBOUNCE_SECONDS, queue=queue
        )
    )
    return job


def recompute_job_run(*, job_id: int) -> bool:
    """Run a recompute job, one at a time: while another recompute runs, this one is put back
    to wait a minute. False when it did not run (already done, or put back). A failure marks
    the job failed with its error, and keeps the previous snapshots."""
    alive = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    running = Job.objects.filter(
        kind=RECOMPUTE_JOB, status=Job.Status.RUNNING, started_at__gte=alive
    ).exclude(pk=job_id)
    if running.exists() and not settings.CELERY_TASK_ALWAYS_EAGER:
        from .tasks import run_recompute_job

        run_recompute_job.apply_async(
            args=[job_id], countdown=DEBOUNCE_SECONDS, queue=settings.RECOMPUTE_QUEUE
        )
        return False
    try:
        job = job_claim(job_id=job_id)
    except JobBusy:
        return False  # already running (a click sent a waiting recompute at once): that run counts
    if job is None:
        return False
    progress = JobProgress(job)
    try:
        snapshots = snapshots_recompute(progress=progress, user=job.created_by)
    except Exception as error:
        logger.exception("Recompute job %s failed", job_id)
        job_fail(
            job=job, error=error, message="The recompute failed: the previous figures are kept"
        )
        return False
    finally:
        progress.close()
    job_succeed(
        job=job,
        result={
            **job.result,
            "as_of": snapshots[0].as_of.isoformat(),
            "dashboards": len(snapshots),
        },
        message=f"Recomputed {len(snapshots)} dashboards",
    )
    return True
