"""The Dynamic Purchasing System: frameworks, lots, membership, fees, uplifts, block contracts,
contracts, attendance and consultations (the domain model)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.references import ReferenceValidator
from placements.models import MONEY, PERCENT, AttendancePattern, Child, Placement, Provider

from .rules import consultation_due_date


class Framework(models.Model):
    """A framework agreement, e.g. a 4-year DPS with up to 4 years' extension."""

    name = models.CharField(max_length=120, unique=True)
    start_date = models.DateField()
    initial_term_years = models.PositiveSmallIntegerField(default=4)
    max_extension_years = models.PositiveSmallIntegerField(default=4)
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="lots")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    block_contract_eligible = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="lot_number_unique")
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.name}"


class Membership(models.Model):
    """A provider's place in a framework's lot."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        ADMITTED = "admitted", "Admitted"
        SUSPENDED = "suspended", "Suspended"
        REMOVED = "removed", "Removed"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="memberships")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="memberships")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField(null=True, blank=True)
    admitted_on = models.DateField(null=True, blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)
    quality_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    ofsted_grade = models.PositiveSmallIntegerField(
        choices=Provider.OfstedGrade.choices,
        null=True,
        blank=True,
        help_text="The Ofsted grade taken as quality evidence for this membership",
    )
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "lot", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "framework"], name="membership_one_per_framework"
            )
        ]
        permissions = [("manage_dps", "Can manage the DPS: memberships, fees, uplifts, contracts")]

    def __str__(self) -> str:
        return f"{self.provider} in {self.lot}"


class FeeSchedule(models.Model):
    """A provider's annual fee for an academic year, attendance pattern and optional band."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="fees")
    academic_year = models.PositiveSmallIntegerField(help_text="The year the AY starts in")
    attendance_pattern = models.CharField(max_length=8, choices=AttendancePattern.choices)
    band = models.CharField(max_length=40, blank=True)
    annual_fee = models.DecimalField(validators=[MinValueValidator(Decimal(0))], **MONEY)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "-academic_year", "attendance_pattern", "band"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "academic_year", "attendance_pattern", "band"],
                name="fee_schedule_unique",
            ),
            models.CheckConstraint(condition=Q(annual_fee__gte=0), name="fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.academic_year} {self.attendance_pattern} {self.band}"


class BlockContract(models.Model):
    """Places reserved at a provider for a period at a price per place."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="block_contracts")
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="block_contracts"
    )
    places_reserved = models.PositiveIntegerField()
    price_per_place = models.DecimalField(validators=[MinValueValidator(Decimal(0))], **MONEY)
    start_date = models.DateField()
    end_date = models.DateField()
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="block_contract_dates_valid"
            ),
            models.CheckConstraint(
                condition=Q(places_reserved__gt=0), name="block_contract_has_places"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.places_reserved} places at {self.provider}"


class UpliftRequest(models.Model):
    """A provider's request to raise its fees for an academic year, and the negotiated result."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        NEGOTIATING = "negotiating", "Negotiating"
        AGREED = "agreed", "Agreed"
        REJECTED = "rejected", "Rejected"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="uplifts")
    academic_year = models.PositiveSmallIntegerField()
    requested_percent = models.DecimalField(validators=[MinValueValidator(Decimal(0))], **PERCENT)
    justification = models.TextField(blank=True)
    cost_breakdown = models.TextField(blank=True)
    agreed_percent = models.DecimalField(
        null=True, blank=True, validators=[MinValueValidator(Decimal(0))], **PERCENT
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    received_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-academic_year", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "academic_year"], name="uplift_one_per_provider_year"
            ),
            models.CheckConstraint(
                condition=Q(agreed_percent__isnull=True)
                | Q(agreed_percent__lte=F("requested_percent")),
                name="uplift_agreed_not_above_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} uplift {self.academic_year}"


class Contract(models.Model):
    """An entry in the contract register."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        EXTENDED = "extended", "Extended"
        EXPIRED = "expired", "Expired"
        TERMINATED = "terminated", "Terminated"

    reference = models.CharField(max_length=40, validators=[ReferenceValidator()])
    title = models.CharField(max_length=200)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="contracts", null=True, blank=True
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="contracts", null=True, blank=True
    )
    value = models.DecimalField(validators=[MinValueValidator(Decimal(0))], **MONEY)
    start_date = models.DateField()
    end_date = models.DateField()
    extension_options = models.CharField(max_length=200, blank=True)
    max_extension_months = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["end_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="contract_dates_valid"
            ),
            # "DPS-001" and "dps-001" are one contract. Upper, as PostgreSQL's iexact compares.
            models.UniqueConstraint(Upper("reference"), name="contract_reference_unique_any_case"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class AttendancePenaltyRule(models.Model):
    """Attendance below the threshold in a term reduces that term's fee by a percentage."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="attendance_rules"
    )
    threshold_percent = models.DecimalField(default=Decimal(80), **PERCENT)
    fee_reduction_percent = models.DecimalField(default=Decimal(10), **PERCENT)

    def __str__(self) -> str:
        return f"Below {self.threshold_percent}% attendance: −{self.fee_reduction_percent}%"


