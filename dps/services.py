"""Writes for the officers' journey: shortlist, consult, chase, record responses, accept an offer."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
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

logger = logging.getLogger(__name__)


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


# --- The consultation emails' outbox --------------------------------------------------------

UNSENT = [ConsultationEmail.Status.QUEUED, ConsultationEmail.Status.FAILED]
# A queued email whose after-commit task never ran (the broker was down) is picked up by the
# scheduled retry after this long.
QUEUED_GRACE = dt.timedelta(minutes=2)


def _queue(
    consultation: Consultation, *, kind: str, subject: str, body: str, user: User | None
) -> ConsultationEmail | None:
    """Record the email in the outbox, to be sent once the caller's transaction commits: the
    consultation is saved whatever the mail server does. None when the school has no contact."""
    if not consultation.contact_email:
        return None
    now = timezone.now()
    email = ConsultationEmail.objects.create(
        consultation=consultation,
        kind=kind,
        to=consultation.contact_email,
        subject=subject[:200],
        body=body,
        status=ConsultationEmail.Status.QUEUED,
        queued_at=now,
        next_attempt_at=now + QUEUED_GRACE,
        sent_by=user,
    )
    _send_after_commit([email.pk])
    return email


def _send_after_commit(email_ids: list[int]) -> None:
    from dps.tasks import consultation_email_send

    def dispatch() -> None:
        for email_id in email_ids:
            try:
                consultation_email_send.delay(email_id)
            except Exception:
                # The broker is down (or, eagerly, the send itself broke): the email stays
                # unsent in the outbox, and the scheduled retry sends it.
                logger.exception("Consultation email %s left for the scheduled retry", email_id)

    transaction.on_commit(dispatch)


def email_failure_reason(error: BaseException) -> str:
    """Why an email did not go, in words an officer can act on (the technical detail after)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        reason = "The mail server refused the school's address: check the SEN contact email"
    elif isinstance(error, smtplib.SMTPAuthenticationError):
        reason = "The mail server refused the council's sign-in: tell the system administrator"
    elif isinstance(error, smtplib.SMTPServerDisconnected):
        reason = "The mail server closed the connection before the email went"
    elif isinstance(error, smtplib.SMTPException):
        reason = "The mail server did not accept the email"
    elif isinstance(error, OSError):
        reason = "The council's mail server could not be reached"
    else:
        reason = "The email could not be sent"
    detail = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return f"{reason} ({detail})"[:300]


