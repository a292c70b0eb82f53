"""Reads for the DPS: memberships, fees, uplifts and consultations."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import Consultation


def consultations_awaiting() -> QuerySet[Consultation]:
    return Consultation.objects.filter(response=Consultation.Response.AWAITING).select_related(
        "child", "provider"
    )


def consultations_overdue(*, today: dt.date) -> QuerySet[Consultation]:
    """No response and the 15-day window has passed (DESIGN.md §3)."""
    return consultations_awaiting().filter(due_on__lt=today).order_by("due_on", "id")


def consultations_due_soon(*, today: dt.date, within_days: int = 5) -> QuerySet[Consultation]:
    return (
        consultations_awaiting()
        .filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=within_days))
        .order_by("due_on", "id")
    )
