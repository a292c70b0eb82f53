from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import services


@shared_task(name="reporting.tasks.recompute_dashboards")
def recompute_dashboards(as_of: str | None = None) -> int:
    """Idempotent: recomputing the same as-of date replaces that day's snapshots whole."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    return len(services.snapshots_recompute(as_of=day))
