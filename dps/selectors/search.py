"""The officers' school search: filters from a child (or blank), results ranked DPS members
first, Lot 1 before Lot 2, then by straight-line distance, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce

from core import calendar
from dps.models import Consultation, FeeSchedule, Membership, ShortlistEntry
from dps.rules import distance_km
from placements import rules as placement_rules
from placements.models import EHCP, Child, Provider, ReportCardGrade

OFSTED_ACCEPTABLE = "acceptable"
OFSTED_GOOD = "good"
OFSTED_ANY = "any"
OFSTED_CHOICES = [
    (OFSTED_ACCEPTABLE, "Not Inadequate, no area at urgent improvement, safeguarding met"),
    (OFSTED_GOOD, "Good or Outstanding, or every area at expected standard or better"),
    (OFSTED_ANY, "Any, including not yet inspected"),
]
DPS_MEMBERS = "members"
DPS_ALL = "all"


@dataclass(frozen=True)
class ChildFacts:
    """What the search and the suitability warnings need to know about a child."""

    child_ref: str
    age: int
    ncy: int
    sex: str
    primary_need: str | None
    secondary_need: str | None
    easting: int | None
    northing: int | None


@dataclass
class SearchFilters:
    needs: list[str] = field(default_factory=list)
    age: int | None = None
    ncy: int | None = None
    sex: str = ""
    pattern: str = "day"
    lot: int | None = None
    dps: str = DPS_MEMBERS
    ofsted: str = OFSTED_ACCEPTABLE
    boarding: bool = False
    vacancies: bool = False
    max_fee: Decimal | None = None
    max_km: Decimal | None = None
    easting: int | None = None
    northing: int | None = None


def _current_ehcp(child: Any = None) -> QuerySet[EHCP]:
    """The child's current EHCP first (of the outer query's child when `child` is None)."""
    owner: Any = OuterRef("pk") if child is None else child
    return (
        EHCP.objects.filter(child_id=owner)
        .exclude(status__in=[EHCP.Status.CEASED, EHCP.Status.NOT_ISSUED])
        .order_by("-issue_date", "-request_date", "-id")
    )


def _facts(child: Child, primary: str | None, secondary: str | None, today: dt.date) -> ChildFacts:
    return ChildFacts(
        child_ref=child.child_ref,
        age=placement_rules.age_on(child.date_of_birth, today),
        ncy=placement_rules.ncy(child.date_of_birth, calendar.academic_year_of(today)),
        sex=child.sex,
        primary_need=primary,
        secondary_need=secondary,
        easting=child.easting,
        northing=child.northing,
    )


def child_facts(child: Child, *, today: dt.date) -> ChildFacts:
    """The child's age, NCY, sex, needs (current EHCP) and home grid reference."""
    ehcp = _current_ehcp(child.pk).values("primary_need_id", "secondary_need_id").first()
    return _facts(
        child,
        ehcp["primary_need_id"] if ehcp else None,
        ehcp["secondary_need_id"] if ehcp else None,
        today,
    )


def child_with_facts(child_ref: str, *, today: dt.date) -> tuple[Child, ChildFacts] | None:
    """The child with that reference (any case) and its facts, in one query."""
    child: Any = (
        Child.objects.filter(child_ref__iexact=child_ref)
        .annotate(
            current_primary=Subquery(_current_ehcp().values("primary_need_id")[:1]),
            current_secondary=Subquery(_current_ehcp().values("secondary_need_id")[:1]),
        )
        .first()
    )
    if child is None:
        return None
    return child, _facts(child, child.current_primary, child.current_secondary, today)


def _report_card_current() -> Q:
    return Q(ofsted_report_card_date__isnull=False) & (
        Q(ofsted_date__isnull=True) | Q(ofsted_report_card_date__gte=F("ofsted_date"))
    )


def _judgement_current() -> Q:
    return Q(ofsted_report_card_date__isnull=True) | Q(ofsted_date__gt=F("ofsted_report_card_date"))


def ofsted_q(level: str) -> Q:
    """The Ofsted filter on either shape: the old overall judgement or the report card."""
    urgent = ReportCardGrade.URGENT_IMPROVEMENT
    if level == OFSTED_GOOD:
        return (
            _report_card_current()
            & Q(ofsted_safeguarding_met=True)
            & Q(ofsted_lowest_area_grade__lte=ReportCardGrade.EXPECTED)
        ) | (_judgement_current() & Q(ofsted_grade__lte=Provider.OfstedGrade.GOOD))
    if level == OFSTED_ACCEPTABLE:
        return (
            _report_card_current()
            & ~Q(ofsted_safeguarding_met=False)
            & (Q(ofsted_lowest_area_grade__isnull=True) | Q(ofsted_lowest_area_grade__lt=urgent))
        ) | (
            _judgement_current()
            & (Q(ofsted_grade__isnull=True) | Q(ofsted_grade__lt=Provider.OfstedGrade.INADEQUATE))
        )
    return Q()


