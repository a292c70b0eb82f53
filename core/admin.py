from __future__ import annotations

from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "progress_done", "progress_total", "created_by", "created_at"]
    list_filter = ["kind", "status"]
