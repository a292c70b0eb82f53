"""Writes for the commissioners' side of the DPS: frameworks and lots, memberships through their
life, fee schedules, uplift requests and decisions, block contracts and termly attendance.

Every change is kept by django-simple-history with the acting user; frameworks, lots, memberships,
fee schedules, uplifts, block contracts and register contracts carry a `version`, and a save from a form opened before someone
else's save is refused (docs/adr/0002)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from core.errors import DomainError, StaleEditError, full_clean_or_raise, refuse_duplicate
from core.history import keep_first_version, save_as
from core.idempotency import submit_once
from core.signals import figures_changed_on_commit
from placements.models import Placement, Provider

from . import market_rules
from .models import (
    AttendanceRecord,
    BlockContract,
    Contract,
    FeeSchedule,
    Framework,
    Lot,
    Membership,
    UpliftRequest,
)

FRAMEWORK_TAKEN = "There is already a framework with this name"
FEE_TAKEN = "This provider already has a fee for this year, pattern and band: edit it"
UPLIFT_TAKEN = "This provider already has an uplift request for this year"

STALE = "Someone else saved this record after you opened it. The form shows their values: check them and save again."


def _check_version(current: int, posted: int | None) -> None:
    if current != posted:
        raise StaleEditError(STALE)


# --- Frameworks and lots ------------------------------------------------------------


@transaction.atomic
def framework_save(
    *,
    framework: Framework | None = None,
    version: int | None = None,
    name: str,
    start_date: dt.date,
    initial_term_years: int,
    max_extension_years: int,
    description: str = "",
    user: User | None,
) -> Framework:
    """Create a framework, or change `framework`: refused when someone saved it after `version`."""
    name = name.strip()
    if framework is not None:
        item = Framework.objects.select_for_update().get(pk=framework.pk)
        _check_version(item.version, version)
        item.version += 1
    else:
        item = Framework()
    clash = Framework.objects.filter(name__iexact=name)
    if item.pk is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise DomainError({"name": FRAMEWORK_TAKEN})
    item.name = name
    item.start_date = start_date
    item.initial_term_years = initial_term_years
    item.max_extension_years = max_extension_years
    item.description = description.strip()
    full_clean_or_raise(item, exclude=["version"])
    with refuse_duplicate({"name": FRAMEWORK_TAKEN}):
        item.save()
    return item


@transaction.atomic
def lot_save(
    *,
    lot: Lot | None = None,
    version: int | None = None,
    framework: Framework,
    number: int,
    name: str,
    description: str = "",
    block_contract_eligible: bool = False,
    user: User | None,
) -> Lot:
    """Create a lot of `framework`, or change `lot`: refused when someone saved it after
    `version`."""
    if lot is not None:
        item = Lot.objects.select_for_update().get(pk=lot.pk, framework=framework)
        _check_version(item.version, version)
        item.version += 1
    else:
        item = Lot(framework=framework)
    taken = {"number": f"{framework} already has a lot {number}"}
    clash = Lot.objects.filter(framework=framework, number=number)
    if item.pk is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise DomainError(taken)
    item.number = number
    item.name = name.strip()
    item.description = description.strip()
    item.block_contract_eligible = block_contract_eligible
    full_clean_or_raise(item, exclude=["version"])
    with refuse_duplicate(taken):
        save_as(item, user)
    return item


# --- Memberships --------------------------------------------------------------------

REASON_NEEDED = {
    Membership.Status.SUSPENDED: "Enter the reason for suspending the provider",
    Membership.Status.REMOVED: "Enter the reason for removing the provider",
}


@transaction.atomic
def membership_create(
    *,
    provider: Provider,
    lot: Lot,
    applied_on: dt.date,
    ofsted_grade: int | None = None,
    quality_score: Decimal | None = None,
    notes: str = "",
    user: User | None,
) -> Membership:
    """A provider applies to a lot: recorded as `applied`, to be admitted (or not) later."""
    taken = {"provider_urn": f"{provider.name} already has a membership of {lot.framework}"}
    if Membership.objects.filter(provider=provider, framework_id=lot.framework_id).exists():
        raise DomainError(taken)
    item = Membership(
        provider=provider,
        framework_id=lot.framework_id,
        lot=lot,
        status=Membership.Status.APPLIED,
        applied_on=applied_on,
        status_changed_on=applied_on,
        ofsted_grade=ofsted_grade if ofsted_grade is not None else provider.ofsted_grade,
        quality_score=quality_score,
        notes=notes.strip(),
    )
    full_clean_or_raise(item, exclude=["version"])
    with refuse_duplicate(taken):
        save_as(item, user)
    return item


@transaction.atomic
def membership_status_change(
    *,
    membership_id: int,
    version: int,
    status: str,
    on: dt.date,
    reason: str = "",
    lot: Lot | None = None,
    user: User | None,
) -> Membership:
    """Move a membership through its life (applied → admitted → suspended ⇄ admitted → removed),
    each step with its date and reason, kept in the history. `lot` moves it between the
    framework's lots at the same time."""
    item = Membership.objects.select_for_update().get(pk=membership_id)
    _check_version(item.version, version)
    errors: dict[str, str] = {}
    if status not in Membership.Status.values:
        errors["status"] = "Select the new status"
    elif status == item.status and (lot is None or lot.pk == item.lot_id):
        errors["status"] = f"The membership is already {item.get_status_display().lower()}"
    reason = reason.strip()
    if status in REASON_NEEDED and not reason:
        errors["reason"] = REASON_NEEDED[Membership.Status(status)]
    if item.applied_on and on < item.applied_on:
        errors["on"] = "The date must be the same as or after the application date"
    if lot is not None and lot.framework_id != item.framework_id:
        errors["lot"] = "Select a lot of the same framework"
    if errors:
        raise DomainError(errors)
    if status == Membership.Status.ADMITTED and item.admitted_on is None:
        item.admitted_on = on
    if lot is not None:
        item.lot = lot
    item.status = status
    item.status_changed_on = on
    item.status_reason = reason
    item.version += 1
    save_as(item, user)
    return item


