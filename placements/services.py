"""Writes for children, EHCPs, providers and placements. Every write goes through here."""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal
from typing import Final

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from core import calendar
from core.errors import DomainError, StaleEditError, full_clean_or_raise, refuse_duplicate
from core.history import history_user_set, keep_first_version, save_as
from core.signals import figures_changed_on_commit

from . import rules
from .models import (
    EHCP,
    AnnualReview,
    Child,
    IssueDecision,
    NamedSetting,
    PhaseTransfer,
    Placement,
    PlacementCostChange,
    Provider,
    ReviewOutcome,
    SEN2Setting,
)


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
    with refuse_duplicate("This child already has a placement at that provider from that date."):
        placement.save()
    figures_changed_on_commit(Placement, f"placement {placement.pk} created")
    return placement


def _check_sen2_setting(placement: Placement) -> None:
    """SENSettingOther says what the setting is when, and only when, the code is 'other'."""
    other = placement.sen2_setting_other.strip()
    if placement.sen2_setting == SEN2Setting.OTH and not other:
        raise DomainError({"sen2_setting_other": "Say what the other setting is"})
    if other and placement.sen2_setting != SEN2Setting.OTH:
        raise DomainError(
            {"sen2_setting_other": "Only for the setting code 'Other': choose it or clear this"}
        )


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
    placement_rank: int | None | _Unset = UNSET,
    sen_unit: bool | _Unset = UNSET,
    resourced_provision: bool | _Unset = UNSET,
    sen2_setting: str | _Unset = UNSET,
    sen2_setting_other: str | _Unset = UNSET,
    cost_effective_from: dt.date | None = None,
    today: dt.date | None = None,
) -> Placement:
    """Change the given fields of a placement (the others keep their values), refusing the save
    if someone else changed it since `version` was read. The child and provider do not change.

    A new base fee or additional funding applies from `cost_effective_from` (default `today`):
    spend before that day stays at the old cost (ADR 0008)."""
    current = Placement.objects.select_for_update().get(pk=placement.pk)
    if current.version != version:
        raise StaleEditError(
            "Someone else changed this placement while you were editing it. "
            "The form now shows their version: check it and make your change again."
        )
    keep_first_version(current)
    cost_before = (current.annual_cost, current.additional_cost)
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
        "placement_rank": placement_rank,
        "sen_unit": sen_unit,
        "resourced_provision": resourced_provision,
        "sen2_setting": sen2_setting,
        "sen2_setting_other": sen2_setting_other,
    }
    for name, value in given.items():
        if value is not UNSET:
            setattr(current, name, value)
    full_clean_or_raise(current, exclude=["version"])
    _check_sen2_setting(current)
    _check_dates(current)
    _check_shares(current)
    _check_overlap(current)
    _validate_constraints(current)
    if (current.annual_cost, current.additional_cost) != cost_before:
        effective_from = cost_effective_from or _default_effective_from(current, today)
        _record_cost_change(current, cost_before, effective_from, user)
    current.version += 1
    save_as(current, user)
    figures_changed_on_commit(Placement, f"placement {current.pk} updated")
    return current


def _default_effective_from(placement: Placement, today: dt.date | None) -> dt.date:
    """Today, or the placement's first day if it has not started yet, or its last day if it
    has ended."""
    day = max(today or dt.date.today(), placement.start_date)  # noqa: DTZ011 - a calendar date
    return min(day, placement.end_date) if placement.end_date else day


def _cost_change_error(placement: Placement, effective_from: dt.date) -> str | None:
    first, last = calendar.likely_dates()
    if not first <= effective_from <= last:
        return f"The date the change takes effect must be between {first:%Y} and {last:%Y}"
    if effective_from < placement.start_date:
        return (
            "The change cannot take effect before the placement starts, "
            f"{placement.start_date:%-d %B %Y}"
        )
    if placement.end_date and effective_from > placement.end_date:
        return (
            "The change must take effect by the placement's last day, "
            f"{placement.end_date:%-d %B %Y}"
        )
    return None


