"""Reads for the commissioners' side of the DPS: frameworks, memberships, fees, uplifts and
their savings, block contracts and utilisation, the contract register, attendance penalties."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from core import calendar
from core.numbers import whole_number
from dps import market_rules
from dps.models import (
    AttendancePenaltyRule,
    AttendanceRecord,
    BlockContract,
    Contract,
    FeeSchedule,
    Framework,
    Lot,
    Membership,
    UpliftRequest,
)
from placements import rules
from placements.models import Placement, PlacementCostChange, Provider

DECIDED = (UpliftRequest.Status.AGREED, UpliftRequest.Status.REJECTED)


# --- Frameworks and memberships ------------------------------------------------------


def frameworks_with_lots() -> QuerySet[Framework]:
    return Framework.objects.prefetch_related("lots").annotate(
        admitted=Count("memberships", filter=Q(memberships__status=Membership.Status.ADMITTED))
    )


def lots_for_choice() -> QuerySet[Lot]:
    return Lot.objects.select_related("framework").order_by("-framework__start_date", "number")


def membership_list(
    *, framework_id: int | None = None, status: str = "", query: str = ""
) -> QuerySet[Membership]:
    memberships = Membership.objects.select_related("provider", "framework", "lot")
    if framework_id:
        memberships = memberships.filter(framework_id=framework_id)
    if status:
        memberships = memberships.filter(status=status)
    if query:
        term = query.strip()
        if (urn := whole_number(term)) is not None:
            memberships = memberships.filter(provider__urn=urn)
        else:
            memberships = memberships.filter(provider__name__icontains=term)
    return memberships.order_by("framework__name", "lot__number", "provider__name")


def membership_status_counts(*, framework_id: int | None = None) -> dict[str, int]:
    memberships = Membership.objects.all()
    if framework_id:
        memberships = memberships.filter(framework_id=framework_id)
    counts = dict(
        memberships.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Membership.Status.values}


def membership_history(membership: Membership) -> list[Any]:
    """Each saved state, newest first, with who saved it: the membership's life."""
    return list(membership.history.select_related("history_user").order_by("-history_id"))


# --- Fees ------------------------------------------------------------------------------


def fee_schedule_list(
    *, query: str = "", academic_year: int | None = None
) -> QuerySet[FeeSchedule]:
    fees = FeeSchedule.objects.select_related("provider")
    if academic_year:
        fees = fees.filter(academic_year=academic_year)
    if query:
        term = query.strip()
        if (urn := whole_number(term)) is not None:
            fees = fees.filter(provider__urn=urn)
        else:
            fees = fees.filter(provider__name__icontains=term)
    return fees.order_by("provider__name", "-academic_year", "attendance_pattern", "band")


def fee_schedule_history(fee: FeeSchedule) -> list[Any]:
    return list(fee.history.select_related("history_user").order_by("-history_id"))


# --- Uplifts and the negotiation saving ------------------------------------------------


def _base_fees_at_ay_start(
    pairs: set[tuple[int, int]],
) -> dict[tuple[int, int], list[Decimal]]:
    """(provider id, AY) → base fees on 1 September of the AY of the provider's placements active
    then (not withdrawn): the fee in effect that day, whatever changed since (ADR 0008)."""
    if not pairs:
        return {}
    providers = {provider for provider, _ in pairs}
    years = {year for _, year in pairs}
    earliest = dt.date(min(years), 9, 1)
    latest = dt.date(max(years), 9, 1)
    spans = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=earliest),
        provider_id__in=providers,
        withdrawn=False,
        start_date__lte=latest,
    ).values_list("id", "provider_id", "start_date", "end_date", "annual_cost")
    changes: dict[int, list[tuple[dt.date, Decimal, Decimal]]] = defaultdict(list)
    for placement_id, effective_from, fee, fee_before in (
        PlacementCostChange.objects.filter(placement__in=spans.values("id"))
        .order_by("placement_id", "effective_from")
        .values_list("placement_id", "effective_from", "annual_cost", "previous_annual_cost")
    ):
        changes[placement_id].append((effective_from, fee, fee_before))
    fees: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for placement_id, provider_id, start, end, cost in spans:
        for year in years:
            if (provider_id, year) not in pairs:
                continue
            day = dt.date(year, 9, 1)
            if start <= day and (end is None or end >= day):
                fees[(provider_id, year)].append(
                    rules.base_fee_on(cost, changes.get(placement_id, []), day)
                )
    return fees


