"""Writes for the officers' journey: shortlist, consult, chase, record responses, accept an offer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.errors import DomainError, StaleEditError
from core.history import save_as
from dps.models import Consultation, ConsultationEmail, Membership, ShortlistEntry
from dps.rules import consultation_due_date
from dps.selectors.search import ChildFacts, child_facts, suitability_warnings
from placements import rules as placement_rules
from placements.models import REPORT_CARD_AREAS, AttendancePattern, Child, Placement, Provider
from placements.services import placement_create


def _on_dps(provider: Provider) -> bool:
    return Membership.objects.filter(provider=provider, status=Membership.Status.ADMITTED).exists()


@transaction.atomic
def shortlist_add(
    *,
    child: Child,
    providers: list[Provider],
    user: User | None,
    parental_request: bool = False,
    today: dt.date | None = None,
) -> list[ShortlistEntry]:
    """Tick schools into the child's shortlist (again is a no-op), with their warnings."""
    if not providers:
        raise DomainError({"urn": "Choose at least one school to add to the shortlist."})
    facts = child_facts(child, today=today or timezone.localdate())
    entries = []
    for provider in providers:
        entry, created = ShortlistEntry.objects.get_or_create(
            child=child,
            provider=provider,
            defaults={
                "added_by": user,
                "parental_request": parental_request,
                "warnings": suitability_warnings(provider, facts, on_dps=_on_dps(provider)),
            },
        )
        if not created and parental_request and not entry.parental_request:
            entry.parental_request = True
            entry.save(update_fields=["parental_request"])
        entries.append(entry)
    return entries


@transaction.atomic
def shortlist_remove(*, child: Child, provider: Provider, user: User | None) -> None:
    ShortlistEntry.objects.filter(child=child, provider=provider).delete()


def _pack_context(consultation: Consultation, facts: ChildFacts) -> dict[str, object]:
    child = consultation.child
    return {
        "consultation": consultation,
        "initials": f"{child.first_name[:1]}{child.last_name[:1]}".upper(),
        "facts": facts,
        "ncy_label": placement_rules.ncy_label(facts.ncy),
        "council_name": getattr(settings, "COUNCIL_NAME", "The council"),
    }


def consultation_pack(consultation: Consultation, *, today: dt.date) -> tuple[str, str]:
    """The consultation pack as (subject, body): the child's needs and the provision sought,
    with initials, reference, age and NCY only (no name, address or date of birth)."""
    facts = child_facts(consultation.child, today=today)
    context = _pack_context(consultation, facts)
    subject = (
        f"Consultation for a school place: {consultation.child.child_ref}, "
        f"reply by {consultation.due_on:%-d %B %Y}"
    )
    return subject, render_to_string("dps/email/consultation_pack.txt", context)


def _send(
    consultation: Consultation, *, kind: str, subject: str, body: str, user: User | None
) -> ConsultationEmail | None:
    if not consultation.contact_email:
        return None
    EmailMessage(subject=subject, body=body, to=[consultation.contact_email]).send()
    return ConsultationEmail.objects.create(
        consultation=consultation,
        kind=kind,
        to=consultation.contact_email,
        subject=subject,
        sent_at=timezone.now(),
        sent_by=user,
    )


@transaction.atomic
def consultations_send(
    *,
    child: Child,
    providers: list[Provider],
    user: User | None,
    attendance_pattern: str = AttendancePattern.DAY,
    provision_sought: str = "",
    parental_request_urns: set[int] | None = None,
    sent_on: dt.date | None = None,
) -> list[Consultation]:
    """Consult the given schools for the child in one step: one consultation each, due when
    dps.rules says, its pack emailed to the school's SEN contact; the shortlist entries go."""
    if not providers:
        raise DomainError({"urn": "Choose at least one school to consult."})
    if attendance_pattern not in AttendancePattern.values:
        raise DomainError({"attendance_pattern": "Choose day, weekly boarding or 52-week."})
    sent_on = sent_on or timezone.localdate()
    parental = parental_request_urns or set()
    facts = child_facts(child, today=sent_on)
    open_already = set(
        Consultation.objects.filter(
            child=child, provider__in=providers, response=Consultation.Response.AWAITING
        ).values_list("provider__name", flat=True)
    )
    if open_already:
        raise DomainError(
            {
                "urn": f"Already consulted and awaiting a response: {', '.join(sorted(open_already))}."
            }
        )
    shortlist = {entry.provider_id: entry for entry in ShortlistEntry.objects.filter(child=child)}
    made = []
    for provider in providers:
        on_dps = _on_dps(provider)
        entry = shortlist.get(provider.pk)
        consultation = Consultation(
            child=child,
            provider=provider,
            on_dps=on_dps,
            parental_request=provider.urn in parental or bool(entry and entry.parental_request),
            sent_on=sent_on,
            due_on=consultation_due_date(sent_on),
            attendance_pattern=attendance_pattern,
            provision_sought=provision_sought,
            contact_email=provider.sen_contact_email,
            warnings=suitability_warnings(provider, facts, on_dps=on_dps),
            created_by=user,
        )
        save_as(consultation, user)
        subject, body = consultation_pack(consultation, today=sent_on)
        _send(consultation, kind=ConsultationEmail.Kind.PACK, subject=subject, body=body, user=user)
        made.append(consultation)
    ShortlistEntry.objects.filter(child=child, provider__in=providers).delete()
    return made


