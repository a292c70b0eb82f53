"""Reporting reacts to other apps' events without them importing reporting (ADR 0001 and ADR 0004)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.signals import figures_changed
from imports.signals import import_completed


def recompute_after_import(sender: Any, *, kind: str = "", **kwargs: Any) -> None:
    """An import changed the data: recompute the dashboards (sent after the import commits)."""
    from .services import figures_change_record
    from .tasks import recompute_dashboards

    figures_change_record(what=f"{kind} import".strip())
    recompute_dashboards.delay()


def recompute_after_change(sender: Any, *, what: str = "", **kwargs: Any) -> None:
    """A placement, decision, fee or uplift changed (sent on commit): the dashboards say their
    figures miss it, and recompute within a minute, debounced, with a worker or without one."""
    from .services import figures_change_record, recompute_schedule

    reason = what or str(sender)
    figures_change_record(what=reason)
    if settings.REPORTING_RECOMPUTE_ON_CHANGE:
        recompute_schedule(reason=reason)


def connect() -> None:
    import_completed.connect(
        recompute_after_import, dispatch_uid="reporting.recompute_after_import"
    )
    figures_changed.connect(recompute_after_change, dispatch_uid="reporting.recompute_after_change")
