from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from .models import Job

if TYPE_CHECKING:
    _JobAdminBase = admin.ModelAdmin[Job]
else:  # ModelAdmin is generic only in django-stubs, not at run time
    _JobAdminBase = admin.ModelAdmin


@admin.register(Job)
class JobAdmin(_JobAdminBase):
    list_display = ["kind", "status", "progress_done", "progress_total", "created_by", "created_at"]
    list_filter = ["kind", "status"]