def _membership(provider_ref: str = "pk") -> QuerySet[Membership]:
    return Membership.objects.filter(
        provider_id=OuterRef(provider_ref), status=Membership.Status.ADMITTED
    ).order_by("-framework__start_date", "lot__number")


def provider_search(
    filters: SearchFilters, *, academic_year: int, child_ref: str | None = None
) -> QuerySet[Provider]:
    """Open providers matching `filters`, annotated with `lot_number`, `quality_score`, `fee`
    (lowest fee for the pattern in `academic_year`) and `distance_sq` (square metres), ranked
    DPS members first, Lot 1 before Lot 2, then nearest first. All in SQL, so it pages."""
    fee = (
        FeeSchedule.objects.filter(
            provider_id=OuterRef("pk"),
            academic_year=academic_year,
            attendance_pattern=filters.pattern,
        )
        .order_by("annual_fee")
        .values("annual_fee")[:1]
    )
    qs = Provider.objects.filter(status=Provider.Status.OPEN).annotate(
        lot_number=Subquery(_membership().values("lot__number")[:1]),
        quality_score=Subquery(_membership().values("quality_score")[:1]),
        fee=Subquery(fee),
    )
    for code in filters.needs:
        qs = qs.filter(
            Exists(
                Provider.need_types.through.objects.filter(
                    provider_id=OuterRef("pk"), needtype_id=code
                )
            )
        )
    if filters.age is not None:
        qs = qs.filter(
            Q(low_age__isnull=True) | Q(low_age__lte=filters.age),
            Q(high_age__isnull=True) | Q(high_age__gte=filters.age),
        )
    if filters.ncy is not None:
        # In NCY n a child is n + 4 on the 31 August before and n + 5 during the year.
        qs = qs.filter(
            Q(low_age__isnull=True) | Q(low_age__lte=filters.ncy + 5),
            Q(high_age__isnull=True) | Q(high_age__gte=filters.ncy + 4),
        )
    if filters.sex == "M":
        qs = qs.exclude(sex_of_entry=Provider.SexOfEntry.GIRLS)
    elif filters.sex == "F":
        qs = qs.exclude(sex_of_entry=Provider.SexOfEntry.BOYS)
    if filters.boarding or filters.pattern != "day":
        qs = qs.filter(boarding=Provider.Boarding.SOME)
    if filters.dps == DPS_MEMBERS:
        qs = qs.filter(lot_number__isnull=False)
    if filters.lot is not None:
        qs = qs.filter(lot_number=filters.lot)
    qs = qs.filter(ofsted_q(filters.ofsted))
    if filters.vacancies:
        qs = qs.filter(capacity__gt=F("number_of_pupils"))
    if filters.max_fee is not None:
        qs = qs.filter(fee__lte=filters.max_fee)
    if filters.easting is not None and filters.northing is not None:
        # Squared metres pass 2^31 beyond 46 km: compute in 64-bit integers, not the columns' 32.
        de = Cast("easting", BigIntegerField()) - Value(filters.easting, BigIntegerField())
        dn = Cast("northing", BigIntegerField()) - Value(filters.northing, BigIntegerField())
        qs = qs.annotate(distance_sq=ExpressionWrapper(de * de + dn * dn, BigIntegerField()))
        if filters.max_km is not None:
            metres = int(filters.max_km * 1000)
            qs = qs.filter(distance_sq__lte=metres * metres)
    else:
        qs = qs.annotate(distance_sq=Value(None, output_field=BigIntegerField()))
    if child_ref:
        qs = qs.annotate(
            shortlisted=Exists(
                ShortlistEntry.objects.filter(
                    provider_id=OuterRef("pk"), child__child_ref=child_ref
                )
            )
        )
    else:
        qs = qs.annotate(shortlisted=Value(False))
    return qs.annotate(
        on_dps_rank=Case(When(lot_number__isnull=False, then=Value(0)), default=Value(1)),
        lot_rank=Coalesce("lot_number", Value(99)),
    ).order_by("on_dps_rank", "lot_rank", F("distance_sq").asc(nulls_last=True), "name", "urn")


@dataclass
class ConsultationStats:
    consulted: int = 0
    offers: int = 0
    declines: int = 0
    median_response_days: float | None = None


