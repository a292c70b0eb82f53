"""Jobs: long pieces of work a user starts (an import, a recompute), with progress for the page."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Job(models.Model):
    """A long piece of work a user started (an import, a recompute), with progress for the page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40)
    key = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the job is about (a census date, a stored file, a user): at most one "
        "queued or running job of a kind has a given key (core.services.job_start_once)",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Written every few seconds while the job runs; a silent job has lost its worker",
    )

    class Meta:
        db_table = "placements_job"  # created by the placements app before core existed
        ordering = ["-created_at"]
        constraints = [
            # One click, one job: two posts at once cannot both start a job for the same key.
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(status__in=["queued", "running"]) & ~models.Q(key=""),
                name="core_job_one_unfinished_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class AuditEvent(models.Model):
    """One read or download of personal data: who opened which record or file, from where, when.

    Written only by core.audit.record; never edited; deleted after AUDIT_RETENTION_DAYS."""

    class Action(models.TextChoices):
        VIEW_CHILD = "view_child", "Opened a child's record"
        VIEW_PANEL_REQUEST = "view_panel_request", "Opened a panel request"
        VIEW_MEETING = "view_meeting", "Opened a meeting's agenda"
        VIEW_DECISION_RECORD = "view_decision_record", "Opened a meeting's decision record"
        VIEW_SEN2 = "view_sen2", "Opened an SEN2 page"
        VIEW_LIST = "view_list", "Opened a list naming children"
        EXPORT = "export", "Downloaded an export"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # Kept as text too, so the event still names the person after their account is deleted.
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=30, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    label = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=500)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["username", "at"], name="core_audit_username_at"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.label or self.object_id} at {self.at:%Y-%m-%d %H:%M}"


class SubmissionToken(models.Model):
    """One create form's one-time token (core.idempotency): the first submission claims it, and
    names the record it made; a repeat of the same form finds that record instead of making
    another. Deleted after SUBMISSION_TOKEN_RETENTION_HOURS."""

    token = models.UUIDField(unique=True)
    # What the first submission made: its model's label and primary key.
    kind = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.token} → {self.kind} {self.object_id}"


class SignInReservation(models.Model):
    """Sign-in attempts whose password is being checked right now, for one lockout key (a
    username, or an address, as AXES_LOCKOUT_PARAMETERS name them).

    core.sign_in reserves one under a row lock before the password is checked and releases it
    once axes has recorded the outcome, so a burst of attempts cannot all pass the lockout
    check before the first failure is written."""

    # sha256 of the lockout parameters' values: a username or address is never kept here.
    key = models.CharField(max_length=64, unique=True)
    in_flight = models.PositiveIntegerField(default=0)
    reserved_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.in_flight} sign-in checks in flight"
