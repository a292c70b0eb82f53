"""Reads for children, providers and placements: each page's queryset, decided in one place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from core.money import round_half_up
from core.numbers import whole_number

from . import rules
from .models import EHCP, Child, Placement, Provider

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class SettingGroup(TypedDict):
    group: str | None


def placements_with_setting_group() -> QuerySet[WithAnnotations[Placement, SettingGroup]]:
    """Placements (not withdrawn), annotated with `group`: own setting type, else the provider's."""
    return Placement.objects.filter(withdrawn=False).annotate(
        group=Coalesce(NullIf("setting_type", Value("")), "provider__setting_group")
    )


def active_placements(on: dt.date) -> QuerySet[WithAnnotations[Placement, SettingGroup]]:
    return placements_with_setting_group().filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
    )


def active_ehcps(on: dt.date) -> QuerySet[EHCP]:
    return EHCP.objects.filter(issue_date__lte=on).filter(
        Q(ceased_date__isnull=True) | Q(ceased_date__gte=on)
    )


SHORTEST_PART_OF_A_NAME = 3
"""Search terms shorter than this match a whole name or reference (a surname such as "Li"),
longer ones any part of one: trigram indexes serve only terms of three letters or more."""


def child_search(*, query: str = "") -> QuerySet[Child]:
    children = Child.objects.all()
    for term in query.split():
        lookup = "icontains" if len(term) >= SHORTEST_PART_OF_A_NAME else "iexact"
        children = children.filter(
            Q(**{f"child_ref__{lookup}": term})
            | Q(**{f"first_name__{lookup}": term})
            | Q(**{f"last_name__{lookup}": term})
        )
    if query.split():
        # Sorting the matches: walking the name index instead, PostgreSQL can read most of the
        # table before it finds a page of matches late in the alphabet.
        return children.order_by(Lower("last_name"), Lower("first_name"), "child_ref")
    return children.order_by("last_name", "first_name", "child_ref")


def child_detail(*, child_ref: str) -> Child:
    return Child.objects.prefetch_related(
        Prefetch(
            "ehcps",
            queryset=EHCP.objects.select_related("primary_need", "secondary_need").order_by(
                "-request_date"
            ),
        ),
        Prefetch(
            "placements",
            queryset=Placement.objects.select_related("provider").order_by("-start_date"),
        ),
        # Consultations (dps) and panel requests (panel) sit above this app: they are reached
        # through their reverse relations by name, so placements imports neither (ADR 0001).
        "ehcps__annual_reviews",
        "ehcps__phase_transfers",
        "ehcps__named_settings__provider",
        "consultations__provider",
        "consultations__emails",
        "panel_requests__meeting",
        "panel_requests__provider",
    ).get(child_ref=child_ref)


def child_with_ehcps(*, child_ref: str) -> Child:
    """A child with their EHCPs and the EHCPs' needs: the SEN2 edit pages."""
    return Child.objects.prefetch_related(
        Prefetch("ehcps", queryset=EHCP.objects.select_related("primary_need", "secondary_need"))
    ).get(child_ref=child_ref)


def current_ehcp(child: Child) -> EHCP | None:
    """The child's latest EHCP (uses the prefetched list when there is one)."""
    ehcps = list(child.ehcps.all())
    if not ehcps:
        return None
    return max(ehcps, key=lambda e: (e.request_date or e.issue_date or dt.date.min, e.pk))


def provider_search(
    *, query: str = "", setting_group: str = "", need: str = ""
) -> QuerySet[Provider]:
    providers = Provider.objects.all()
    if query:
        if (urn := whole_number(query)) is not None:
            providers = providers.filter(Q(urn=urn) | Q(name__icontains=query.strip()))
        else:
            providers = providers.filter(name__icontains=query.strip())
    if setting_group:
        providers = providers.filter(setting_group=setting_group)
    if need:
        providers = providers.filter(need_types__code=need)
    return providers.prefetch_related("need_types").order_by("name")


def provider_detail(*, urn: int, on: dt.date) -> Provider:
    return (
        Provider.objects.prefetch_related("need_types")
        .annotate(
            active_placements=Count(
                "placements",
                filter=Q(placements__withdrawn=False, placements__start_date__lte=on)
                & (Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=on)),
            )
        )
        .get(urn=urn)
    )


def placement_register(
    *, on: dt.date | None = None, provider_urn: int | None = None, group: str = ""
) -> QuerySet[WithAnnotations[Placement, SettingGroup]]:
    placements = placements_with_setting_group().select_related("child", "provider")
    if on:
        placements = placements.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
        )
    if provider_urn:
        placements = placements.filter(provider__urn=provider_urn)
    if group:
        placements = placements.filter(group=group)
    return placements.order_by("-start_date", "id")


def child_by_ref(child_ref: str) -> Child | None:
    """A child by reference, any case, with EHCPs prefetched for `current_ehcp`."""
    return Child.objects.filter(child_ref__iexact=child_ref).prefetch_related("ehcps").first()


def ehcp_timeliness(*, date_from: dt.date, date_to: dt.date) -> dict[str, list[dict[str, Any]]]:
    """EHCP 20-week timeliness for plans issued from `date_from` to `date_to` (inclusive), in
    total and by month of issue: the share issued within 20 weeks (140 days) of the request.

    Plans whose 20-week time limit exception applies (`EHCP.week20_exception`, SEN2 Week20: the
    exceptions of the SEND Regulations 2014, reg. 13(3)) are left out of the share and counted
    apart; a plan with no request date cannot be timed and is left out too.
    """
    plans = EHCP.objects.filter(
        issue_date__gte=date_from, issue_date__lte=date_to, request_date__isnull=False
    ).values_list("request_date", "issue_date", "week20_exception")
    buckets: dict[str, dict[str, int]] = {}

    def bucket(key: str) -> dict[str, int]:
        return buckets.setdefault(key, {"issued": 0, "excepted": 0, "within_20_weeks": 0})

    month = date_from.replace(day=1)
    while month <= date_to:
        bucket(month.strftime("%Y-%m"))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    total = {"issued": 0, "excepted": 0, "within_20_weeks": 0}
    for request_date, issue_date, excepted in plans.iterator(chunk_size=2000):
        if request_date is None or issue_date is None:  # filtered out above
            continue
        for counts in (total, bucket(issue_date.strftime("%Y-%m"))):
            counts["issued"] += 1
            if excepted:
                counts["excepted"] += 1
            elif rules.issued_within_20_weeks(request_date, issue_date):
                counts["within_20_weeks"] += 1

    def row(period: str, counts: dict[str, int]) -> dict[str, Any]:
        counted = counts["issued"] - counts["excepted"]
        percent = (
            round_half_up(Decimal(100 * counts["within_20_weeks"]) / counted, 1)
            if counted
            else None
        )
        return {
            "period": period,
            "issued": counts["issued"],
            "excepted": counts["excepted"],
            "counted": counted,
            "within_20_weeks": counts["within_20_weeks"],
            "percent_within_20_weeks": percent,
        }

    return {
        "total": [row(f"{date_from.isoformat()} to {date_to.isoformat()}", total)],
        "months": [row(key, counts) for key, counts in sorted(buckets.items())],
    }
