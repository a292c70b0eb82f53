"""Reads for the DPS provider profile: membership, fees, block contracts, consultations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from dps.models import BlockContract, FeeSchedule, Membership
from dps.selectors.search import ConsultationStats, consultation_stats
from placements.models import Placement, Provider


@dataclass
class BlockContractRow:
    contract: BlockContract
    filled: int

    @property
    def utilisation_percent(self) -> int:
        return round(100 * self.filled / self.contract.places_reserved)


@dataclass
class ProviderProfile:
    provider: Provider
    membership: Membership | None
    fees: list[FeeSchedule]
    block_contracts: list[BlockContractRow]
    active_placements: list[Placement]
    active_count: int
    stats: ConsultationStats


def provider_profile(*, urn: int, on: dt.date) -> ProviderProfile:
    provider = Provider.objects.prefetch_related("need_types").get(urn=urn)
    membership = (
        Membership.objects.filter(provider=provider)
        .select_related("lot", "framework")
        .order_by("-framework__start_date")
        .first()
    )
    fees = list(
        FeeSchedule.objects.filter(provider=provider).order_by(
            "-academic_year", "attendance_pattern", "band"
        )[:12]
    )
    active = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        provider=provider,
        withdrawn=False,
        start_date__lte=on,
    )
    active_count = active.count()
    contracts = []
    for contract in BlockContract.objects.filter(provider=provider).order_by("-start_date")[:10]:
        day = min(max(on, contract.start_date), contract.end_date)
        filled = Placement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            provider=provider,
            withdrawn=False,
            start_date__lte=day,
        ).count()
        contracts.append(
            BlockContractRow(contract=contract, filled=min(filled, contract.places_reserved))
        )
    return ProviderProfile(
        provider=provider,
        membership=membership,
        fees=fees,
        block_contracts=contracts,
        active_placements=list(active.select_related("child").order_by("start_date")[:200]),
        active_count=active_count,
        stats=consultation_stats([provider.pk]).get(provider.pk, ConsultationStats()),
    )