def _current(consultation: Consultation, version: int) -> Consultation:
    current = (
        Consultation.objects.select_for_update()
        .select_related("child", "provider")
        .get(pk=consultation.pk)
    )
    if current.version != version:
        raise StaleEditError(
            "Someone else changed this consultation while you were looking at it. "
            "The page now shows their change: check it and try again."
        )
    return current


@transaction.atomic
def consultation_chase(
    *, consultation: Consultation, version: int, user: User | None, today: dt.date | None = None
) -> Consultation:
    """Send the school a reminder and record the chase and its date."""
    current = _current(consultation, version)
    if current.response != Consultation.Response.AWAITING:
        raise DomainError("Only a consultation awaiting a response can be chased.")
    if not current.contact_email:
        raise DomainError({"contact_email": "Add the school's SEN contact email to chase it."})
    today = today or timezone.localdate()
    subject, body = consultation_pack(current, today=today)
    _send(
        current,
        kind=ConsultationEmail.Kind.CHASE,
        subject=f"Reminder: {subject}",
        body=render_to_string(
            "dps/email/consultation_chase.txt", {"consultation": current, "pack": body}
        ),
        user=user,
    )
    current.last_chased_on = today
    current.version += 1
    save_as(current, user)
    return current


@transaction.atomic
def consultation_contact_update(
    *,
    consultation: Consultation,
    version: int,
    contact_email: str,
    user: User | None,
    send_pack: bool = True,
) -> Consultation:
    """Change the SEN contact (on the consultation and the school) and, if the pack has not
    gone yet, send it now."""
    current = _current(consultation, version)
    contact_email = contact_email.strip()
    try:
        validate_email(contact_email)
    except ValidationError as error:
        raise DomainError(
            {"contact_email": "Enter an email address like name@school.org.uk"}
        ) from error
    current.contact_email = contact_email
    current.version += 1
    save_as(current, user)
    provider = current.provider
    if provider.sen_contact_email != contact_email:
        provider.sen_contact_email = contact_email
        save_as(provider, user, update_fields=["sen_contact_email", "updated_at"])
    if (
        send_pack
        and current.response == Consultation.Response.AWAITING
        and not current.emails.filter(kind=ConsultationEmail.Kind.PACK).exists()
    ):
        subject, body = consultation_pack(current, today=timezone.localdate())
        _send(current, kind=ConsultationEmail.Kind.PACK, subject=subject, body=body, user=user)
    return current


@transaction.atomic
def consultation_respond(
    *,
    consultation: Consultation,
    version: int,
    response: str,
    user: User | None,
    responded_on: dt.date,
    offered_fee: Decimal | None = None,
    offered_start: dt.date | None = None,
    offered_additional_cost: Decimal | None = None,
    decline_reason: str = "",
    decline_detail: str = "",
) -> Consultation:
    """Record the school's answer: an offer (fee, start date, any additional cost), a decline
    (with its reason; "other" needs the text), or withdrawn."""
    current = _current(consultation, version)
    if current.placement_id is not None:
        raise DomainError("This offer has been accepted: its response cannot change.")
    errors: dict[str, str] = {}
    if responded_on < current.sent_on:
        errors["responded_on"] = (
            f"The response date must be on or after the date it was sent, {current.sent_on:%-d %B %Y}."
        )
    if responded_on > timezone.localdate():
        errors["responded_on"] = "The response date cannot be in the future."
    R = Consultation.Response
    if response == R.OFFER:
        if offered_fee is None:
            errors["offered_fee"] = "Enter the annual fee offered."
        if offered_start is None:
            errors["offered_start"] = "Enter the start date offered."
    elif response == R.DECLINE:
        if decline_reason not in Consultation.DeclineReason.values:
            errors["decline_reason"] = "Choose why the school declined."
        elif decline_reason == Consultation.DeclineReason.OTHER and not decline_detail.strip():
            errors["decline_detail"] = "Say why the school declined."
    elif response != R.WITHDRAWN:
        errors["response"] = "Choose offer, decline or withdrawn."
    if errors:
        raise DomainError(errors)
    current.response = response
    current.responded_on = responded_on
    is_offer = response == R.OFFER
    current.offered_fee = offered_fee if is_offer else None
    current.offered_start = offered_start if is_offer else None
    current.offered_additional_cost = (offered_additional_cost or Decimal(0)) if is_offer else None
    current.decline_reason = decline_reason if response == R.DECLINE else ""
    current.decline_detail = decline_detail.strip() if response == R.DECLINE else ""
    current.version += 1
    save_as(current, user)
    return current


