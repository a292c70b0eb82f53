"""Celery tasks for the DPS app: one line of work each, idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, name="dps.tasks.consultation_email_send", max_retries=None)
def consultation_email_send(self: Any, email_id: int) -> str:
    """Send one consultation email of the outbox (at most once, however many run at once). A
    failure is recorded on the email and tried again after a growing wait; in eager mode (no
    worker) the scheduled retry or an officer's "Try sending again" tries it instead."""
    email = services.consultation_email_send(email_id=email_id)
    if email is None:
        return "skipped"
    if (
        email.status == email.Status.FAILED
        and email.attempts < settings.CONSULTATION_EMAIL_MAX_ATTEMPTS
        and not self.request.is_eager
    ):
        raise self.retry(countdown=services.email_retry_delay(email.attempts).total_seconds())
    return str(email.status)


@shared_task(name="dps.tasks.consultation_emails_send_due")
def consultation_emails_send_due() -> int:
    """Every two minutes (CELERY_BEAT_SCHEDULE): send the consultation emails not sent yet
    whose time has come."""
    return services.consultation_emails_send_due()
