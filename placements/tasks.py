"""Celery tasks for the placements app: one line of work each, idempotent."""

from __future__ import annotations

from celery import shared_task

from .models import Child


@shared_task(name="placements.tasks.ping_database")
def ping_database() -> int:
    """How many children the worker can see: a read-only smoke check that it reaches our database."""
    return Child.objects.count()
