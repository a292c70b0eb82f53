"""Reads for the DPS: memberships, fees, uplifts and consultations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from dps.models import Consultation, Contract


def consultations_awaiting() -> QuerySet[Consultation]:
    return Consultation.objects.filter(response=Consultation.Response.AWAITING).select_related(
        "child", "provider"
    )


def consultations_overdue(*, today: dt.date) -> QuerySet[Consultation]:
    """No response and the 15-day window has passed (docs/definitions.md)."""
    return consultations_awaiting().filter(due_on__lt=today).order_by("due_on", "id")


def consultations_due_soon(*, today: dt.date, within_days: int = 5) -> QuerySet[Consultation]:
    return (
        consultations_awaiting()
        .filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=within_days))
        .order_by("due_on", "id")
    )


def contract_register_rows() -> Iterator[tuple[Any, ...]]:
    """The contract register for export, in one streamed query, in `views.CONTRACT_COLUMNS` order."""
    return (
        Contract.objects.order_by("end_date", "reference")
        .values_list(
            "reference",
            "title",
            "provider__urn",
            "provider__name",
            "framework__name",
            "value",
            "start_date",
            "end_date",
            "extension_options",
            "max_extension_months",
            "status",
        )
        .iterator(chunk_size=2000)
    )
