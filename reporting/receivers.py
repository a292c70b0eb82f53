"""Reporting reacts to other apps' events without them importing reporting (ADR 0001 and ADR 0004)."""

from __future__ import annotations

from imports.signals import import_completed


def recompute_after_import(sender, **kwargs) -> None:
    """An import changed the data: recompute the dashboards (sent after the import commits)."""
    from .tasks import recompute_dashboards

    recompute_dashboards.delay()


def connect() -> None:
    import_completed.connect(
        recompute_after_import, dispatch_uid="reporting.recompute_after_import"
    )
