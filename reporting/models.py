"""Budgets and stored dashboard results (ADR 0001 and ADR 0004)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from placements.models import MONEY


class BudgetLine(models.Model):
    financial_year = models.PositiveSmallIntegerField(help_text="The year the FY starts in")
    line = models.CharField(max_length=120)
    amount = models.DecimalField(validators=[MinValueValidator(Decimal(0))], **MONEY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year", "line"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "line"], name="budget_line_unique")
        ]
        permissions = [("view_dashboards", "Can read dashboards and aggregate figures")]

    def __str__(self) -> str:
        return f"{self.line} {self.financial_year}"


class DashboardSnapshot(models.Model):
    """One dashboard's computed figures for an as-of date, written whole in one transaction."""

    dashboard = models.CharField(max_length=40)
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        ordering = ["dashboard", "-as_of"]
        get_latest_by = "computed_at"
        constraints = [
            models.UniqueConstraint(fields=["dashboard", "as_of"], name="snapshot_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.dashboard} as of {self.as_of}"


class FiguresChange(models.Model):
    """A change to data the figures depend on (a placement, a panel decision, a fee, an uplift,
    an import), written when it commits. A dashboard whose snapshot was computed before such a
    change says its figures are out of date and how many changes it misses; a recompute deletes
    the changes it has read. One row per change, so saves at once never wait for each other."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.what} at {self.at:%Y-%m-%d %H:%M:%S}"


from .sufficiency_models import PlannedPlaces, SufficiencyScenario  # noqa: E402

__all__ = [
    "BudgetLine",
    "DashboardSnapshot",
    "FiguresChange",
    "PlannedPlaces",
    "SufficiencyScenario",
]
