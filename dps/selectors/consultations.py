"""Reads for the officers' consultations: a child's shortlist and consultations, offers compared."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from dps.models import Consultation, ConsultationEmail, Membership, ShortlistEntry
from dps.rules import OfferScore, distance_km, offer_scores
from dps.selectors.search import ConsultationStats, consultation_stats
from placements.models import Child


def _membership_of(provider_ref: str) -> QuerySet[Membership]:
    return Membership.objects.filter(
        provider_id=OuterRef(provider_ref), status=Membership.Status.ADMITTED
    ).order_by("-framework__start_date", "lot__number")


def shortlist_of(child: Child) -> QuerySet[ShortlistEntry]:
    return (
        ShortlistEntry.objects.filter(child=child)
        .select_related("provider")
        .annotate(lot_number=Subquery(_membership_of("provider_id").values("lot__number")[:1]))
        .order_by("added_at", "id")
    )


def consultations_of(child: Child) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(child=child)
        .select_related("provider")
        .order_by("-sent_on", "provider__name", "id")
    )


def consultations_awaiting_of(child: Child) -> QuerySet[Consultation]:
    """The child's consultations awaiting a response (at most one per school)."""
    return Consultation.objects.filter(
        child=child, response=Consultation.Response.AWAITING
    ).select_related("provider")


def consultation_detail(pk: int) -> Consultation:
    return (
        Consultation.objects.select_related("child", "provider", "placement", "created_by")
        .prefetch_related(
            Prefetch("emails", queryset=ConsultationEmail.objects.order_by("queued_at", "id"))
        )
        .get(pk=pk)
    )


def _unsent() -> QuerySet[ConsultationEmail]:
    return ConsultationEmail.objects.filter(
        status__in=[
            ConsultationEmail.Status.QUEUED,
            ConsultationEmail.Status.SENDING,
            ConsultationEmail.Status.FAILED,
        ]
    ).select_related("consultation__provider")


def emails_unsent_of_child(child: Child) -> QuerySet[ConsultationEmail]:
    """The emails about the child's consultations not sent yet, oldest first."""
    return _unsent().filter(consultation__child=child).order_by("queued_at", "id")


def emails_failed_of(consultations: list[Consultation]) -> list[ConsultationEmail]:
    """Those of the consultations' emails whose last attempt failed, oldest first."""
    return list(
        ConsultationEmail.objects.filter(
            consultation__in=[c.pk for c in consultations],
            status=ConsultationEmail.Status.FAILED,
        )
        .select_related("consultation__provider")
        .order_by("queued_at", "id")
    )


def emails_sent_among(email_ids: list[int]) -> int:
    return ConsultationEmail.objects.filter(
        pk__in=email_ids, status=ConsultationEmail.Status.SENT
    ).count()


@dataclass
class ComparedOffer:
    consultation: Consultation
    annual_cost: Decimal
    quality: Decimal | None
    lot_number: int | None
    distance_km: float | None
    score: OfferScore
    stats: ConsultationStats


def offers_compared(child: Child) -> list[ComparedOffer]:
    """The child's open offers (not yet accepted), ranked by the quality/cost weighting, best
    first; ties by lower cost then school name."""
    offers = list(
        Consultation.objects.filter(
            child=child, response=Consultation.Response.OFFER, placement__isnull=True
        )
        .select_related("provider")
        .annotate(
            quality=Subquery(_membership_of("provider_id").values("quality_score")[:1]),
            lot_number=Subquery(_membership_of("provider_id").values("lot__number")[:1]),
        )
    )
    annotated: list[Any] = offers
    scores = offer_scores([(c.offered_annual_cost or Decimal(0), c.quality) for c in annotated])
    stats = consultation_stats(c.provider_id for c in offers)
    rows = [
        ComparedOffer(
            consultation=c,
            annual_cost=c.offered_annual_cost or Decimal(0),
            quality=c.quality,
            lot_number=c.lot_number,
            distance_km=distance_km(
                child.easting, child.northing, c.provider.easting, c.provider.northing
            ),
            score=score,
            stats=stats.get(c.provider_id, ConsultationStats()),
        )
        for c, score in zip(annotated, scores, strict=True)
    ]
    rows.sort(key=lambda r: (-r.score.score, r.annual_cost, r.consultation.provider.name))
    return rows


def consultation_report(
    *, date_from: dt.date, date_to: dt.date, today: dt.date
) -> list[dict[str, Any]]:
    """Per provider, consultations sent from `date_from` to `date_to` inclusive (definitions:
    consulted = all; offers and declines by response; no response = still awaiting; withdrawn
    and not needed count only as consulted; overdue = awaiting past the due date as of `today`
    or answered after it; median response days over offers and declines, None when none).
    One query; rows by provider name then URN."""
    rows = (
        Consultation.objects.filter(sent_on__gte=date_from, sent_on__lte=date_to)
        .values_list(
            "provider__urn", "provider__name", "response", "sent_on", "due_on", "responded_on"
        )
        .order_by("provider__name", "provider__urn")
    )
    out: dict[int, dict[str, Any]] = {}
    days: dict[int, list[int]] = {}
    R = Consultation.Response
    for urn, name, response, sent_on, due_on, responded_on in rows:
        row = out.setdefault(
            urn,
            {
                "urn": urn,
                "provider": name,
                "consulted": 0,
                "offers": 0,
                "declines": 0,
                "no_response": 0,
                "overdue": 0,
                "median_response_days": None,
            },
        )
        row["consulted"] += 1
        if response == R.AWAITING:
            row["no_response"] += 1
            if due_on < today:
                row["overdue"] += 1
        elif response in (R.OFFER, R.DECLINE):
            row["offers" if response == R.OFFER else "declines"] += 1
            if responded_on is not None:
                days.setdefault(urn, []).append((responded_on - sent_on).days)
                if responded_on > due_on:
                    row["overdue"] += 1
    for urn, values in days.items():
        median = statistics.median(values)
        out[urn]["median_response_days"] = int(median) if median == int(median) else median
    return list(out.values())
