from __future__ import annotations

from django.contrib import admin

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["kind", "file_name", "status", "dry_run", "user", "rows_read", "created_at"]
    list_filter = ["kind", "status", "dry_run"]
    readonly_fields = [f for f in ("errors", "warnings", "unknown_columns", "failure")]
