"""Celery tasks for imports: one line of work each, idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from core.services import JobBusy

from .services import import_job_run


@shared_task(
    name="imports.tasks.run_import_job",
    autoretry_for=(JobBusy,),
    default_retry_delay=settings.JOB_HEARTBEAT_TIMEOUT,
    max_retries=10,
)
def run_import_job(job_id: int) -> dict[str, Any]:
    """Run the import (or the check of a file) that a Job stands for; a finished job is left alone."""
    return import_job_run(job_id=job_id)