def uplift_list(
    *, academic_year: int | None = None, status: str = "", query: str = ""
) -> list[UpliftRequest]:
    """Uplift requests with `placements` (active at the AY start) and `saving` (decided ones
    only; None while undecided) set on each, in two queries."""
    uplifts = UpliftRequest.objects.select_related("provider")
    if academic_year:
        uplifts = uplifts.filter(academic_year=academic_year)
    if status:
        uplifts = uplifts.filter(status=status)
    if query:
        term = query.strip()
        if (urn := whole_number(term)) is not None:
            uplifts = uplifts.filter(provider__urn=urn)
        else:
            uplifts = uplifts.filter(provider__name__icontains=term)
    items = list(uplifts.order_by("-academic_year", "provider__name"))
    decorate_uplifts(items)
    return items


def decorate_uplifts(items: list[UpliftRequest]) -> None:
    fees = _base_fees_at_ay_start({(u.provider_id, u.academic_year) for u in items})
    for item in items:
        base = fees.get((item.provider_id, item.academic_year), [])
        item.placements = len(base)  # type: ignore[attr-defined]
        item.saving = (  # type: ignore[attr-defined]
            market_rules.uplift_saving(base, item.requested_percent, item.agreed_percent)
            if item.status in DECIDED
            else None
        )


def uplift_savings_by_year() -> list[dict[str, Any]]:
    """Per AY (newest first): decided requests, pending requests, placements counted in the
    decided requests, and the total negotiation saving."""
    items = list(UpliftRequest.objects.all())
    decorate_uplifts(items)
    years: dict[int, dict[str, Any]] = {}
    for item in items:
        row = years.setdefault(
            item.academic_year,
            {
                "academic_year": item.academic_year,
                "label": calendar.academic_year_label(item.academic_year),
                "decided": 0,
                "pending": 0,
                "placements": 0,
                "saving": Decimal(0),
            },
        )
        if item.status in DECIDED:
            row["decided"] += 1
            row["placements"] += item.placements  # type: ignore[attr-defined]
            row["saving"] += item.saving  # type: ignore[attr-defined]
        else:
            row["pending"] += 1
    return [years[year] for year in sorted(years, reverse=True)]


def uplift_savings_rows(*, academic_year: int) -> list[dict[str, Any]]:
    """One row per decided uplift request of the AY, for the `uplift-savings` report."""
    items = list(
        UpliftRequest.objects.select_related("provider")
        .filter(academic_year=academic_year, status__in=DECIDED)
        .order_by("provider__urn")
    )
    decorate_uplifts(items)
    return [
        {
            "urn": item.provider.urn,
            "provider": item.provider.name,
            "placements": item.placements,  # type: ignore[attr-defined]
            "requested_percent": item.requested_percent,
            "agreed_percent": item.agreed_percent or Decimal("0.00"),
            "saving": item.saving,  # type: ignore[attr-defined]
        }
        for item in items
    ]


# --- Block contracts --------------------------------------------------------------------


def block_contract_list() -> QuerySet[BlockContract]:
    return BlockContract.objects.select_related("provider", "lot").order_by(
        "-start_date", "provider__name"
    )


