"""Writes for children, EHCPs, providers and placements. Every write goes through here."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Final

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import DomainError, StaleEditError, full_clean_or_raise
from core.history import history_user_set, save_as
from core.signals import figures_changed_on_commit

from . import rules
from .models import Child, Placement, Provider


def _validate_constraints(instance: Placement) -> None:
    try:
        instance.validate_constraints()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error


def placement_overlaps(
    *,
    child: Child,
    start_date: dt.date,
    end_date: dt.date | None,
    exclude_id: int | None = None,
) -> list[Placement]:
    """The child's other placements that share a day with the given period (dual registration aside)."""
    others = Placement.objects.filter(child=child, withdrawn=False, dual_registered=False)
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    return [
        other
        for other in others.select_related("provider")
        if rules.periods_overlap(start_date, end_date, other.start_date, other.end_date)
    ]


def _check_overlap(placement: Placement) -> None:
    if placement.dual_registered or placement.withdrawn:
        return
    clashes = placement_overlaps(
        child=placement.child,
        start_date=placement.start_date,
        end_date=placement.end_date,
        exclude_id=placement.pk,
    )
    if clashes:
        other = clashes[0]
        until = f"to {other.end_date:%-d %B %Y}" if other.end_date else "with no end date"
        raise DomainError(
            {
                "start_date": (
                    f"This overlaps the placement at {other.provider.name} from "
                    f"{other.start_date:%-d %B %Y} {until}. End that placement the day before, "
                    "or mark this one as dual registration."
                )
            }
        )


def _check_dates(placement: Placement) -> None:
    if placement.end_date and placement.start_date and placement.end_date < placement.start_date:
        raise DomainError(
            {
                "end_date": (
                    "The end date must be the same as or after the start date, "
                    f"{placement.start_date:%-d %B %Y}"
                )
            }
        )


def _check_shares(placement: Placement) -> None:
    total = placement.education_share + placement.health_share + placement.social_care_share
    if total != Decimal(100):
        raise DomainError(
            {"education_share": f"Funding shares must add up to 100%, not {total.normalize():f}%"}
        )


class _Unset(enum.Enum):
    """A field `placement_update` was not given: it keeps its value (None is a value, no end date)."""

    UNSET = "unset"


UNSET: Final = _Unset.UNSET


@transaction.atomic
def placement_create(
    *,
    child: Child,
    provider: Provider,
    start_date: dt.date,
    annual_cost: Decimal,
    end_date: dt.date | None = None,
    additional_cost: Decimal = Decimal(0),
    attendance_pattern: str = "day",
    setting_type: str = "",
    reason: str = "",
    education_share: Decimal = Decimal(100),
    health_share: Decimal = Decimal(0),
    social_care_share: Decimal = Decimal(0),
    dual_registered: bool = False,
    end_previous: bool = False,
    user: User | None,
) -> Placement:
    """Create a placement. With `end_previous`, the child's open placement ends the day before."""
    if end_previous:
        for previous in Placement.objects.select_for_update().filter(
            child=child, end_date__isnull=True, withdrawn=False, dual_registered=False
        ):
            if previous.start_date < start_date:
                previous.end_date = start_date - dt.timedelta(days=1)
                previous.version += 1
                save_as(previous, user, update_fields=["end_date", "version", "updated_at"])
    placement = Placement(
        child=child,
        provider=provider,
        start_date=start_date,
        end_date=end_date,
        annual_cost=annual_cost,
        additional_cost=additional_cost,
        attendance_pattern=attendance_pattern,
        setting_type=setting_type,
        reason=reason,
        education_share=education_share,
        health_share=health_share,
        social_care_share=social_care_share,
        dual_registered=dual_registered,
    )
    full_clean_or_raise(placement, exclude=["version"])
    _check_dates(placement)
    _check_shares(placement)
    _check_overlap(placement)
    _validate_constraints(placement)
    history_user_set(placement, user)
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError as error:
        raise DomainError(
            "This child already has a placement at that provider from that date."
        ) from error
    figures_changed_on_commit(Placement, f"placement {placement.pk} created")
    return placement


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    version: int,
    user: User | None,
    setting_type: str | _Unset = UNSET,
    start_date: dt.date | _Unset = UNSET,
    end_date: dt.date | None | _Unset = UNSET,
    attendance_pattern: str | _Unset = UNSET,
    annual_cost: Decimal | _Unset = UNSET,
    additional_cost: Decimal | _Unset = UNSET,
    education_share: Decimal | _Unset = UNSET,
    health_share: Decimal | _Unset = UNSET,
    social_care_share: Decimal | _Unset = UNSET,
    reason: str | _Unset = UNSET,
    dual_registered: bool | _Unset = UNSET,
) -> Placement:
    """Change the given fields of a placement (the others keep their values), refusing the save
    if someone else changed it since `version` was read. The child and provider do not change."""
    current = Placement.objects.select_for_update().get(pk=placement.pk)
    if current.version != version:
        raise StaleEditError(
            "Someone else changed this placement while you were editing it. "
            "The form now shows their version: check it and make your change again."
        )
    given = {
        "setting_type": setting_type,
        "start_date": start_date,
        "end_date": end_date,
        "attendance_pattern": attendance_pattern,
        "annual_cost": annual_cost,
        "additional_cost": additional_cost,
        "education_share": education_share,
        "health_share": health_share,
        "social_care_share": social_care_share,
        "reason": reason,
        "dual_registered": dual_registered,
    }
    for name, value in given.items():
        if value is not UNSET:
            setattr(current, name, value)
    full_clean_or_raise(current, exclude=["version"])
    _check_dates(current)
    _check_shares(current)
    _check_overlap(current)
    _validate_constraints(current)
    current.version += 1
    save_as(current, user)
    figures_changed_on_commit(Placement, f"placement {current.pk} updated")
    return current


@transaction.atomic
def placement_end(
    *, placement: Placement, end_date: dt.date, version: int, user: User | None
) -> Placement:
    return placement_update(placement=placement, version=version, end_date=end_date, user=user)


@transaction.atomic
def placement_withdraw(*, placement: Placement, version: int, user: User | None) -> Placement:
    """Entered in error: kept with its history, left out of every figure."""
    current = Placement.objects.select_for_update().get(pk=placement.pk)
    if current.version != version:
        raise StaleEditError("Someone else changed this placement while you were viewing it.")
    current.withdrawn = True
    current.version += 1
    save_as(current, user, update_fields=["withdrawn", "version", "updated_at"])
    figures_changed_on_commit(Placement, f"placement {current.pk} withdrawn")
    return current
