"""Sufficiency scenarios and planned places (docs/sufficiency.md). Imported by reporting.models."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from placements import rules

PROVISION_CHOICES = [
    (g, label) for g, label in rules.SETTING_GROUP_CHOICES if g in ("special", "srp")
]
PHASE_CHOICES = [
    ("early_years", "Early years"),
    ("primary", "Primary (Reception to Year 6)"),
    ("secondary", "Secondary (Years 7 to 11)"),
    ("post16", "Post-16 (Year 12 and above)"),
]
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


EHCP_CHANGE_LIMIT = 100
"""A scenario's change in new EHCPs is between -100% (none at all) and 100% (twice as many)."""
EHCP_CHANGE_OUT_OF_RANGE = (
    f"Enter a change in new EHCPs between -{EHCP_CHANGE_LIMIT}% and {EHCP_CHANGE_LIMIT}%"
)


class SufficiencyScenario(models.Model):
    """A what-if: its own planned places, and optionally a change in the rate of new EHCPs."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    ehcp_change_percent = models.DecimalField(
        "change in new EHCPs (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(-EHCP_CHANGE_LIMIT)),
            MaxValueValidator(Decimal(EHCP_CHANGE_LIMIT)),
        ],
    )
    ehcp_change_need = models.CharField(max_length=4, choices=rules.NEED_TYPES, blank=True)
    ehcp_change_phase = models.CharField(max_length=12, choices=PHASE_CHOICES, blank=True)
    ehcp_change_from_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS
    )
    ehcp_change_full_by = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS
    )
    result = models.JSONField(null=True, blank=True)
    as_of = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["result"])

    class Meta:
        ordering = ["name"]
        constraints = [
            # One scenario per name whatever the case (Upper, as PostgreSQL's iexact compares).
            models.UniqueConstraint(Upper("name"), name="scenario_name_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.name


class PlannedPlaces(models.Model):
    """Places a provision will add from an academic year on: the council's plan (no scenario,
    part of the baseline) or one scenario's own places."""

    scenario = models.ForeignKey(
        SufficiencyScenario,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="places",
    )
    setting_group = models.CharField("provision", max_length=12, choices=PROVISION_CHOICES)
    need = models.CharField(max_length=4, choices=rules.NEED_TYPES, blank=True)
    phase = models.CharField(max_length=12, choices=PHASE_CHOICES)
    academic_year = models.PositiveSmallIntegerField(
        help_text="The year the academic year starts in, e.g. 2026 for 2026/27",
        validators=YEAR_VALIDATORS,
    )
    places = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    note = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["academic_year", "setting_group", "phase", "need"]
        verbose_name_plural = "planned places"
        # One line per forecast cell (provision, phase, need, year) in the council's plan and in
        # each scenario: more places in a cell are a change to its line, not a second line.
        constraints = [
            models.UniqueConstraint(
                fields=["setting_group", "phase", "need", "academic_year"],
                condition=Q(scenario__isnull=True),
                name="planned_places_one_line_per_cell_in_plan",
            ),
            models.UniqueConstraint(
                fields=["scenario", "setting_group", "phase", "need", "academic_year"],
                condition=Q(scenario__isnull=False),
                name="planned_places_one_line_per_cell_in_scenario",
            ),
        ]
        permissions = [("manage_sufficiency", "Can edit planned places and sufficiency scenarios")]

    def __str__(self) -> str:
        return f"{self.places} {self.setting_group} places from {self.academic_year}"

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"
