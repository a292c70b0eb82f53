"""The officer's worklist on the home page: who needs a school, what is ending, what is late.
Each list is one query: its first rows and its total (a window count). Who needs a school is
found among every child, so its answer is kept in the cache (see `needing_a_school_first`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.cache import cache
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


NEEDING_A_SCHOOL_SECONDS = 300
"""How long the list of children needing a school is kept: any change to placements, plans or
an import clears it at once (`needing_a_school_forget`), so this bounds only changes made outside
the product's services (the admin)."""


def _needing_a_school_key(today: dt.date) -> str:
    return f"dps:worklist:needing-a-school:{today.isoformat()}"


def needing_a_school_forget(*, today: dt.date) -> None:
    cache.delete(_needing_a_school_key(today))


def _needing_a_school_now(today: dt.date) -> list[Child]:
    children = children_needing_a_school(today=today).order_by()
    return sorted(children, key=lambda child: (child.last_name, child.first_name, child.child_ref))


def needing_a_school_first(*, today: dt.date, limit: int = 10) -> tuple[list[Child], int]:
    """The first `limit` children needing a school, by name, and how many there are, in one
    query. Worked out over every child (about a second for a million), the list is kept in the
    cache until something changes; the rows shown from it are checked against the data now, so a
    child placed a moment ago is not listed even before the kept list is cleared."""
    key = _needing_a_school_key(today)
    ids = cache.get(key)
    if ids is None:
        children = _needing_a_school_now(today)
        cache.set(key, [child.pk for child in children], NEEDING_A_SCHOOL_SECONDS)
        return children[:limit], len(children)
    candidates = ids[: limit * 3]
    still = {
        child.pk: child
        for child in children_needing_a_school(today=today).filter(pk__in=candidates)
    }
    gone = len(candidates) - len(still)
    return [still[pk] for pk in candidates if pk in still][:limit], len(ids) - gone


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
