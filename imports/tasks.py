"""Celery tasks for imports: one line of work each, idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .services import import_job_run


@shared_task(name="imports.tasks.run_import_job")
def run_import_job(job_id: int) -> dict[str, Any]:
    """Run the import (or the check of a file) that a Job stands for; a finished job is left alone."""
    return import_job_run(job_id=job_id)
