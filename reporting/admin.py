from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BudgetLine, DashboardSnapshot


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ["financial_year", "line", "amount"]
    list_filter = ["financial_year"]


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(admin.ModelAdmin):
    list_display = ["dashboard", "as_of", "computed_at"]
    readonly_fields = ["dashboard", "as_of", "computed_at", "data"]
