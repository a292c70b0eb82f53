"""Reads for panel meetings and requests."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from .models import Meeting


def meetings_upcoming(*, today: dt.date) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(date__gte=today)
        .annotate(
            request_count=Count("requests"),
            undecided_count=Count("requests", filter=Q(requests__outcome="")),
        )
        .order_by("date", "panel_type")
    )


def meeting_next(*, today: dt.date) -> Meeting | None:
    return meetings_upcoming(today=today).first()
