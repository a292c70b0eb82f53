"""Writes for reporting: dashboard snapshots, each written whole in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from . import loader, metrics, sufficiency_services
from .models import BudgetLine, DashboardSnapshot


def _headline(as_of: dt.date) -> dict[str, Any]:
    data = metrics.headline(loader.load_placements(), loader.load_ehcps(), as_of)
    # The INMSS budget is every budget line of the year whose name mentions INMSS.
    budget = sum(
        line.amount
        for line in BudgetLine.objects.filter(
            financial_year=data["financial_year"], line__icontains="inmss"
        )
    )
    data["budget_fy"] = float(budget) if budget else None
    return data


DASHBOARDS: dict[str, Callable[[dt.date], dict[str, Any]]] = {
    "headline": _headline,
    sufficiency_services.DASHBOARD: sufficiency_services.sufficiency_compute,
}


def snapshots_recompute(
    *,
    as_of: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    user: User | None = None,
) -> list[DashboardSnapshot]:
    """Compute every dashboard for `as_of` and store them together; a failure keeps the old ones.

    `user` is who asked for it: None for the nightly schedule, an import's follow-up and the
    command line. Snapshots keep no history, so nothing records it yet.
    """
    as_of = as_of or timezone.localdate()
    results: dict[str, dict[str, Any]] = {}
    for done, (name, compute) in enumerate(DASHBOARDS.items()):
        if progress:
            progress(done, len(DASHBOARDS), name)
        results[name] = compute(as_of)
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
        progress(len(DASHBOARDS), len(DASHBOARDS), "done")
    return snapshots
