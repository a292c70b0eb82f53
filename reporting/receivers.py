"""Reporting reacts to other apps' events without them importing reporting (ADR 0001 and ADR 0004)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.signals import figures_changed
from imports.signals import import_completed


def recompute_after_import(sender: Any, **kwargs: Any) -> None:
    """An import changed the data: recompute the dashboards (sent after the import commits)."""
    from .tasks import recompute_dashboards

    recompute_dashboards.delay()


def recompute_after_change(sender: Any, *, what: str = "", **kwargs: Any) -> None:
    """A placement, decision, fee or budget changed (sent on commit): recompute within a minute,
    debounced. Only with a real worker: without one (Celery eager) a recompute would run inside
    every save; there the nightly run and "recompute now" keep the figures."""
    if not settings.REPORTING_RECOMPUTE_ON_CHANGE:
        return
    from .services import recompute_schedule

    recompute_schedule(reason=what or str(sender))


def connect() -> None:
    import_completed.connect(
        recompute_after_import, dispatch_uid="reporting.recompute_after_import"
    )
    figures_changed.connect(recompute_after_change, dispatch_uid="reporting.recompute_after_change")
