from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, Job

if TYPE_CHECKING:
    _JobAdminBase = admin.ModelAdmin[Job]
else:  # ModelAdmin is generic only in django-stubs, not at run time
    _JobAdminBase = admin.ModelAdmin


@admin.register(Job)
class JobAdmin(_JobAdminBase):
    list_display = ["kind", "status", "progress_done", "progress_total", "created_by", "created_at"]
    list_filter = ["kind", "status"]


if TYPE_CHECKING:
    _AuditEventAdminBase = admin.ModelAdmin[AuditEvent]
else:
    _AuditEventAdminBase = admin.ModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(_AuditEventAdminBase):
    """The audit log, read-only: nobody edits or deletes an event by hand (the nightly prune
    deletes them after AUDIT_RETENTION_DAYS)."""

    list_display = ["at", "username", "action", "object_type", "object_id", "label", "ip"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["username", "object_id", "label", "path"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
