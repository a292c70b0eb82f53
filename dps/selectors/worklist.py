"""The officer's worklist on the home page: who needs a school, what is ending, what is late.
Each list is one query: its first rows and its total (a window count)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Window

from dps.models import Consultation
from placements.models import EHCP, Child, Placement

M = TypeVar("M", bound=Model)
WEEKS_AHEAD = 8


def first_with_total(queryset: QuerySet[M], limit: int = 10) -> tuple[list[M], int]:
    """The first `limit` rows and how many there are in all, in one query."""
    rows: list[Any] = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, (int(rows[0].total_rows) if rows else 0)


def _active_placement(on: dt.date, child_ref: str = "pk") -> QuerySet[Placement]:
    return Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        child_id=OuterRef(child_ref),
        withdrawn=False,
        start_date__lte=on,
    )


def children_needing_a_school(*, today: dt.date) -> QuerySet[Child]:
    """Children with an EHCP active today (issued, not ceased) and no placement active today."""
    active_ehcp = EHCP.objects.filter(
        Q(ceased_date__isnull=True) | Q(ceased_date__gte=today),
        child_id=OuterRef("pk"),
        issue_date__lte=today,
    ).exclude(status__in=[EHCP.Status.NOT_ISSUED])
    return (
        Child.objects.filter(Exists(active_ehcp))
        .exclude(Exists(_active_placement(today)))
        .order_by("last_name", "first_name", "child_ref")
    )


def placements_ending_unarranged(*, today: dt.date) -> QuerySet[Placement]:
    """Placements ending in the next 8 weeks with no later placement for the child and no
    offer or consultation awaiting a response: nothing is arranged."""
    horizon = today + dt.timedelta(weeks=WEEKS_AHEAD)
    later = Placement.objects.filter(
        child_id=OuterRef("child_id"), withdrawn=False, start_date__gt=OuterRef("end_date")
    )
    in_hand = Consultation.objects.filter(
        child_id=OuterRef("child_id"),
        response__in=[Consultation.Response.AWAITING, Consultation.Response.OFFER],
        placement__isnull=True,
    )
    return (
        Placement.objects.filter(withdrawn=False, end_date__gte=today, end_date__lte=horizon)
        .exclude(Exists(later))
        .exclude(Exists(in_hand))
        .select_related("child", "provider")
        .order_by("end_date", "id")
    )