def consultation_stats(provider_ids: Iterable[int]) -> dict[int, ConsultationStats]:
    """Per provider: consultations sent, offers, declines and median response days (offers and
    declines), in one query."""
    rows = Consultation.objects.filter(provider_id__in=list(provider_ids)).values_list(
        "provider_id", "response", "sent_on", "responded_on"
    )
    days: dict[int, list[int]] = defaultdict(list)
    stats: dict[int, ConsultationStats] = defaultdict(ConsultationStats)
    for provider_id, response, sent_on, responded_on in rows:
        item = stats[provider_id]
        item.consulted += 1
        if response == Consultation.Response.OFFER:
            item.offers += 1
        elif response == Consultation.Response.DECLINE:
            item.declines += 1
        if response in (Consultation.Response.OFFER, Consultation.Response.DECLINE) and (
            responded_on is not None
        ):
            days[provider_id].append((responded_on - sent_on).days)
    for provider_id, values in days.items():
        stats[provider_id].median_response_days = statistics.median(values)
    return dict(stats)


def suitability_warnings(
    provider: Provider, facts: ChildFacts | None, *, on_dps: bool
) -> list[str]:
    """Why this school may not suit this child. Warnings, not refusals: the officer decides.

    Reads `provider.need_types.all()` (prefetch it for many providers)."""
    warnings: list[str] = []
    if facts is not None:
        if (provider.low_age is not None and facts.age < provider.low_age) or (
            provider.high_age is not None and facts.age > provider.high_age
        ):
            warnings.append(
                f"Outside the age range: the school takes ages {provider.low_age} to "
                f"{provider.high_age}; the child is {facts.age}."
            )
        if (facts.sex == "M" and provider.sex_of_entry == Provider.SexOfEntry.GIRLS) or (
            facts.sex == "F" and provider.sex_of_entry == Provider.SexOfEntry.BOYS
        ):
            warnings.append(
                f"Sex of entry: the school takes {provider.get_sex_of_entry_display().lower()} only."
            )
        codes = {need.code for need in provider.need_types.all()}
        if facts.primary_need and facts.primary_need not in codes:
            warnings.append(f"Need not met: the school does not list {facts.primary_need}.")
    if provider.vacancies == 0:
        warnings.append("No vacancies: the school is full.")
    shape = provider.ofsted_shape
    if shape == "judgement" and provider.ofsted_grade == Provider.OfstedGrade.INADEQUATE:
        warnings.append("Ofsted: judged Inadequate.")
    if shape == "report_card":
        if provider.ofsted_safeguarding_met is False:
            warnings.append("Ofsted: safeguarding not met.")
        if provider.ofsted_lowest_area_grade == ReportCardGrade.URGENT_IMPROVEMENT:
            warnings.append("Ofsted: an area needs urgent improvement.")
    if not on_dps:
        warnings.append("Not on the DPS.")
    return warnings


@dataclass
class SearchResult:
    provider: Provider
    distance_km: float | None
    stats: ConsultationStats
    warnings: list[str]
    shortlisted: bool


def search_page_rows(
    providers: list[Provider], *, facts: ChildFacts | None, filters: SearchFilters
) -> list[SearchResult]:
    """The results on one page with their stats and warnings (one query for the stats; need
    types must be prefetched)."""
    stats = consultation_stats(p.pk for p in providers)
    rows = []
    for provider in providers:
        annotations: Any = provider
        rows.append(
            SearchResult(
                provider=provider,
                distance_km=distance_km(
                    filters.easting, filters.northing, provider.easting, provider.northing
                ),
                stats=stats.get(provider.pk, ConsultationStats()),
                warnings=suitability_warnings(
                    provider, facts, on_dps=annotations.lot_number is not None
                ),
                shortlisted=bool(annotations.shortlisted),
            )
        )
    return rows


@dataclass
class ResultsPage:
    """One page of results with the total, counted in the same query (a window function)."""

    rows: list[Provider]
    total: int
    number: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def paginator(self) -> ResultsPage:
        return self  # templates read page.paginator.count and page.paginator.num_pages

    @property
    def count(self) -> int:
        return self.total

    @property
    def object_list(self) -> list[Provider]:
        return self.rows


def results_page(queryset: QuerySet[Provider], *, number: int, page_size: int) -> ResultsPage:
    """Page `number` (1-based) of `queryset` and the total in one query; past the last page,
    the last page (one more query, only then)."""
    number = max(1, number)
    counted = queryset.annotate(total_count=Window(Count("pk")))
    rows: list[Any] = list(counted[(number - 1) * page_size : number * page_size])
    if rows:
        return ResultsPage(rows, int(rows[0].total_count), number, page_size)
    total = queryset.count()
    if total == 0 or number == 1:
        return ResultsPage([], total, 1, page_size)
    last = max(1, -(-total // page_size))
    return results_page(queryset, number=last, page_size=page_size)


def warnings_for_choice(child: Child, provider: Provider, *, today: dt.date) -> list[str]:
    """The suitability warnings for choosing `provider` for `child` (a few queries)."""
    on_dps = Membership.objects.filter(
        provider=provider, status=Membership.Status.ADMITTED
    ).exists()
    return suitability_warnings(provider, child_facts(child, today=today), on_dps=on_dps)
