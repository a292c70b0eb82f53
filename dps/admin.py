from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AttendancePenaltyRule,
    AttendanceRecord,
    BlockContract,
    Consultation,
    Contract,
    FeeSchedule,
    Framework,
    Lot,
    Membership,
    UpliftRequest,
)


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    readonly_fields = ["version"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "initial_term_years", "max_extension_years"]
    inlines = [LotInline]
    readonly_fields = ["version"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["provider", "framework", "lot", "status", "quality_score"]
    list_filter = ["framework", "lot", "status"]
    raw_id_fields = ["provider"]


@admin.register(FeeSchedule)
class FeeScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["provider", "academic_year", "attendance_pattern", "band", "annual_fee"]
    list_filter = ["academic_year", "attendance_pattern"]
    raw_id_fields = ["provider"]


@admin.register(UpliftRequest)
class UpliftRequestAdmin(SimpleHistoryAdmin):
    list_display = ["provider", "academic_year", "requested_percent", "agreed_percent", "status"]
    list_filter = ["academic_year", "status"]
    raw_id_fields = ["provider"]


@admin.register(BlockContract)
class BlockContractAdmin(SimpleHistoryAdmin):
    list_display = ["provider", "places_reserved", "price_per_place", "start_date", "end_date"]
    raw_id_fields = ["provider"]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "provider", "value", "start_date", "end_date", "status"]
    list_filter = ["status"]
    raw_id_fields = ["provider"]


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["child", "provider", "sent_on", "due_on", "response", "responded_on"]
    list_filter = ["response", "on_dps"]
    raw_id_fields = ["child", "provider", "placement"]


admin.site.register(AttendancePenaltyRule)
admin.site.register(AttendanceRecord, raw_id_fields=["placement"])
