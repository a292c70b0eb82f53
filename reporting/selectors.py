"""Reads for reporting: dashboards read the latest stored snapshot and never compute on request."""

from __future__ import annotations

from .models import DashboardSnapshot


def snapshot_latest(dashboard: str) -> DashboardSnapshot | None:
    return (
        DashboardSnapshot.objects.filter(dashboard=dashboard)
        .order_by("-as_of", "-computed_at")
        .first()
    )
