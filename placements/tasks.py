"""Celery tasks for the placements app: one line of work each, idempotent (STYLE.md, Shape 8)."""

from __future__ import annotations

from celery import shared_task

from .models import Child


@shared_task(name="placements.tasks.ping_database")
def ping_database() -> int:
    """How many children the worker can see: a read-only smoke check that it reaches our database."""
    return Child.objects.count()


@shared_task(name="placements.tasks.run_import_job")
def run_import_job(job_id: int) -> dict:
    """Run the import (or the check of a file) that a Job stands for; a finished job is left alone."""
    from .imports.services import import_job_run

    return import_job_run(job_id=job_id)
