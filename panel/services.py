"""Writes for panel meetings, requests and decisions. Every write goes through here.

Each change is recorded by django-simple-history with the acting user (`_history_user`), so
the request page can show who changed a decision, when, and what it was before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, StaleEditError, full_clean_or_raise, refuse_duplicate
from core.history import history_user_set, save_as
from core.signals import figures_changed_on_commit
from dps.selectors.search import warnings_for_choice
from placements import services as placement_services
from placements.models import Child, NeedType, Placement, Provider
from placements.selectors import current_ehcp

from . import selectors
from .models import Meeting, PanelRequest

RETURNING = selectors.RETURNING_OUTCOMES
PLACEMENT_TYPES = (
    PanelRequest.RequestType.NEW_PLACEMENT,
    PanelRequest.RequestType.CHANGE_OF_PLACEMENT,
)
REASON_NEEDED: dict[str, str] = {
    PanelRequest.Outcome.DECLINED: "Enter the reason the request was declined",
    PanelRequest.Outcome.MORE_INFORMATION: "Enter the information the panel needs",
    PanelRequest.Outcome.DEFERRED: "Enter the reason the request was deferred",
}
_COPIED_FIELDS = [
    "child_id",
    "request_type",
    "provider_id",
    "primary_need_id",
    "secondary_need_id",
    "requested_base_cost",
    "requested_additional_cost",
    "funding_reasons",
    "funding_reason_other",
    "case_summary",
    "expected_start",
]


# --- Meetings ------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    date: dt.date,
    panel_type: str,
    chair: str = "",
    members: str = "",
    location: str = "",
    user: User | None,
) -> Meeting:
    """Create a meeting, and put on its agenda every request of the same panel that an
    earlier meeting sent back (more information, deferred) and that has not returned yet."""
    taken = {"date": "There is already a meeting of this panel on that date"}
    if Meeting.objects.filter(date=date, panel_type=panel_type).exists():
        raise DomainError(taken)
    meeting = Meeting(
        date=date, panel_type=panel_type, chair=chair.strip(), members=members.strip()
    )
    meeting.location = location.strip()
    full_clean_or_raise(meeting)
    with refuse_duplicate(taken):
        save_as(meeting, user)
    waiting = (
        PanelRequest.objects.select_for_update(of=("self",))
        .filter(
            meeting__panel_type=panel_type,
            meeting__date__lt=date,
            outcome__in=RETURNING,
            returned_as__isnull=True,
        )
        .order_by("meeting__date", "id")
    )
    for earlier in waiting:
        _return_to(earlier, meeting, user)
    return meeting


# --- Requests ------------------------------------------------------------------------


def provider_warnings(child: Child, provider: Provider | None) -> list[str]:
    """The suitability warnings for choosing `provider` for `child` today (none without a
    provider). Recorded with the choice; they never stop it."""
    if provider is None:
        return []
    return warnings_for_choice(child, provider, today=timezone.localdate())


@transaction.atomic
def request_create(
    *,
    meeting: Meeting,
    child: Child,
    request_type: str,
    provider: Provider | None = None,
    primary_need: NeedType | None = None,
    secondary_need: NeedType | None = None,
    requested_base_cost: Decimal = Decimal(0),
    requested_additional_cost: Decimal = Decimal(0),
    funding_reasons: list[str] | None = None,
    funding_reason_other: str = "",
    case_summary: str = "",
    expected_start: dt.date | None = None,
    user: User | None,
) -> PanelRequest:
    """Put a request on a meeting's agenda. Needs left blank come from the child's EHCP."""
    if primary_need is None:
        ehcp = current_ehcp(child)
        if ehcp is None or ehcp.primary_need is None:
            raise DomainError(
                {"primary_need": "Select the primary need: the child's EHCP does not record one"}
            )
        primary_need = ehcp.primary_need
        if secondary_need is None:
            secondary_need = ehcp.secondary_need
    errors: dict[str, str] = {}
    if secondary_need is not None and secondary_need.pk == primary_need.pk:
        errors["secondary_need"] = "The secondary need must be different from the primary need"
    reasons = list(dict.fromkeys(funding_reasons or []))
    unknown = set(reasons) - set(PanelRequest.FundingReason.values)
    if unknown:
        errors["funding_reasons"] = "Select reasons from the list"
    elif requested_additional_cost and not reasons:
        errors["funding_reasons"] = "Select the reasons for additional funding"
    if PanelRequest.FundingReason.OTHER in reasons and not funding_reason_other.strip():
        errors["funding_reason_other"] = "Enter the other reason for additional funding"
    if (
        request_type == PanelRequest.RequestType.ADDITIONAL_FUNDING
        and not requested_additional_cost
    ):
        errors["requested_additional_cost"] = (
            "Enter the additional funding requested: this is an additional funding request"
        )
    taken = {"child_ref": "This child already has a request of this type on this meeting's agenda"}
    if PanelRequest.objects.filter(
        meeting=meeting, child=child, request_type=request_type
    ).exists():
        errors.update(taken)
    if errors:
        raise DomainError(errors)
    item = PanelRequest(
        meeting=meeting,
        child=child,
        request_type=request_type,
        provider=provider,
        primary_need=primary_need,
        secondary_need=secondary_need,
        requested_base_cost=requested_base_cost,
        requested_additional_cost=requested_additional_cost,
        funding_reasons=reasons,
        funding_reason_other=(
            funding_reason_other.strip() if PanelRequest.FundingReason.OTHER in reasons else ""
        ),
        case_summary=case_summary.strip(),
        expected_start=expected_start,
        provider_warnings=provider_warnings(child, provider),
        created_by=user,
    )
    full_clean_or_raise(item, exclude=["version"])
    with refuse_duplicate(taken):
        save_as(item, user)
    return item


def _return_to(earlier: PanelRequest, meeting: Meeting, user: User | None) -> PanelRequest:
    """Put `earlier` (sent back by its panel) on `meeting`'s agenda, once."""
    existing = PanelRequest.objects.filter(
        meeting=meeting, child_id=earlier.child_id, request_type=earlier.request_type
    ).first()
    if existing is not None:
        if existing.returning_from_id is None and existing.pk != earlier.pk:
            existing.returning_from = earlier
            save_as(existing, user, update_fields=["returning_from"])
        return existing
    copy = PanelRequest(meeting=meeting, returning_from=earlier, created_by=user)
    for field in _COPIED_FIELDS:
        setattr(copy, field, getattr(earlier, field))
    # The provider is chosen again for the new meeting: its warnings as they are now.
    copy.provider_warnings = provider_warnings(earlier.child, earlier.provider)
    save_as(copy, user)
    return copy


