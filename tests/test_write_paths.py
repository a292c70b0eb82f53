"""Every write that locks a row or checks a version, run as the product runs it: outside a test
transaction (`django_db(transaction=True)`), on PostgreSQL in CI and on SQLite locally.

Inside a test transaction a service that has lost its own transaction still works, so a save
that answers 500 on PostgreSQL (`select_for_update cannot be used outside of a transaction`)
or silently replaces someone else's save on SQLite passes there. Here each write path saves a
valid change, and refuses a save at a version someone else has saved since (one test each: a
test outside a transaction empties every table after it, which takes seconds on PostgreSQL). The races (two
people at once, through the pages) are in tests/test_write_races.py; the check that every
locking read is in a transaction is tests/test_locking_reads_are_atomic.py.

Consultations (dps/services.py `_current` and the services using it) are left to their own
tests: the static check covers their transactions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F, Model

from core.errors import StaleEditError
from dps import market_services
from dps import services as dps_services
from dps.models import (
    AttendanceRecord,
    BlockContract,
    Contract,
    FeeSchedule,
    Framework,
    Lot,
    Membership,
    UpliftRequest,
)
from panel import services as panel_services
from panel.models import Meeting, PanelRequest
from placements import services as placement_services
from placements.models import EHCP, Child, Placement, Provider
from reporting import sufficiency_services
from reporting.models import PlannedPlaces, SufficiencyScenario
from tests.factories import (
    BlockContractFactory,
    ContractFactory,
    EHCPFactory,
    FeeScheduleFactory,
    FrameworkFactory,
    LotFactory,
    MeetingFactory,
    MembershipFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
    UpliftRequestFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class VersionedWrite:
    """A service that changes a record only at the version the form showed."""

    make: Callable[[], Model]
    save: Callable[[Any, int, Any], object]
    """`save(record, version, user)` makes the change."""
    saved: Callable[[Any], bool]
    """Whether the database holds the change (re-read, by the record's pk)."""


def _scenario() -> SufficiencyScenario:
    return SufficiencyScenario.objects.create(
        name="Five more SRP places", ehcp_change_percent=Decimal(5), ehcp_change_from_year=2026
    )


def _planned_places() -> PlannedPlaces:
    return PlannedPlaces.objects.create(
        setting_group="srp", phase="primary", academic_year=2026, places=5
    )


def _places_change(line: PlannedPlaces, version: int, user) -> PlannedPlaces:
    return sufficiency_services.planned_places_update(
        line_id=line.pk,
        version=version,
        setting_group="srp",
        phase="primary",
        academic_year=2026,
        places=8,
        user=user,
    )


def _block_change(item: BlockContract, version: int, user) -> BlockContract:
    return market_services.block_contract_update(
        contract_id=item.pk,
        version=version,
        lot=None,
        places_reserved=9,
        price_per_place=item.price_per_place,
        start_date=item.start_date,
        end_date=item.end_date,
        user=user,
    )


def _contract_change(item: Contract, version: int, user) -> Contract:
    return market_services.contract_update(
        contract_id=item.pk,
        version=version,
        reference=item.reference,
        title="Renamed register entry",
        framework=item.framework,
        value=item.value,
        start_date=item.start_date,
        end_date=item.end_date,
        status=item.status,
        user=user,
    )


def _sen2_of_the_plan(ehcp: EHCP, version: int, user) -> None:
    placement_services.sen2_details_update(
        child=ehcp.child,
        child_version=Child.objects.get(pk=ehcp.child_id).version,
        ehcp=ehcp,
        ehcp_version=version,
        child_values={},
        ehcp_values={"transfer_la": "886"},
        user=user,
    )


def _child_with_a_plan() -> Child:
    return EHCPFactory().child


def _sen2_of_the_child(child: Child, version: int, user) -> None:
    ehcp = child.ehcps.get()
    placement_services.sen2_details_update(
        child=child,
        child_version=version,
        ehcp=ehcp,
        ehcp_version=EHCP.objects.get(pk=ehcp.pk).version,
        child_values={"upn": "a12345678901b"},
        ehcp_values={},
        user=user,
    )


def _framework_change(framework: Framework, version: int, user) -> Framework:
    return market_services.framework_save(
        framework=framework,
        version=version,
        name=framework.name,
        start_date=framework.start_date,
        initial_term_years=framework.initial_term_years,
        max_extension_years=framework.max_extension_years,
        description="Renamed in the other tab",
        user=user,
    )


def _lot_change(lot: Lot, version: int, user) -> Lot:
    return market_services.lot_save(
        lot=lot,
        version=version,
        framework=lot.framework,
        number=lot.number,
        name="Higher needs",
        user=user,
    )


VERSIONED: dict[str, VersionedWrite] = {
    "SEN2 details of a plan": VersionedWrite(
        make=EHCPFactory,
        save=_sen2_of_the_plan,
        saved=lambda e: EHCP.objects.get(pk=e.pk).transfer_la == "886",
    ),
    "SEN2 details of a child": VersionedWrite(
        make=_child_with_a_plan,
        save=_sen2_of_the_child,
        saved=lambda c: Child.objects.get(pk=c.pk).upn == "A12345678901B",
    ),
    "a school's Ofsted outcome": VersionedWrite(
        make=ProviderFactory,
        save=lambda p, version, user: dps_services.provider_ofsted_record(
            provider=p,
            version=version,
            user=user,
            inspection_date=dt.date(2025, 2, 4),
            overall_effectiveness=1,
        ),
        saved=lambda p: Provider.objects.get(pk=p.pk).ofsted_date == dt.date(2025, 2, 4),
    ),
    "a school's SEN contact": VersionedWrite(
        make=ProviderFactory,
        save=lambda p, version, user: dps_services.provider_contact_update(
            provider=p, version=version, user=user, name="Sam Jones", email="senco@school.org.uk"
        ),
        saved=lambda p: Provider.objects.get(pk=p.pk).sen_contact_email == "senco@school.org.uk",
    ),
    "framework": VersionedWrite(
        make=FrameworkFactory,
        save=_framework_change,
        saved=lambda f: Framework.objects.get(pk=f.pk).description == "Renamed in the other tab",
    ),
    "lot": VersionedWrite(
        make=LotFactory,
        save=_lot_change,
        saved=lambda lot: Lot.objects.get(pk=lot.pk).name == "Higher needs",
    ),
    "placement change": VersionedWrite(
        make=PlacementFactory,
        save=lambda p, version, user: placement_services.placement_update(
            placement=p, version=version, annual_cost=Decimal("41000.00"), user=user
        ),
        saved=lambda p: Placement.objects.get(pk=p.pk).annual_cost == Decimal("41000.00"),
    ),
    "placement end": VersionedWrite(
        make=PlacementFactory,
        save=lambda p, version, user: placement_services.placement_end(
            placement=p, end_date=dt.date(2025, 7, 31), version=version, user=user
        ),
        saved=lambda p: Placement.objects.get(pk=p.pk).end_date == dt.date(2025, 7, 31),
    ),
    "placement withdrawal": VersionedWrite(
        make=PlacementFactory,
        save=lambda p, version, user: placement_services.placement_withdraw(
            placement=p, version=version, user=user
        ),
        saved=lambda p: Placement.objects.get(pk=p.pk).withdrawn,
    ),
    "membership status": VersionedWrite(
        make=MembershipFactory,
        save=lambda m, version, user: market_services.membership_status_change(
            membership_id=m.pk,
            version=version,
            status=Membership.Status.SUSPENDED,
            on=dt.date(2025, 1, 6),
            reason="Ofsted: Inadequate",
            user=user,
        ),
        saved=lambda m: Membership.objects.get(pk=m.pk).status == Membership.Status.SUSPENDED,
    ),
    "membership evidence": VersionedWrite(
        make=MembershipFactory,
        save=lambda m, version, user: market_services.membership_evidence_update(
            membership_id=m.pk,
            version=version,
            ofsted_grade=1,
            quality_score=Decimal("91.00"),
            notes="Visited",
            user=user,
        ),
        saved=lambda m: Membership.objects.get(pk=m.pk).quality_score == Decimal("91.00"),
    ),
    "fee schedule": VersionedWrite(
        make=FeeScheduleFactory,
        save=lambda f, version, user: market_services.fee_schedule_update(
            fee_id=f.pk, version=version, annual_fee=Decimal("38000.00"), user=user
        ),
        saved=lambda f: FeeSchedule.objects.get(pk=f.pk).annual_fee == Decimal("38000.00"),
    ),
    "uplift decision": VersionedWrite(
        make=UpliftRequestFactory,
        save=lambda u, version, user: market_services.uplift_decide(
            uplift_id=u.pk,
            version=version,
            outcome=UpliftRequest.Status.REJECTED,
            decided_on=dt.date(2025, 6, 1),
            cost_breakdown="",
            user=user,
        ),
        saved=lambda u: UpliftRequest.objects.get(pk=u.pk).status == UpliftRequest.Status.REJECTED,
    ),
    "block contract": VersionedWrite(
        make=BlockContractFactory,
        save=_block_change,
        saved=lambda b: BlockContract.objects.get(pk=b.pk).places_reserved == 9,
    ),
    "contract register entry": VersionedWrite(
        make=ContractFactory,
        save=_contract_change,
        saved=lambda c: Contract.objects.get(pk=c.pk).title == "Renamed register entry",
    ),
    "panel decision": VersionedWrite(
        make=PanelRequestFactory,
        save=lambda r, version, user: panel_services.decision_record(
            request_id=r.pk, version=version, outcome="agreed", agreed_cost=None, user=user
        ),
        saved=lambda r: PanelRequest.objects.get(pk=r.pk).outcome == "agreed",
    ),
    "sufficiency scenario change": VersionedWrite(
        make=_scenario,
        save=lambda s, version, user: sufficiency_services.sufficiency_scenario_update(
            scenario_id=s.pk,
            version=version,
            name="Eight more SRP places",
            ehcp_change_percent=Decimal(5),
            ehcp_change_from_year=2026,
            user=user,
        ),
        saved=lambda s: SufficiencyScenario.objects.get(pk=s.pk).name == "Eight more SRP places",
    ),
    "sufficiency scenario deletion": VersionedWrite(
        make=_scenario,
        save=lambda s, version, user: sufficiency_services.sufficiency_scenario_delete(
            scenario_id=s.pk, version=version, user=user
        ),
        saved=lambda s: not SufficiencyScenario.objects.filter(pk=s.pk).exists(),
    ),
    "planned places change": VersionedWrite(
        make=_planned_places,
        save=_places_change,
        saved=lambda line: PlannedPlaces.objects.get(pk=line.pk).places == 8,
    ),
    "planned places deletion": VersionedWrite(
        make=_planned_places,
        save=lambda line, version, user: sufficiency_services.planned_places_delete(
            line_id=line.pk, version=version, user=user
        ),
        saved=lambda line: not PlannedPlaces.objects.filter(pk=line.pk).exists(),
    ),
}


@pytest.mark.parametrize("write", VERSIONED.values(), ids=VERSIONED.keys())
def test_a_stale_save_is_refused_and_a_current_one_saves(write, commissioner):
    record = write.make()
    model = type(record)
    model.objects.filter(pk=record.pk).update(version=F("version") + 1)  # someone else saved
    current = record.version + 1

    with pytest.raises(StaleEditError):
        write.save(record, record.version, commissioner)
    assert not write.saved(record)
    assert model.objects.get(pk=record.pk).version == current

    write.save(record, current, commissioner)
    assert write.saved(record)
    if model.objects.filter(pk=record.pk).exists():  # a deletion leaves no version to compare
        assert model.objects.get(pk=record.pk).version == current + 1


# --- Writes that lock without a version: each saves outside a test transaction ----------------


def _placement_ending_the_previous(user) -> bool:
    previous = PlacementFactory(start_date=dt.date(2024, 9, 2))
    placement_services.placement_create(
        child=previous.child,
        provider=ProviderFactory(),
        start_date=dt.date(2025, 9, 3),
        annual_cost=Decimal("42000.00"),
        end_previous=True,
        user=user,
    )
    return Placement.objects.get(pk=previous.pk).end_date == dt.date(2025, 9, 2)


def _meeting_taking_back_a_request(user) -> bool:
    sent_back = PanelRequestFactory(
        meeting=MeetingFactory(date=dt.date(2025, 3, 5)),
        outcome=PanelRequest.Outcome.MORE_INFORMATION,
        decision_reason="The latest annual review",
    )
    meeting = panel_services.meeting_create(
        date=dt.date(2025, 3, 12), panel_type=sent_back.meeting.panel_type, user=user
    )
    return Meeting.objects.get(pk=meeting.pk).requests.filter(returning_from=sent_back).exists()


def _agreed_placement(user) -> bool:
    agreed = PanelRequestFactory(outcome=PanelRequest.Outcome.AGREED)
    placement = panel_services.agreed_placement_record(
        request_id=agreed.pk, start_date=dt.date(2025, 9, 3), attendance_pattern="day", user=user
    )
    return PanelRequest.objects.get(pk=agreed.pk).placement_id == placement.pk


def _attendance(user) -> bool:
    placement = PlacementFactory(start_date=dt.date(2024, 9, 2))
    for percent in (Decimal(91), Decimal(88)):  # recorded, then corrected
        market_services.attendance_record(
            placement=placement,
            academic_year=2024,
            term="autumn",
            attendance_percent=percent,
            user=user,
        )
    return AttendanceRecord.objects.get(placement=placement).attendance_percent == Decimal(88)


LOCKING: dict[str, Callable[[Any], bool]] = {
    "a placement that ends the previous one": _placement_ending_the_previous,
    "a meeting taking back a request sent back": _meeting_taking_back_a_request,
    "an agreed placement recorded": _agreed_placement,
    "termly attendance recorded and corrected": _attendance,
}


@pytest.mark.parametrize("write", LOCKING.values(), ids=LOCKING.keys())
def test_a_locking_write_saves_outside_a_test_transaction(write, commissioner):
    assert write(commissioner)