def email_retry_delay(attempts: int) -> dt.timedelta:
    """The wait before trying a failed email again: 1, 2, 4 ... minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def consultation_email_send(*, email_id: int) -> ConsultationEmail | None:
    """Send one email of the outbox, at most once however many workers try at the same time:
    the email is claimed with a conditional update first, and only the claimant sends it. A
    failure is recorded (attempts, plain reason, when to try again), never raised. None when
    the email is sent already, or another worker has it."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.CONSULTATION_EMAIL_CLAIM_SECONDS)
    claimed = (
        ConsultationEmail.objects.filter(pk=email_id)
        .filter(
            Q(status__in=UNSENT) | Q(status=ConsultationEmail.Status.SENDING, claimed_at__lt=stale)
        )
        .update(status=ConsultationEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    email = ConsultationEmail.objects.select_related("consultation").get(pk=email_id)
    if email.consultation.response != Consultation.Response.AWAITING:
        # Answered or closed before its email went: the school is not asked any more.
        email.status = ConsultationEmail.Status.CANCELLED
        email.claimed_at = None
        email.save(update_fields=["status", "claimed_at"])
        return email
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
    except Exception as error:
        logger.warning("Consultation email %s not sent: %s", email_id, error)
        email.status = ConsultationEmail.Status.FAILED
        email.last_error = email_failure_reason(error)
        email.next_attempt_at = timezone.now() + email_retry_delay(email.attempts)
    else:
        email.status = ConsultationEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.next_attempt_at = None
    email.claimed_at = None
    email.save(update_fields=["status", "last_error", "next_attempt_at", "sent_at", "claimed_at"])
    return email


def consultation_emails_send_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """The scheduled retry: send the unsent emails whose time has come (queued ones whose task
    never ran, failed ones after their wait, ones whose worker died while sending), up to the
    attempts setting. Returns how many went."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.CONSULTATION_EMAIL_CLAIM_SECONDS)
    due = (
        ConsultationEmail.objects.filter(
            Q(
                status__in=UNSENT,
                next_attempt_at__lte=now,
                attempts__lt=settings.CONSULTATION_EMAIL_MAX_ATTEMPTS,
            )
            | Q(status=ConsultationEmail.Status.SENDING, claimed_at__lt=stale)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for email_id in list(due):
        email = consultation_email_send(email_id=email_id)
        sent += email is not None and email.status == ConsultationEmail.Status.SENT
    return sent


@transaction.atomic
def consultation_emails_retry(*, consultations: Iterable[Consultation]) -> list[ConsultationEmail]:
    """An officer's "Try sending again": the consultations' unsent emails are sent now (after
    this commits), whatever their attempts so far. Returns the emails it sent on their way."""
    emails = list(
        ConsultationEmail.objects.filter(
            consultation__in=[c.pk for c in consultations], status__in=UNSENT
        ).order_by("pk")
    )
    ids = [email.pk for email in emails]
    ConsultationEmail.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    _send_after_commit(ids)
    return emails


# --- Consulting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consulted:
    """What a Consult did: the consultations it made, and those already open for schools it
    was asked to consult again (a double submit lands here, as a success)."""

    made: list[Consultation]
    already_open: list[Consultation]


def _open_consultation(child: Child, provider: Provider) -> Consultation | None:
    return (
        Consultation.objects.filter(
            child=child, provider=provider, response=Consultation.Response.AWAITING
        )
        .select_related("provider")
        .first()
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
) -> Consulted:
    """Consult the given schools for the child in one step: one consultation each, due when
    dps.rules says, its pack queued to the school's SEN contact (sent after this commits); the
    shortlist entries go. Idempotent: a school already consulted and awaiting a response is not
    consulted again (one open consultation per child and school, enforced by the database, so
    simultaneous submits make one consultation and one email per school)."""
    if not providers:
        raise DomainError({"urn": "Choose at least one school to consult."})
    if attendance_pattern not in AttendancePattern.values:
        raise DomainError({"attendance_pattern": "Choose day, weekly boarding or 52-week."})
    sent_on = sent_on or timezone.localdate()
    parental = parental_request_urns or set()
    facts = child_facts(child, today=sent_on)
    # One order for every submit (by school), so simultaneous submits wait for each other on
    # the first school they share instead of deadlocking.
    providers = sorted({p.pk: p for p in providers}.values(), key=lambda p: p.pk)
    open_already = {
        c.provider_id: c
        for c in Consultation.objects.filter(
            child=child, provider__in=providers, response=Consultation.Response.AWAITING
        ).select_related("provider")
    }
    shortlist = {entry.provider_id: entry for entry in ShortlistEntry.objects.filter(child=child)}
    made: list[Consultation] = []
    already: list[Consultation] = []
    for provider in providers:
        if provider.pk in open_already:
            already.append(open_already[provider.pk])
            continue
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
        try:
            with transaction.atomic():
                save_as(consultation, user)
        except IntegrityError:
            # Another submit consulted this school a moment ago (it waited for that one to
            # commit): theirs stands, as if this submit had come second.
            existing = _open_consultation(child, provider)
            if existing is None:
                raise
            already.append(existing)
            continue
        subject, body = consultation_pack(consultation, today=sent_on)
        _queue(
            consultation, kind=ConsultationEmail.Kind.PACK, subject=subject, body=body, user=user
        )
        made.append(consultation)
    ShortlistEntry.objects.filter(child=child, provider__in=providers).delete()
    return Consulted(made=made, already_open=already)


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update()
        .select_related("child", "provider")
        .get(pk=consultation.pk)
    )


def _check_version(current: Consultation, version: int) -> None:
    if current.version != version:
        raise StaleEditError(
            "Someone else changed this consultation while you were looking at it. "
            "The page now shows their change: check it and try again."
        )


def _current(consultation: Consultation, version: int) -> Consultation:
    current = _locked(consultation)
    _check_version(current, version)
    return current


@dataclass(frozen=True)
class Chased:
    consultation: Consultation
    email: ConsultationEmail | None  # None: a double submit, today's reminder was queued already


@transaction.atomic
def consultation_chase(
    *, consultation: Consultation, version: int, user: User | None, today: dt.date | None = None
) -> Chased:
    """Record the chase and its date, and queue the school's reminder (sent after this commits,
    retried until it goes, as the pack is). Idempotent: a second chase from the same page on the
    same day (a double submit) queues no second reminder."""
    today = today or timezone.localdate()
    current = _locked(consultation)
    if current.version == version + 1 and current.last_chased_on == today:
        return Chased(consultation=current, email=None)
    _check_version(current, version)
    if current.response != Consultation.Response.AWAITING:
        raise DomainError("Only a consultation awaiting a response can be chased.")
    if not current.contact_email:
        raise DomainError({"contact_email": "Add the school's SEN contact email to chase it."})
    subject, body = consultation_pack(current, today=today)
    email = _queue(
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
    return Chased(consultation=current, email=email)


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
    been queued yet, queue it now; packs and reminders not sent yet go to the new address now."""
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
    waiting = list(current.emails.filter(status__in=UNSENT).values_list("pk", flat=True))
    ConsultationEmail.objects.filter(pk__in=waiting).update(
        to=contact_email, next_attempt_at=timezone.now()
    )
    _send_after_commit(waiting)
    provider = Provider.objects.select_for_update().get(pk=current.provider_id)
    if provider.sen_contact_email != contact_email:
        provider.sen_contact_email = contact_email
        provider.version += 1  # a contact form open on the school is now stale
        save_as(provider, user, update_fields=["sen_contact_email", "version", "updated_at"])
    if (
        send_pack
        and current.response == Consultation.Response.AWAITING
        and not current.emails.filter(kind=ConsultationEmail.Kind.PACK).exists()
    ):
        subject, body = consultation_pack(current, today=timezone.localdate())
        _queue(current, kind=ConsultationEmail.Kind.PACK, subject=subject, body=body, user=user)
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


class PlacementAlreadyMade(DomainError):
    """Another offer for the child was accepted first: says which placement was made."""

    def __init__(self, placement: Placement, accepted_on: dt.date | None) -> None:
        self.placement = placement
        self.accepted_on = accepted_on
        super().__init__(
            f"An offer for this child has already been accepted: a placement at "
            f"{placement.provider.name} from {placement.start_date:%-d %B %Y} was made"
            + (f" on {accepted_on:%-d %B %Y}" if accepted_on else "")
            + ". The other offers were closed as not needed."
        )


def _accepted_since(current: Consultation) -> Consultation | None:
    """The child's offer accepted since `current` was sent, other than `current` itself."""
    return (
        Consultation.objects.filter(
            child_id=current.child_id,
            placement__isnull=False,
            accepted_on__gte=current.sent_on,
        )
        .exclude(pk=current.pk)
        .select_related("placement__provider")
        .order_by("-accepted_on", "-pk")
        .first()
    )


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
    consultation sent to this acceptance, in days) is kept on the consultation.

    Every acceptance locks the child's row first, so two officers accepting two offers for one
    child at once take turns instead of deadlocking; the second is then told which placement
    the first made (PlacementAlreadyMade). Accepting the same offer twice (a double submit)
    returns the placement the first made."""
    Child.objects.select_for_update().filter(pk=consultation.child_id).first()
    current = _locked(consultation)
    if current.placement is not None:
        return current.placement
    if current.response == Consultation.Response.NOT_NEEDED:
        accepted = _accepted_since(current)
        if accepted is not None and accepted.placement is not None:
            raise PlacementAlreadyMade(accepted.placement, accepted.accepted_on)
    _check_version(current, version)
    if current.response != Consultation.Response.OFFER:
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
        .order_by("pk")
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
    version: int,
    user: User | None,
    inspection_date: dt.date,
    overall_effectiveness: int | None = None,
    areas: dict[str, int] | None = None,
    safeguarding_met: bool | None = None,
) -> Provider:
    """Record a school's latest Ofsted outcome in either shape: an old-style overall
    effectiveness judgement, or a report card (area grades and safeguarding met or not).
    Refused if someone else changed the school since `version` was read."""
    areas = {code: int(grade) for code, grade in (areas or {}).items() if grade}
    known = {code for code, _ in REPORT_CARD_AREAS}
    if set(areas) - known:
        raise DomainError("Unknown report card area.")
    if inspection_date > timezone.localdate():
        raise DomainError({"inspection_date": "The inspection date cannot be in the future."})
    if overall_effectiveness is not None and (areas or safeguarding_met is not None):
        raise DomainError("Give the overall effectiveness or the report card, not both.")
    current = _current_provider(provider, version)
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
    current.version += 1
    save_as(current, user)
    return current


@transaction.atomic
def provider_contact_update(
    *, provider: Provider, version: int, user: User | None, name: str, email: str
) -> Provider:
    """Change a school's SEN contact (the address consultation packs go to), refused if
    someone else changed the school since `version` was read."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise DomainError(
                {"email": "Enter an email address like name@school.org.uk"}
            ) from error
    current = _current_provider(provider, version)
    current.sen_contact_name = name.strip()[:120]
    current.sen_contact_email = email
    current.version += 1
    save_as(
        current,
        user,
        update_fields=["sen_contact_name", "sen_contact_email", "version", "updated_at"],
    )
    return current


PROVIDER_STALE = (
    "Someone else changed this school's details while you were editing them. "
    "The page now shows what they saved: check it and make your change again."
)


def _current_provider(provider: Provider, version: int) -> Provider:
    """The school, locked for the save; refused if someone saved it after `version`."""
    current = Provider.objects.select_for_update().get(pk=provider.pk)
    if current.version != version:
        raise StaleEditError(PROVIDER_STALE)
    return current
