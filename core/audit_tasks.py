"""The audit log's nightly task (discovered by config/celery.py)."""

from __future__ import annotations

from celery import shared_task

from . import audit


@shared_task(name="core.audit_tasks.audit_prune")  # type: ignore[untyped-decorator]  # celery is untyped
def audit_prune() -> int:
    return audit.audit_prune()