class AttendanceRecord(models.Model):
    class Term(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="attendance")
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=Term.choices)
    attendance_percent = models.DecimalField(
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))], **PERCENT
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "academic_year", "term"], name="attendance_one_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement} {self.academic_year} {self.term}: {self.attendance_percent}%"


class Consultation(models.Model):
    """The LA asks a school whether it can meet a child's needs; the school has 15 days to respond."""

    class Response(models.TextChoices):
        AWAITING = "awaiting", "Awaiting response"
        OFFER = "offer", "Offer"
        DECLINE = "decline", "Decline"
        WITHDRAWN = "withdrawn", "Withdrawn"
        NOT_NEEDED = "not_needed", "Closed: not needed"

    class DeclineReason(models.TextChoices):
        CANNOT_MEET_NEED = "cannot_meet_need", "Cannot meet need"
        NO_VACANCY = "no_vacancy", "No vacancy"
        PEER_GROUP = "peer_group", "Peer group"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="consultations")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="consultations")
    on_dps = models.BooleanField(default=True, help_text="The provider was a DPS member when sent")
    parental_request = models.BooleanField(default=False)
    sent_on = models.DateField(db_index=True)
    due_on = models.DateField(db_index=True)
    response = models.CharField(
        max_length=10, choices=Response.choices, default=Response.AWAITING, db_index=True
    )
    responded_on = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    offered_fee = models.DecimalField(
        null=True, blank=True, validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    offered_start = models.DateField(null=True, blank=True)
    offered_additional_cost = models.DecimalField(
        "additional cost offered",
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        **MONEY,
    )
    decline_detail = models.CharField(max_length=500, blank=True)
    attendance_pattern = models.CharField(
        max_length=8, choices=AttendancePattern.choices, default=AttendancePattern.DAY
    )
    provision_sought = models.TextField(blank=True)
    contact_email = models.EmailField("SEN contact email", blank=True)
    warnings = models.JSONField(
        default=list, blank=True, help_text="Suitability warnings shown when the school was chosen"
    )
    accepted_on = models.DateField(null=True, blank=True)
    days_to_place = models.PositiveIntegerField(
        null=True, blank=True, help_text="First consultation sent to this offer accepted, in days"
    )
    last_chased_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "id"]
        indexes = [
            # The worklist's due and overdue consultations: the few still awaiting a response.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(response="awaiting"),
                name="consultation_awaiting_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("sent_on")), name="consultation_due_after_sent"
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("sent_on")),
                name="consultation_response_after_sent",
            ),
            # The natural key of a consultation: one open at a time per child and school, so
            # a double submit of Consult (even simultaneous) cannot consult a school twice.
            models.UniqueConstraint(
                fields=["child", "provider"],
                condition=Q(response="awaiting"),
                name="consultation_one_open_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation of {self.provider} for {self.child.child_ref}"

    def save(self, *args, **kwargs) -> None:
        """A consultation saved without a due date gets the one the rule gives."""
        if self.due_on is None and self.sent_on is not None:
            self.due_on = consultation_due_date(self.sent_on)
        super().save(*args, **kwargs)

    @property
    def response_days(self) -> int | None:
        if self.responded_on is None:
            return None
        return (self.responded_on - self.sent_on).days

    @property
    def offered_annual_cost(self) -> Decimal | None:
        if self.offered_fee is None:
            return None
        return self.offered_fee + (self.offered_additional_cost or Decimal(0))


class ConsultationEmail(models.Model):
    """An email to the school about a consultation (the pack, or a chase), kept as an outbox:
    saved in the same transaction as the consultation, sent after it commits by a Celery task,
    and tried again (with a growing wait) until it goes. Nothing waits for the mail server."""

    class Kind(models.TextChoices):
        PACK = "pack", "Consultation pack"
        CHASE = "chase", "Reminder"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent yet"
        CANCELLED = "cancelled", "Not sent: no longer needed"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(
        max_length=300, blank=True, help_text="Why the last attempt failed, in plain words"
    )
    queued_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the scheduled retry picks it up if still unsent"
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took it to send (while being sent)"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The officer whose action queued it",
    )

    class Meta:
        ordering = ["consultation", "queued_at", "id"]
        indexes = [
            # The scheduled retry's look-up: the few emails not sent yet.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status__in=["queued", "sending", "failed"]),
                name="consultation_email_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}: {self.get_status_display()}"

    @property
    def plain_reason(self) -> str:
        """Why the last attempt failed, without the technical detail kept in brackets."""
        return self.last_error.split(" (", 1)[0]

    @property
    def error_detail(self) -> str:
        _, _, detail = self.last_error.partition(" (")
        return detail.removesuffix(")")

    @property
    def unsent(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.SENDING, self.Status.FAILED)


class ShortlistEntry(models.Model):
    """A school an officer has ticked for a child, before consulting it."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="shortlist")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    parental_request = models.BooleanField(default=False)
    warnings = models.JSONField(default=list, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "added_at", "id"]
        verbose_name_plural = "shortlist entries"
        constraints = [
            models.UniqueConstraint(fields=["child", "provider"], name="shortlist_once_per_child")
        ]

    def __str__(self) -> str:
        return f"{self.provider} shortlisted for {self.child.child_ref}"