def block_contract_utilisation(contract: BlockContract, *, today: dt.date) -> list[dict[str, Any]]:
    """Month by month up to this month (market_rules.utilisation_by_month), in one query."""
    spans = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=contract.start_date),
        provider_id=contract.provider_id,
        withdrawn=False,
        start_date__lte=contract.end_date,
    ).values_list("start_date", "end_date")
    return market_rules.utilisation_by_month(
        places_reserved=contract.places_reserved,
        start=contract.start_date,
        end=contract.end_date,
        placements=list(spans),
        until=today,
    )


def block_contracts_current_utilisation(contracts: list[BlockContract], *, today: dt.date) -> None:
    """Set `filled` and `utilisation` (this month's census) on each contract, in one query."""
    if not contracts:
        return
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for provider_id, start, end in Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today.replace(day=1)),
        provider_id__in={c.provider_id for c in contracts},
        withdrawn=False,
        start_date__lte=today,
    ).values_list("provider_id", "start_date", "end_date"):
        spans[provider_id].append((start, end))
    for contract in contracts:
        rows = (
            market_rules.utilisation_by_month(
                places_reserved=contract.places_reserved,
                start=max(contract.start_date, today.replace(day=1)),
                end=contract.end_date,
                placements=spans[contract.provider_id],
                until=today,
            )
            if contract.start_date <= today <= contract.end_date
            else []
        )
        contract.filled = rows[-1]["filled"] if rows else None  # type: ignore[attr-defined]
        contract.utilisation = rows[-1]["percent"] if rows else None  # type: ignore[attr-defined]


# --- Contract register ------------------------------------------------------------------


def contract_register(*, today: dt.date, status: str = "") -> list[Contract]:
    contracts = Contract.objects.select_related("provider", "framework")
    if status:
        contracts = contracts.filter(status=status)
    items = list(contracts.order_by("end_date", "reference"))
    for item in items:
        live = item.status in (Contract.Status.ACTIVE, Contract.Status.EXTENDED)
        item.expiring_soon = live and market_rules.expiring_soon(item.end_date, today)  # type: ignore[attr-defined]
        item.overdue = live and item.end_date < today  # type: ignore[attr-defined]
    return items


CONTRACT_FIELDS = {
    "reference": "Reference",
    "title": "Title",
    "provider": "Provider",
    "framework": "Framework",
    "value": "Contract value",
    "start_date": "Start date",
    "end_date": "End date",
    "extension_options": "Extension options",
    "max_extension_months": "Maximum extension in months",
    "status": "Status",
}


def _contract_value_shown(field: str, value: Any, names: dict[str, dict[Any, str]]) -> str:
    if value in (None, ""):
        return "None"
    if field in names:
        return names[field].get(value, str(value))
    if field == "value":
        return f"£{Decimal(value):,.2f}"
    if field in ("start_date", "end_date"):
        return f"{value:%-d %b %Y}"
    if field == "status":
        return str(Contract.Status(value).label)
    return str(value)


def contract_history(contract: Contract) -> list[dict[str, Any]]:
    """Every change to a register contract, newest first: who, when, and before → after."""
    records = list(contract.history.select_related("history_user").order_by("history_id"))
    provider_ids = {r.provider_id for r in records if r.provider_id}
    framework_ids = {r.framework_id for r in records if r.framework_id}
    names: dict[str, dict[Any, str]] = {
        "provider": {
            p.pk: f"{p.name} ({p.urn})"
            for p in Provider.objects.filter(pk__in=provider_ids).only("name", "urn")
        },
        "framework": dict(Framework.objects.filter(pk__in=framework_ids).values_list("pk", "name")),
    }
    entries: list[dict[str, Any]] = []
    previous = None
    for record in records:
        changes: list[dict[str, str]] = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=list(CONTRACT_FIELDS))
            changes = [
                {
                    "field": CONTRACT_FIELDS[change.field],
                    "before": _contract_value_shown(change.field, change.old, names),
                    "after": _contract_value_shown(change.field, change.new, names),
                }
                for change in delta.changes
            ]
        if previous is None or changes:
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "added": previous is None,
                    "changes": changes,
                }
            )
        previous = record
    entries.reverse()
    return entries


