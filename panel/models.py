"""Panel meetings and the requests they decide (the domain model)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from placements import rules
from placements.models import MONEY, Child, NeedType, Placement, Provider


class PanelType(models.TextChoices):
    INDEPENDENT_PLACEMENT = "independent_placement", "Independent Placement Panel"
    SRP = "srp", "SRP panel"
    OTHER = "other", "Other panel"


class Meeting(models.Model):
    date = models.DateField(db_index=True)
    panel_type = models.CharField(
        max_length=24, choices=PanelType.choices, default=PanelType.INDEPENDENT_PLACEMENT
    )
    chair = models.CharField(max_length=120, blank=True)
    members = models.TextField(blank=True, help_text="One member per line")
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "panel_type"]
        constraints = [
            models.UniqueConstraint(fields=["date", "panel_type"], name="meeting_one_per_day_type")
        ]
        permissions = [
            ("view_panel_summary", "Can read panel summaries"),
            ("decide_request", "Can record panel decisions"),
        ]

    def __str__(self) -> str:
        return f"{self.get_panel_type_display()}, {self.date:%-d %B %Y}"


class PanelRequest(models.Model):
    """A request put to a panel, and the panel's decision on it."""

    class RequestType(models.TextChoices):
        NEW_PLACEMENT = "new_placement", "New placement"
        ADDITIONAL_FUNDING = "additional_funding", "Additional funding"
        CHANGE_OF_PLACEMENT = "change_of_placement", "Change of placement"
        CONTINUATION = "continuation", "Continuation"

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"
        MORE_INFORMATION = "more_information", "More information required"
        DEFERRED = "deferred", "Deferred"

    class FundingReason(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "1:1 adult support"
        STAFFING_RATIO = "staffing_ratio", "Staffing ratio unmanageable"
        AWAITING_SPECIALIST = "awaiting_specialist", "High need awaiting a specialist place"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="requests")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="panel_requests")
    request_type = models.CharField(max_length=20, choices=RequestType.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="panel_requests"
    )
    primary_need = models.ForeignKey(NeedType, on_delete=models.PROTECT, related_name="+")
    secondary_need = models.ForeignKey(
        NeedType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_base_cost = models.DecimalField(
        default=Decimal(0), validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    requested_additional_cost = models.DecimalField(
        default=Decimal(0), validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    funding_reasons = models.JSONField(default=list, blank=True)
    funding_reason_other = models.CharField(max_length=300, blank=True)
    case_summary = models.TextField(blank=True)
    expected_start = models.DateField(null=True, blank=True)
    # The suitability warnings (dps.selectors.search) when the provider was chosen: kept with
    # the choice, as the officer saw them. Warnings never block the choice.
    provider_warnings = models.JSONField(default=list, blank=True)
    returning_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="returned_as"
    )

    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, db_index=True)
    agreed_cost = models.DecimalField(
        null=True, blank=True, validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    conditions = models.TextField(blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="panel_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "id"]
        indexes = [
            # The worklist's agreed requests not yet placed: a few among every decision.
            models.Index(
                fields=["meeting", "id"],
                condition=Q(
                    outcome="agreed",
                    placement__isnull=True,
                    request_type__in=["new_placement", "change_of_placement"],
                ),
                name="panel_request_agreed_unplaced",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "child", "request_type"], name="panel_request_natural_key"
            ),
            models.CheckConstraint(
                condition=Q(requested_base_cost__gte=0) & Q(requested_additional_cost__gte=0),
                name="panel_request_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(agreed_cost__isnull=True) | Q(agreed_cost__gte=0),
                name="panel_request_agreed_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_request_type_display()} for {self.child.child_ref}"

    @staticmethod
    def requested_cost_expression() -> models.Expression:
        """`requested_cost` in SQL, for sums in the database."""
        return models.F("requested_base_cost") + models.F("requested_additional_cost")

    @staticmethod
    def label_for_needs(primary: str, secondary: str | None) -> str:
        """The deck's need label: the primary need, or "ASD with SEMH" with a secondary one."""
        return f"{primary} with {secondary}" if secondary else primary

    @property
    def requested_cost(self) -> Decimal:
        return rules.placement_cost(self.requested_base_cost, self.requested_additional_cost)

    @property
    def need_label(self) -> str:
        return self.label_for_needs(self.primary_need_id, self.secondary_need_id)

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)