def _record_cost_change(
    placement: Placement,
    cost_before: tuple[Decimal, Decimal],
    effective_from: dt.date,
    user: User | None,
) -> None:
    """Keep the cost before the change, and from when the new one applies. A change replaces
    any change recorded from the same or a later day (the new cost applies from its date on)."""
    if error := _cost_change_error(placement, effective_from):
        raise DomainError({"cost_effective_from": error})
    changes = list(placement.cost_changes.order_by("effective_from"))
    earlier = [change for change in changes if change.effective_from < effective_from]
    if earlier and earlier[-1] is not changes[-1]:
        previous = (earlier[-1].annual_cost, earlier[-1].additional_cost)
    elif changes and not earlier:
        previous = (changes[0].previous_annual_cost, changes[0].previous_additional_cost)
    else:
        # The cost from the latest change on is the placement's own (an import may correct it).
        previous = cost_before
    placement.cost_changes.filter(effective_from__gte=effective_from).delete()
    PlacementCostChange.objects.create(
        placement=placement,
        effective_from=effective_from,
        annual_cost=placement.annual_cost,
        additional_cost=placement.additional_cost,
        previous_annual_cost=previous[0],
        previous_additional_cost=previous[1],
        made_by=user,
    )


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


# --- SEN2 items entered where casework happens ------------------------------------------------

SEN2_CHILD_FIELDS: Final = ("ethnicity", "upn", "uln", "upn_unknown")
SEN2_EHCP_FIELDS: Final = (
    "request_date",
    "request_source",
    "request_in_youth_accommodation",
    "request_mediation",
    "request_tribunal",
    "request_exported",
    "assessment_decision",
    "assessment_decision_date",
    "issue_decision",
    "issue_decision_date",
    "assessment_mediation",
    "assessment_tribunal",
    "other_mediation",
    "other_tribunal",
    "week20_exception",
    "primary_need",
    "secondary_need",
    "plan_residential",
    "plan_work_based_learning",
    "personal_budget",
    "personal_budget_organised",
    "personal_budget_direct_payments",
    "cease_reason",
    "transfer_la",
)
UPN_PATTERN: Final = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")


def _sen2_child_errors(child: Child) -> dict[str, str]:
    errors: dict[str, str] = {}
    if child.upn and not UPN_PATTERN.fullmatch(child.upn):
        errors["upn"] = "Enter a UPN of 13 characters: a letter, 11 digits, then a digit or letter"
    if child.uln and not re.fullmatch(r"[0-9]{10}", child.uln):
        errors["uln"] = "Enter a ULN of 10 digits"
    if child.upn_unknown and (child.upn or child.uln):
        errors["upn_unknown"] = "Leave the reason blank when the child has a UPN or ULN"
    return errors


