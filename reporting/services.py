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
    job_fail,
    job_run_in_background,
    job_start_once,
    job_succeed,
    jobs_reap,
)
from placements import rules

from . import builders, loader, metrics, sufficiency_services
from .loader import Frames
from .models import DashboardSnapshot, FiguresChange

logger = logging.getLogger(__name__)

RECOMPUTE_JOB = "recompute"
REQUESTED_KEY = "requested"  # one "recompute now" at a time
CHANGED_KEY = "changed"  # one recompute waiting after data changes; further changes join it


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
    Each snapshot's `computed_at` is when the data was read: a change recorded since then is
    one the figures may miss (FiguresChange); those before it are deleted with the write.
    """
    as_of = as_of or timezone.localdate()
    steps = len(DASHBOARDS) + 1
    if progress:
        progress(0, steps, "Reading the data")
    read_at = timezone.now()
    frames = loader.load_all()
    results: dict[str, dict[str, Any]] = {}
    for done, (name, compute) in enumerate(DASHBOARDS.items(), start=1):
        if progress:
            progress(done, steps, f"Computing {name}")
        results[name] = compute(frames, as_of)
    with transaction.atomic():
        snapshots = [
            DashboardSnapshot.objects.update_or_create(
                dashboard=name,
                as_of=as_of,
                defaults={"computed_at": read_at, "data": data},
            )[0]
            for name, data in results.items()
        ]
        if as_of >= timezone.localdate():  # the latest figures: they include these changes
            FiguresChange.objects.filter(at__lt=read_at).delete()
        sufficiency_services.sufficiency_scenarios_refresh()
    if progress:
        progress(steps, steps, "Done")
    return snapshots


# --- Changes and recompute jobs -------------------------------------------------------------


def figures_change_record(*, what: str) -> FiguresChange:
    """Data the figures depend on changed (sent once it committed): the dashboards computed
    before now say so, with how many changes they miss, until the next recompute."""
    return FiguresChange.objects.create(what=what[:200])


def _queued_job() -> Job | None:
    return Job.objects.filter(kind=RECOMPUTE_JOB, status=Job.Status.QUEUED).order_by("pk").first()


def _send(job_id: int, *, countdown: int = 0) -> None:
    """Run the recompute job in `countdown` seconds: on the worker, or without one (Celery eager,
    `make demo`) in a thread of this process, so no request waits for it."""
    if settings.REPORTING_RECOMPUTE_IN_BACKGROUND:
        job_run_in_background(lambda: recompute_job_run(job_id=job_id), delay=countdown)
        return
    from .tasks import run_recompute_job

    timing = {"countdown": countdown} if countdown else {}
    run_recompute_job.apply_async(args=[job_id], queue=settings.RECOMPUTE_QUEUE, **timing)


def _lost(job: Job) -> bool:
    """Queued long after it should have started: the message or the thread that was to run it
    was lost (a restart). Sending it again is safe: a job runs once (core.services.job_claim)."""
    late = dt.timedelta(
        seconds=settings.REPORTING_RECOMPUTE_DEBOUNCE_SECONDS + settings.JOB_HEARTBEAT_TIMEOUT
    )
    return job.status == Job.Status.QUEUED and job.created_at < timezone.now() - late


def _reap_without_a_worker() -> None:
    """Without a worker no beat runs the reaper: a recompute whose thread stopped with its
    process (silent for JOB_HEARTBEAT_TIMEOUT) is marked failed here, so it blocks nothing.
    Recomputes only: an import on SQLite writes no heartbeat while it holds the write lock."""
    if settings.REPORTING_RECOMPUTE_IN_BACKGROUND:
        jobs_reap(kind=RECOMPUTE_JOB)


def recompute_request(*, user: User | None) -> JobStart:
    """A "recompute now" (anyone who can read the dashboards): the recompute already running
    (started=False), else the one waiting after a data change, sent to run at once, else a new
    one. Every click has the same key, so clicks at once start one recompute; the others are
    shown its progress."""
    _reap_without_a_worker()
    running = Job.objects.filter(kind=RECOMPUTE_JOB, status=Job.Status.RUNNING).first()
    if running is not None:
        return JobStart(running, started=False)
    waiting = _queued_job()
    if waiting is not None and (waiting.key != REQUESTED_KEY or _lost(waiting)):
        waiting_id = waiting.pk
        transaction.on_commit(lambda: _send(waiting_id))
        return JobStart(waiting, started=False)
    return job_start_once(
        kind=RECOMPUTE_JOB,
        key=REQUESTED_KEY,
        user=user,
        result={"requested_by": user.get_username() if user else None},
        schedule=lambda job: _send(job.pk),
    )


def recompute_schedule(*, reason: str) -> Job | None:
    """The data changed: recompute in REPORTING_RECOMPUTE_DEBOUNCE_SECONDS, with a worker or
    without. Debounced: while a recompute waits, further changes join it (it reads the data when
    it runs), and changes made while one runs start the next when it ends. The new job, or None
    when the change joined one."""
    _reap_without_a_worker()
    start = job_start_once(
        kind=RECOMPUTE_JOB,
        key=CHANGED_KEY,
        user=None,
        result={"reason": reason[:200]},
        schedule=lambda job: _send(job.pk, countdown=settings.REPORTING_RECOMPUTE_DEBOUNCE_SECONDS),
    )
    if start.started:
        return start.job
    if _lost(start.job):
        lost_id = start.job.pk
        transaction.on_commit(lambda: _send(lost_id))
    return None


def recompute_job_run(*, job_id: int) -> bool:
    """Run a recompute job, one at a time: while another recompute runs, this one is put back
    to wait a minute. False when it did not run (already done, or put back). A failure marks
    the job failed with its error, and keeps the previous snapshots. Changes made while it ran
    schedule the next recompute."""
    alive = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    running = Job.objects.filter(
        kind=RECOMPUTE_JOB, status=Job.Status.RUNNING, started_at__gte=alive
    ).exclude(pk=job_id)
    if running.exists() and not settings.CELERY_TASK_ALWAYS_EAGER:
        _send(job_id, countdown=settings.REPORTING_RECOMPUTE_DEBOUNCE_SECONDS)
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
    read_at = snapshots[0].computed_at
    if (
        settings.REPORTING_RECOMPUTE_ON_CHANGE
        and FiguresChange.objects.filter(at__gte=read_at).exists()
    ):
        recompute_schedule(reason="changes made while the last recompute ran")
    return True