@transaction.atomic
def membership_evidence_update(
    *,
    membership_id: int,
    version: int,
    ofsted_grade: int | None,
    quality_score: Decimal | None,
    notes: str,
    user: User | None,
) -> Membership:
    item = Membership.objects.select_for_update().get(pk=membership_id)
    _check_version(item.version, version)
    item.ofsted_grade = ofsted_grade
    item.quality_score = quality_score
    item.notes = notes.strip()
    full_clean_or_raise(item, exclude=["version"])
    item.version += 1
    save_as(item, user)
    return item


# --- Fee schedules ------------------------------------------------------------------


@transaction.atomic
def fee_schedule_create(
    *,
    provider: Provider,
    academic_year: int,
    attendance_pattern: str,
    band: str = "",
    annual_fee: Decimal,
    user: User | None,
) -> FeeSchedule:
    band = band.strip()
    if FeeSchedule.objects.filter(
        provider=provider,
        academic_year=academic_year,
        attendance_pattern=attendance_pattern,
        band=band,
    ).exists():
        raise DomainError({"band": FEE_TAKEN})
    item = FeeSchedule(
        provider=provider,
        academic_year=academic_year,
        attendance_pattern=attendance_pattern,
        band=band,
        annual_fee=annual_fee,
    )
    full_clean_or_raise(item, exclude=["version"])
    with refuse_duplicate({"band": FEE_TAKEN}):
        save_as(item, user)
    figures_changed_on_commit(FeeSchedule, f"fee schedule {item.pk} created")
    return item


@transaction.atomic
def fee_schedule_update(
    *, fee_id: int, version: int, annual_fee: Decimal, user: User | None
) -> FeeSchedule:
    item = FeeSchedule.objects.select_for_update().get(pk=fee_id)
    _check_version(item.version, version)
    keep_first_version(item)
    item.annual_fee = annual_fee
    full_clean_or_raise(item, exclude=["version"])
    item.version += 1
    save_as(item, user)
    figures_changed_on_commit(FeeSchedule, f"fee schedule {item.pk} updated")
    return item


# --- Uplift requests ------------------------------------------------------------------


def _breakdown_error(requested: Decimal) -> str:
    threshold = settings.UPLIFT_BREAKDOWN_THRESHOLD_PERCENT
    return (
        f"Enter the cost breakdown: it is needed for a request above {threshold:g}% "
        "before it can be agreed"
    )


@transaction.atomic
def uplift_create(
    *,
    provider: Provider,
    academic_year: int,
    requested_percent: Decimal,
    justification: str,
    cost_breakdown: str = "",
    received_on: dt.date,
    user: User | None,
) -> UpliftRequest:
    if UpliftRequest.objects.filter(provider=provider, academic_year=academic_year).exists():
        raise DomainError({"academic_year": UPLIFT_TAKEN})
    if not justification.strip():
        raise DomainError({"justification": "Enter the provider's justification"})
    item = UpliftRequest(
        provider=provider,
        academic_year=academic_year,
        requested_percent=requested_percent,
        justification=justification.strip(),
        cost_breakdown=cost_breakdown.strip(),
        received_on=received_on,
    )
    full_clean_or_raise(item, exclude=["version"])
    with refuse_duplicate({"academic_year": UPLIFT_TAKEN}):
        save_as(item, user)
    return item