def _sen2_ehcp_errors(ehcp: EHCP, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    decision = ehcp.assessment_decision
    decided = decision in (EHCP.AssessmentDecision.ASSESS, EHCP.AssessmentDecision.REFUSED)
    if decided and not ehcp.assessment_decision_date:
        errors["assessment_decision_date"] = (
            "Enter the date the family was told the decision whether to assess"
        )
    for name in ("request_date", "assessment_decision_date", "issue_decision_date"):
        value = getattr(ehcp, name)
        if value and value > today:
            errors[name] = "The date must be today or in the past"
    if (
        ehcp.request_date
        and ehcp.assessment_decision_date
        and ehcp.assessment_decision_date < ehcp.request_date
        and "assessment_decision_date" not in errors
    ):
        errors["assessment_decision_date"] = "The decision must be on or after the request date"
    if ehcp.issue_decision == IssueDecision.NOT_ISSUE and not ehcp.issue_decision_date:
        errors["issue_decision_date"] = "Enter the date the family was told no plan would be issued"
    if ehcp.ceased_date and not ehcp.cease_reason:
        errors["cease_reason"] = "Choose why the plan ceased"
    if ehcp.transfer_la and not re.fullmatch(r"[0-9]{3}", ehcp.transfer_la):
        errors["transfer_la"] = "Enter the 3-digit LA number, for example 886"
    if ehcp.primary_need_id and ehcp.primary_need_id == ehcp.secondary_need_id:
        errors["secondary_need"] = "The secondary need must differ from the primary need"
    return errors


SEN2_STALE = (
    "Someone else changed these SEN2 details while you were editing them. "
    "The form now shows their version: check it and make your change again."
)


@transaction.atomic
def sen2_details_update(
    *,
    child: Child,
    child_version: int,
    ehcp: EHCP | None,
    ehcp_version: int | None,
    child_values: dict[str, object],
    ehcp_values: dict[str, object],
    user: User | None,
    today: dt.date | None = None,
) -> None:
    """Change the SEN2 items of a child and of one of their EHCPs, together or not at all,
    refusing the save if someone else changed either since `child_version` and `ehcp_version`
    were read. Each record keeps its history (who changed what, when)."""
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date
    child = Child.objects.select_for_update().get(pk=child.pk)
    current: EHCP | None = None
    if ehcp is not None:
        current = EHCP.objects.select_for_update().get(pk=ehcp.pk, child=child)
    if child.version != child_version or (current is not None and current.version != ehcp_version):
        raise StaleEditError(SEN2_STALE)
    for name, value in child_values.items():
        if name not in SEN2_CHILD_FIELDS:
            raise ValueError(f"{name} is not a SEN2 item of the child")
        setattr(child, name, value)
    child.upn = (child.upn or "").strip().upper()
    child.uln = (child.uln or "").strip()
    errors = _sen2_child_errors(child)
    if current is not None:
        for name, value in ehcp_values.items():
            if name not in SEN2_EHCP_FIELDS:
                raise ValueError(f"{name} is not a SEN2 item of the EHCP")
            setattr(current, name, value)
        current.transfer_la = (current.transfer_la or "").strip()
        errors.update(_sen2_ehcp_errors(current, today))
        if (
            current.request_date
            and current.issue_date
            and current.issue_date < current.request_date
            and "request_date" not in errors
        ):
            errors["request_date"] = "The request must be on or before the plan's issue date"
    if errors:
        raise DomainError(errors)
    full_clean_or_raise(child, exclude=["version"])
    child.version += 1
    save_as(child, user)
    if current is not None:
        full_clean_or_raise(current, exclude=["version"])
        _validate_ehcp_constraints(current)
        current.version += 1
        save_as(current, user)
        figures_changed_on_commit(EHCP, f"EHCP {current.pk} updated")


def _validate_ehcp_constraints(ehcp: EHCP) -> None:
    try:
        ehcp.validate_constraints()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error


@transaction.atomic
def annual_review_add(
    *,
    ehcp: EHCP,
    meeting_date: dt.date,
    outcome: str = "",
    decision_date: dt.date | None = None,
    draft_amended_plan_date: dt.date | None = None,
    user: User | None,
) -> AnnualReview:
    """Record an annual review of a plan (SEN2 ReviewMeeting, ReviewOutcome, LastReview)."""
    if ehcp.issue_date is None:
        raise DomainError({"meeting_date": "Only an issued plan has annual reviews"})
    if meeting_date < ehcp.issue_date:
        raise DomainError({"meeting_date": "The meeting must be on or after the plan was issued"})
    if decision_date and decision_date < meeting_date:
        raise DomainError({"decision_date": "The decision must be on or after the meeting"})
    if outcome and not decision_date:
        raise DomainError({"decision_date": "Enter the date the family was told the outcome"})
    if decision_date and not outcome:
        raise DomainError({"outcome": "Choose the outcome the family was told"})
    if draft_amended_plan_date and outcome != ReviewOutcome.AMEND:
        raise DomainError(
            {"draft_amended_plan_date": "Only a decision to amend the plan has a draft"}
        )
    taken = {"meeting_date": f"This plan already has an annual review on {meeting_date:%-d %B %Y}"}
    if AnnualReview.objects.filter(ehcp=ehcp, meeting_date=meeting_date).exists():
        raise DomainError(taken)
    review = AnnualReview(
        ehcp=ehcp,
        meeting_date=meeting_date,
        outcome=outcome,
        decision_date=decision_date,
        draft_amended_plan_date=draft_amended_plan_date,
    )
    full_clean_or_raise(review)
    with refuse_duplicate(taken):
        save_as(review, user)
    return review


@transaction.atomic
def named_setting_add(
    *,
    ehcp: EHCP,
    rank: int,
    provider_urn: int | None = None,
    sen2_setting: str = "",
    sen2_setting_other: str = "",
    sen_unit: bool = False,
    resourced_provision: bool = False,
    user: User | None,
) -> NamedSetting:
    """Name a setting in the plan (SEN2 PlanDetail): a school by URN, or a SEN2 setting code where
    it has none. One primary and one secondary at most."""
    provider = None
    if provider_urn is not None:
        provider = Provider.objects.filter(urn=provider_urn).first()
        if provider is None:
            raise DomainError({"provider_urn": "No school with that URN is recorded"})
        if sen2_setting:
            raise DomainError({"sen2_setting": "Give a URN or a setting code, not both"})
    elif not sen2_setting:
        raise DomainError({"provider_urn": "Enter the school's URN, or choose a setting code"})
    other = sen2_setting_other.strip()
    if sen2_setting == SEN2Setting.OTH and not other:
        raise DomainError({"sen2_setting_other": "Say what the other setting is"})
    if other and sen2_setting != SEN2Setting.OTH:
        raise DomainError(
            {"sen2_setting_other": "Only for the setting code 'Other': choose it or clear this"}
        )
    taken = {"rank": "The plan already names a setting of this rank: remove it first"}
    if NamedSetting.objects.filter(ehcp=ehcp, rank=rank).exists():
        raise DomainError(taken)
    setting = NamedSetting(
        ehcp=ehcp,
        rank=rank,
        provider=provider,
        sen2_setting=sen2_setting,
        sen2_setting_other=other,
        sen_unit=sen_unit,
        resourced_provision=resourced_provision,
    )
    full_clean_or_raise(setting)
    with refuse_duplicate(taken):
        save_as(setting, user)
    return setting


@transaction.atomic
def named_setting_remove(*, setting: NamedSetting, user: User | None) -> None:
    """Take a setting out of the plan; its history keeps who named and removed it."""
    setting._history_user = user  # type: ignore[attr-defined]  # read by simple_history
    setting.delete()


@transaction.atomic
def phase_transfer_add(
    *,
    ehcp: EHCP,
    due_date: dt.date,
    final_plan_date: dt.date | None = None,
    user: User | None,
) -> PhaseTransfer:
    """Record a phase transfer of a plan (SEN2 PhaseTransferDueDate, PhaseTransferFinalDate)."""
    if ehcp.issue_date is None:
        raise DomainError({"due_date": "Only an issued plan has phase transfers"})
    if final_plan_date and final_plan_date < ehcp.issue_date:
        raise DomainError(
            {"final_plan_date": "The amended plan must be on or after the plan was issued"}
        )
    taken = {"due_date": f"This plan already has a phase transfer due on {due_date:%-d %B %Y}"}
    if PhaseTransfer.objects.filter(ehcp=ehcp, due_date=due_date).exists():
        raise DomainError(taken)
    transfer = PhaseTransfer(ehcp=ehcp, due_date=due_date, final_plan_date=final_plan_date)
    full_clean_or_raise(transfer)
    with refuse_duplicate(taken):
        save_as(transfer, user)
    return transfer
