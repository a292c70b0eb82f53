"""Celery tasks for the placements app: one line of work each, idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .exports import register_export_run
from .models import Child
from .sen2.services import sen2_check_run


@shared_task(name="placements.tasks.ping_database")
def ping_database() -> int:
    """How many children the worker can see: a read-only smoke check that it reaches our database."""
    return Child.objects.count()


@shared_task(name="placements.tasks.run_sen2_check")
def run_sen2_check(job_id: int) -> dict[str, Any]:
    """Build and check the SEN2 return a Job stands for; a finished job is left alone."""
    return sen2_check_run(job_id=job_id)


@shared_task(name="placements.tasks.run_register_export")
def run_register_export(job_id: int) -> dict[str, Any]:
    """Write the whole placements register as CSV for a Job; a finished job is left alone."""
    return register_export_run(job_id=job_id)