@transaction.atomic
def uplift_decide(
    *,
    uplift_id: int,
    version: int,
    outcome: str,
    agreed_percent: Decimal | None = None,
    decided_on: dt.date | None = None,
    cost_breakdown: str,
    user: User | None,
) -> UpliftRequest:
    """Record where the negotiation stands: `negotiating` (no decision yet), `agreed` at
    `agreed_percent` (up to the requested %), or `rejected` (agreed 0%). A request above the
    threshold needs its cost breakdown before it can be agreed."""
    item = UpliftRequest.objects.select_for_update().get(pk=uplift_id)
    _check_version(item.version, version)
    keep_first_version(item)
    breakdown = cost_breakdown.strip()
    errors: dict[str, str] = {}
    if outcome == UpliftRequest.Status.AGREED:
        if agreed_percent is None:
            errors["agreed_percent"] = "Enter the agreed uplift as a percentage"
        elif agreed_percent < 0:
            errors["agreed_percent"] = "The agreed uplift must be 0% or more"
        elif agreed_percent > item.requested_percent:
            errors["agreed_percent"] = (
                f"The agreed uplift must not be more than the {item.requested_percent}% requested"
            )
        if not breakdown and market_rules.uplift_breakdown_required(
            item.requested_percent, settings.UPLIFT_BREAKDOWN_THRESHOLD_PERCENT
        ):
            errors["cost_breakdown"] = _breakdown_error(item.requested_percent)
    elif outcome not in (UpliftRequest.Status.REJECTED, UpliftRequest.Status.NEGOTIATING):
        errors["outcome"] = "Select the outcome"
    if outcome in (UpliftRequest.Status.AGREED, UpliftRequest.Status.REJECTED):
        if decided_on is None:
            errors["decided_on"] = "Enter the date of the decision"
        elif item.received_on and decided_on < item.received_on:
            errors["decided_on"] = "The decision date must be on or after the date received"
    if errors:
        raise DomainError(errors)
    item.cost_breakdown = breakdown
    item.status = outcome
    if outcome == UpliftRequest.Status.AGREED:
        item.agreed_percent = agreed_percent
        item.decided_on = decided_on
    elif outcome == UpliftRequest.Status.REJECTED:
        item.agreed_percent = Decimal("0.00")
        item.decided_on = decided_on
    else:
        item.agreed_percent = None
        item.decided_on = None
    item.version += 1
    save_as(item, user)
    figures_changed_on_commit(UpliftRequest, f"uplift request {item.pk} decided")
    return item


# --- Block contracts -------------------------------------------------------------------


@transaction.atomic
def block_contract_create(
    *,
    provider: Provider,
    lot: Lot | None,
    places_reserved: int,
    price_per_place: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    submission_token: uuid.UUID | None = None,
    user: User | None,
) -> BlockContract:
    """Reserve places at a provider. Two identical block contracts can be meant (no natural
    key), so the form's `submission_token` makes a repeated form return the first one."""

    def create() -> BlockContract:
        errors = _block_contract_errors(
            provider=provider,
            lot=lot,
            places_reserved=places_reserved,
            start_date=start_date,
            end_date=end_date,
        )
        if errors:
            raise DomainError(errors)
        item = BlockContract(
            provider=provider,
            lot=lot,
            places_reserved=places_reserved,
            price_per_place=price_per_place,
            start_date=start_date,
            end_date=end_date,
        )
        full_clean_or_raise(item, exclude=["version"])
        save_as(item, user)
        return item

    return submit_once(token=submission_token, user=user, model=BlockContract, create=create)


def _block_contract_errors(
    *,
    provider: Provider,
    lot: Lot | None,
    places_reserved: int,
    start_date: dt.date,
    end_date: dt.date,
    keep_lot: Lot | None = None,
) -> dict[str, str]:
    """The rules for a block contract's terms. `keep_lot` is the lot it already has: a change
    that keeps it is not checked again (the provider's membership may have moved on since)."""
    errors: dict[str, str] = {}
    if end_date < start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if places_reserved < 1:
        errors["places_reserved"] = "Enter at least 1 place"
    if lot is not None and (keep_lot is None or lot.pk != keep_lot.pk):
        if not lot.block_contract_eligible:
            errors["lot"] = f"{lot} is not eligible for block contracts"
        elif not Membership.objects.filter(
            provider=provider, lot=lot, status=Membership.Status.ADMITTED
        ).exists():
            errors["lot"] = f"{provider.name} is not admitted to {lot}"
    return errors