def contracts_expiring_count(*, today: dt.date) -> int:
    """Live contracts (active or extended) ending today or within EXPIRING_WITHIN_MONTHS."""
    return Contract.objects.filter(
        status__in=(Contract.Status.ACTIVE, Contract.Status.EXTENDED),
        end_date__gte=today,
        end_date__lte=market_rules.add_months(today, market_rules.EXPIRING_WITHIN_MONTHS),
    ).count()


# --- Attendance penalties ---------------------------------------------------------------


def attendance_years() -> list[int]:
    return list(
        AttendanceRecord.objects.order_by("-academic_year")
        .values_list("academic_year", flat=True)
        .distinct()
    )


def _rules_by_provider(
    provider_ids: set[int],
) -> dict[int, list[tuple[dt.date, AttendancePenaltyRule]]]:
    """Provider → [(framework start, rule)] for the frameworks it is a member of, newest first."""
    rules = {
        rule.framework_id: rule
        for rule in AttendancePenaltyRule.objects.select_related("framework")
    }
    by_provider: dict[int, list[tuple[dt.date, AttendancePenaltyRule]]] = defaultdict(list)
    for provider_id, framework_id in Membership.objects.filter(
        provider_id__in=provider_ids
    ).values_list("provider_id", "framework_id"):
        if framework_id in rules:
            rule = rules[framework_id]
            by_provider[provider_id].append((rule.framework.start_date, rule))
    for entries in by_provider.values():
        entries.sort(key=lambda entry: entry[0], reverse=True)
    return by_provider


def attendance_penalties(*, academic_year: int) -> dict[str, Any]:
    """Each termly attendance record of the AY with its term fee and penalty under the rule of
    the latest framework (started by the term's first day) the provider is a member of; totals
    per provider and term. Three queries."""
    records = list(
        AttendanceRecord.objects.filter(academic_year=academic_year)
        .select_related("placement__provider", "placement__child")
        .order_by("placement__provider__name", "placement__child__child_ref", "term")
    )
    rules = _rules_by_provider({r.placement.provider_id for r in records})
    providers: dict[int, dict[str, Any]] = {}
    below: list[AttendanceRecord] = []
    term_totals = {term: Decimal(0) for term in market_rules.TERMS}
    for record in records:
        placement = record.placement
        first, _last = market_rules.term_bounds(academic_year, record.term)
        rule = next(
            (r for started, r in rules.get(placement.provider_id, []) if started <= first), None
        )
        fee = market_rules.term_fee(
            base_fee=placement.annual_cost,
            academic_year=academic_year,
            term=record.term,
            placement_start=placement.start_date,
            placement_end=placement.end_date,
        )
        penalty = (
            market_rules.attendance_penalty(
                fee_for_term=fee,
                attendance_percent=record.attendance_percent,
                threshold_percent=rule.threshold_percent,
                reduction_percent=rule.fee_reduction_percent,
            )
            if rule
            else Decimal(0)
        )
        record.term_fee = fee  # type: ignore[attr-defined]
        record.penalty = penalty  # type: ignore[attr-defined]
        record.rule = rule  # type: ignore[attr-defined]
        row = providers.setdefault(
            placement.provider_id,
            {
                "provider": placement.provider,
                "records": 0,
                "below": 0,
                **{term: Decimal(0) for term in market_rules.TERMS},
                "total": Decimal(0),
            },
        )
        row["records"] += 1
        row[record.term] += penalty
        row["total"] += penalty
        term_totals[record.term] += penalty
        if penalty:
            row["below"] += 1
            below.append(record)
    rows = sorted(providers.values(), key=lambda r: (-r["total"], r["provider"].name))
    return {
        "providers": rows,
        "below": below,
        "records": len(records),
        "term_totals": term_totals,
        "total": sum(term_totals.values(), Decimal(0)),
    }
