"""`ImportRecord`: one run of an import, web or command line."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRecord(models.Model):
    """One run of an import (web or command line): who, when, which file, and what it did."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        REJECTED = "rejected", "Rejected: the file has errors"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    stored_file = models.CharField(
        max_length=300, blank=True, help_text="The upload, relative to MEDIA_ROOT (web imports)"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_records"
    )
    dry_run = models.BooleanField(default=False)
    confirmed_job = models.ForeignKey(
        "core.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A check: the import its Import button started (set once, with that job)",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors, for the page")
    unknown_columns = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True, help_text="An unexpected failure, not a row error")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "placements_importrecord"  # created by the placements app before imports existed
        ordering = ["-created_at", "-id"]
        permissions = [("import_data", "Can import and export the council's data")]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.file_name} ({self.status})"

    @property
    def kind_label(self) -> str:
        """The kind's name as people say it ("Providers from GIAS"), or its code if retired."""
        from .registry import import_kinds

        kind = import_kinds().get(self.kind)
        return kind.label if kind is not None else self.kind
