from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EHCP, Child, NeedType, Placement, Provider


@admin.register(NeedType)
class NeedTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "sort_order"]


class EHCPInline(admin.TabularInline):
    model = EHCP
    extra = 0


@admin.register(Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = ["child_ref", "first_name", "last_name", "date_of_birth", "district"]
    search_fields = ["child_ref", "first_name", "last_name"]
    list_filter = ["district", "sex"]
    inlines = [EHCPInline]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["urn", "name", "setting_group", "status", "ofsted_grade"]
    search_fields = ["name", "=urn"]
    list_filter = ["setting_group", "status", "ofsted_grade"]
    filter_horizontal = ["need_types"]


@admin.register(Placement)
class PlacementAdmin(SimpleHistoryAdmin):
    list_display = ["child", "provider", "start_date", "end_date", "annual_cost", "withdrawn"]
    list_filter = ["attendance_pattern", "withdrawn", "setting_type"]
    search_fields = ["child__child_ref", "provider__name", "=provider__urn"]
    raw_id_fields = ["child", "provider"]
    readonly_fields = ["version"]
