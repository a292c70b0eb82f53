"""Celery tasks every app shares: one line of work each."""

from __future__ import annotations

from celery import shared_task

from .idempotency import submission_tokens_expire as _submission_tokens_expire
from .retention import kept_files_expire as _kept_files_expire
from .services import jobs_reap as _jobs_reap


@shared_task(name="core.tasks.jobs_reap")  # type: ignore[untyped-decorator]
def jobs_reap() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): fail running jobs whose worker stopped."""
    return _jobs_reap()


@shared_task(name="core.tasks.submission_tokens_expire")  # type: ignore[untyped-decorator]
def submission_tokens_expire() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): forget create forms' tokens after a day."""
    return _submission_tokens_expire()


@shared_task(name="core.tasks.kept_files_expire")  # type: ignore[untyped-decorator]
def kept_files_expire() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): delete every file written more than FILE_RETENTION_DAYS ago."""
    return _kept_files_expire()