def _returning_copy(item: PanelRequest) -> PanelRequest | None:
    return PanelRequest.objects.filter(returning_from=item).first()


# --- Decisions -------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    request_id: int,
    version: int,
    outcome: str,
    agreed_cost: Decimal | None,
    conditions: str = "",
    reason: str = "",
    user: User | None,
) -> PanelRequest:
    """Record (or change) the panel's decision on a request.

    Refused with `StaleEditError` when someone saved the request after `version` was read.
    An agreed cost left blank is the requested cost; other outcomes agree no cost. A request
    sent back (more information, deferred) goes on the next meeting of the same panel, or on
    the next one created; changing the decision away from that takes the copy off the next
    agenda while it is still undecided.
    """
    item = PanelRequest.objects.select_for_update().get(pk=request_id)
    if item.version != version:
        raise StaleEditError(
            "Someone else changed this decision while you were looking at it. "
            "It now shows their decision: check it and save yours again if it should change."
        )
    if outcome not in PanelRequest.Outcome.values:
        raise DomainError({"outcome": "Select the outcome"})
    errors: dict[str, str] = {}
    if outcome == PanelRequest.Outcome.AGREED:
        if agreed_cost is None:
            agreed_cost = item.requested_cost
        if agreed_cost < 0:
            errors["agreed_cost"] = "The agreed annual cost must be £0 or more"
    else:
        agreed_cost = None
        if not reason.strip():
            errors["reason"] = REASON_NEEDED[outcome]
    if errors:
        raise DomainError(errors)
    was = item.outcome
    item.outcome = outcome
    item.agreed_cost = agreed_cost
    item.conditions = conditions.strip()
    item.decision_reason = reason.strip()
    item.decided_by = user
    item.decided_at = timezone.now()
    item.version += 1
    full_clean_or_raise(item)
    save_as(item, user)
    if outcome in RETURNING:
        next_meeting = selectors.meeting_after(item.meeting)
        if next_meeting is not None:
            _return_to(item, next_meeting, user)
    elif was in RETURNING:
        copy = _returning_copy(item)
        if copy is not None and not copy.outcome and copy.placement_id is None:
            history_user_set(copy, user)
            copy.delete()
    figures_changed_on_commit(PanelRequest, f"panel request {item.pk} decided")
    return item


# --- Agreed placements -------------------------------------------------------------------


def agreed_cost_split(item: PanelRequest) -> tuple[Decimal, Decimal]:
    """Base fee and additional funding of the agreed cost: the additional funding requested
    (no more than the agreed cost), the rest as the base fee."""
    agreed = item.agreed_cost if item.agreed_cost is not None else item.requested_cost
    additional = min(item.requested_additional_cost, agreed)
    return agreed - additional, additional


def can_record_placement(item: PanelRequest) -> bool:
    return (
        item.outcome == PanelRequest.Outcome.AGREED
        and item.request_type in PLACEMENT_TYPES
        and item.provider_id is not None
        and item.placement_id is None
    )


@transaction.atomic
def agreed_placement_record(
    *,
    request_id: int,
    start_date: dt.date,
    attendance_pattern: str,
    user: User | None,
) -> Placement:
    """Turn an agreed new placement (or change of placement) into the child's placement at
    the requested provider, ending the child's open placement the day before."""
    item = (
        PanelRequest.objects.select_for_update(of=("self",))
        .select_related("child", "provider")
        .get(pk=request_id)
    )
    if item.placement_id is not None:
        recorded = Placement.objects.get(pk=item.placement_id)
        if recorded.start_date == start_date and recorded.attendance_pattern == attendance_pattern:
            return recorded  # the same form sent twice: the placement it recorded
        raise DomainError("The agreed placement has already been recorded")
    provider = item.provider
    if provider is None or not can_record_placement(item):
        raise DomainError(
            "Only an agreed new placement or change of placement with a provider can be recorded"
        )
    base, additional = agreed_cost_split(item)
    reason = (
        Placement.Reason.CONTINUATION
        if item.request_type == PanelRequest.RequestType.CONTINUATION
        else ""
    )
    placement = placement_services.placement_create(
        child=item.child,
        provider=provider,
        start_date=start_date,
        annual_cost=base,
        additional_cost=additional,
        attendance_pattern=attendance_pattern,
        reason=reason,
        end_previous=True,
        user=user,
    )
    item.placement = placement
    save_as(item, user, update_fields=["placement"])
    return placement
