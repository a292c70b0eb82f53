from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import services


@shared_task(name="reporting.tasks.recompute_dashboards")
def recompute_dashboards(as_of: str | None = None) -> int:
    """Idempotent: recomputing the same as-of date replaces that day's snapshots whole."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    return len(services.snapshots_recompute(as_of=day))


@shared_task(name="reporting.tasks.run_recompute_job")
def run_recompute_job(job_id: int) -> bool:
    """Run a recompute a user asked for or a data change scheduled; a finished job is left alone."""
    return services.recompute_job_run(job_id=job_id)