@transaction.atomic
def block_contract_update(
    *,
    contract_id: int,
    version: int,
    lot: Lot | None,
    places_reserved: int,
    price_per_place: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    user: User | None,
) -> BlockContract:
    """Change a block contract's places, price, period or lot. The provider stays: a contract
    with another provider is a new block contract."""
    item = (
        BlockContract.objects.select_for_update(of=("self",))
        .select_related("provider", "lot")
        .get(pk=contract_id)
    )
    _check_version(item.version, version)
    errors = _block_contract_errors(
        provider=item.provider,
        lot=lot,
        places_reserved=places_reserved,
        start_date=start_date,
        end_date=end_date,
        keep_lot=item.lot,
    )
    if errors:
        raise DomainError(errors)
    item.lot = lot
    item.places_reserved = places_reserved
    item.price_per_place = price_per_place
    item.start_date = start_date
    item.end_date = end_date
    full_clean_or_raise(item, exclude=["version"])
    item.version += 1
    save_as(item, user)
    return item


# --- The contract register ---------------------------------------------------------------

REFERENCE_TAKEN = "There is already a contract with reference {reference}: choose another"


def _contract_errors(
    *, reference: str, title: str, start_date: dt.date, end_date: dt.date, exclude: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not reference:
        errors["reference"] = "Enter the contract reference"
    else:
        clash = Contract.objects.filter(reference__iexact=reference)
        if exclude is not None:
            clash = clash.exclude(pk=exclude)
        if clash.exists():
            errors["reference"] = REFERENCE_TAKEN.format(reference=reference)
    if not title:
        errors["title"] = "Enter the contract title"
    if end_date < start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    return errors


def _contract_save(item: Contract, fields: dict[str, Any], user: User | None) -> Contract:
    """Check, fill and save a register entry (new or changed) from the fields a user gave."""
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    errors = _contract_errors(
        reference=fields["reference"],
        title=fields["title"],
        start_date=fields["start_date"],
        end_date=fields["end_date"],
        exclude=item.pk,
    )
    if errors:
        raise DomainError(errors)
    for name, value in fields.items():
        setattr(item, name, value)
    full_clean_or_raise(item, exclude=["version"])
    with refuse_duplicate({"reference": REFERENCE_TAKEN.format(reference=item.reference)}):
        save_as(item, user)
    return item


@transaction.atomic
def contract_create(
    *,
    reference: str,
    title: str,
    provider: Provider | None = None,
    framework: Framework | None = None,
    value: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    extension_options: str = "",
    max_extension_months: int = 0,
    status: str = Contract.Status.ACTIVE,
    user: User | None,
) -> Contract:
    """Add a contract to the register. References are unique, whatever their case."""
    fields = dict(locals())  # the register's fields, exactly as the keywords above name them
    del fields["user"]
    return _contract_save(Contract(), fields, user)


@transaction.atomic
def contract_update(
    *,
    contract_id: int,
    version: int,
    reference: str,
    title: str,
    provider: Provider | None = None,
    framework: Framework | None = None,
    value: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    extension_options: str = "",
    max_extension_months: int = 0,
    status: str,
    user: User | None,
) -> Contract:
    """Change a contract in the register; refused when someone saved it after `version`."""
    fields = dict(locals())
    for name in ("contract_id", "version", "user"):
        del fields[name]
    item = Contract.objects.select_for_update().get(pk=contract_id)
    _check_version(item.version, version)
    item.version += 1
    return _contract_save(item, fields, user)


# --- Attendance -------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    placement: Placement,
    academic_year: int,
    term: str,
    attendance_percent: Decimal,
    user: User | None,
) -> AttendanceRecord:
    """Record (or correct) a placement's attendance in a term of an academic year."""
    errors: dict[str, str] = {}
    if term not in AttendanceRecord.Term.values:
        errors["term"] = "Select the term"
    else:
        first, last = market_rules.term_bounds(academic_year, term)
        if placement.start_date > last or (placement.end_date and placement.end_date < first):
            errors["term"] = "The placement was not running in that term"
    if not Decimal(0) <= attendance_percent <= Decimal(100):
        errors["attendance_percent"] = "Attendance must be between 0% and 100%"
    if errors:
        raise DomainError(errors)
    item, _created = AttendanceRecord.objects.update_or_create(
        placement=placement,
        academic_year=academic_year,
        term=term,
        defaults={"attendance_percent": attendance_percent},
    )
    return item