@transaction.atomic
def offer_accept(
    *,
    consultation: Consultation,
    version: int,
    start_date: dt.date,
    user: User | None,
    accepted_on: dt.date | None = None,
) -> Placement:
    """Accept an offer: the placement is made (the child's open placement ends the day before),
    the child's other open consultations close as not needed, and the time to place (first
    consultation sent to this acceptance, in days) is kept on the consultation."""
    current = _current(consultation, version)
    if current.response != Consultation.Response.OFFER or current.placement_id is not None:
        raise DomainError("Only an open offer can be accepted.")
    assert current.offered_fee is not None
    accepted_on = accepted_on or timezone.localdate()
    placement = placement_create(
        child=current.child,
        provider=current.provider,
        start_date=start_date,
        annual_cost=current.offered_fee,
        additional_cost=current.offered_additional_cost or Decimal(0),
        attendance_pattern=current.attendance_pattern,
        reason=(
            Placement.Reason.PARENTAL_REQUEST
            if current.parental_request
            else Placement.Reason.NO_LOCAL_PROVISION
        ),
        end_previous=True,
        user=user,
    )
    child_consultations = Consultation.objects.filter(child=current.child)
    previous = (
        child_consultations.filter(accepted_on__isnull=False, accepted_on__lt=accepted_on)
        .order_by("-accepted_on")
        .values_list("accepted_on", flat=True)
        .first()
    )
    this_round = (
        child_consultations
        if previous is None
        else child_consultations.filter(sent_on__gt=previous)
    )
    first_sent = min(
        [current.sent_on, *this_round.values_list("sent_on", flat=True)], default=current.sent_on
    )
    current.placement = placement
    current.accepted_on = accepted_on
    current.days_to_place = (accepted_on - first_sent).days
    current.version += 1
    save_as(current, user)
    others = (
        Consultation.objects.select_for_update()
        .filter(
            child=current.child,
            response__in=[Consultation.Response.AWAITING, Consultation.Response.OFFER],
            placement__isnull=True,
        )
        .exclude(pk=current.pk)
    )
    for other in others:
        other.response = Consultation.Response.NOT_NEEDED
        other.version += 1
        save_as(other, user)
    return placement


@transaction.atomic
def provider_ofsted_record(
    *,
    provider: Provider,
    user: User | None,
    inspection_date: dt.date,
    overall_effectiveness: int | None = None,
    areas: dict[str, int] | None = None,
    safeguarding_met: bool | None = None,
) -> Provider:
    """Record a school's latest Ofsted outcome in either shape: an old-style overall
    effectiveness judgement, or a report card (area grades and safeguarding met or not)."""
    areas = {code: int(grade) for code, grade in (areas or {}).items() if grade}
    known = {code for code, _ in REPORT_CARD_AREAS}
    if set(areas) - known:
        raise DomainError("Unknown report card area.")
    if inspection_date > timezone.localdate():
        raise DomainError({"inspection_date": "The inspection date cannot be in the future."})
    if overall_effectiveness is not None and (areas or safeguarding_met is not None):
        raise DomainError("Give the overall effectiveness or the report card, not both.")
    current = Provider.objects.select_for_update().get(pk=provider.pk)
    if overall_effectiveness is not None:
        grade = Provider.OfstedGrade(overall_effectiveness)
        current.ofsted_grade = grade.value
        current.ofsted_rating = str(grade.label)
        current.ofsted_date = inspection_date
    else:
        if not areas:
            raise DomainError({"inclusion": "Give at least one area's grade."})
        if safeguarding_met is None:
            raise DomainError({"safeguarding": "Say whether safeguarding is met."})
        current.ofsted_report_card_date = inspection_date
        current.ofsted_areas = areas
        current.ofsted_lowest_area_grade = max(areas.values())
        current.ofsted_safeguarding_met = safeguarding_met
    save_as(current, user)
    return current


@transaction.atomic
def provider_contact_update(
    *, provider: Provider, user: User | None, name: str, email: str
) -> Provider:
    """Change a school's SEN contact (the address consultation packs go to)."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise DomainError(
                {"email": "Enter an email address like name@school.org.uk"}
            ) from error
    current = Provider.objects.select_for_update().get(pk=provider.pk)
    current.sen_contact_name = name.strip()[:120]
    current.sen_contact_email = email
    save_as(current, user, update_fields=["sen_contact_name", "sen_contact_email", "updated_at"])
    return current
