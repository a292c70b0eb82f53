from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    EHCP,
    AnnualReview,
    Child,
    NamedSetting,
    NeedType,
    PhaseTransfer,
    Placement,
    Provider,
)


@admin.register(NeedType)
class NeedTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "sort_order"]


class EHCPInline(admin.TabularInline):
    model = EHCP
    extra = 0


@admin.register(Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = ["child_ref", "first_name", "last_name", "date_of_birth", "district"]
    search_fields = ["child_ref", "first_name", "last_name", "upn", "uln"]
    list_filter = ["district", "sex", "ethnicity"]
    inlines = [EHCPInline]
    readonly_fields = ["version"]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["urn", "name", "setting_group", "status", "ofsted_grade"]
    search_fields = ["name", "=urn"]
    list_filter = ["setting_group", "status", "ofsted_grade"]
    filter_horizontal = ["need_types"]
    readonly_fields = ["version"]


@admin.register(Placement)
class PlacementAdmin(SimpleHistoryAdmin):
    list_display = ["child", "provider", "start_date", "end_date", "annual_cost", "withdrawn"]
    list_filter = ["attendance_pattern", "withdrawn", "setting_type"]
    search_fields = ["child__child_ref", "provider__name", "=provider__urn"]
    raw_id_fields = ["child", "provider"]
    readonly_fields = ["version"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "child",
                    "provider",
                    "setting_type",
                    "start_date",
                    "end_date",
                    "attendance_pattern",
                    "annual_cost",
                    "additional_cost",
                    "education_share",
                    "health_share",
                    "social_care_share",
                    "reason",
                    "dual_registered",
                    "withdrawn",
                    "version",
                ]
            },
        ),
        (
            "SEN2 placement detail",
            {
                "fields": [
                    "placement_rank",
                    "sen_unit",
                    "resourced_provision",
                    "sen2_setting",
                    "sen2_setting_other",
                    "residential",
                    "work_based_learning",
                ]
            },
        ),
    ]


class NamedSettingInline(admin.TabularInline):
    model = NamedSetting
    extra = 0
    raw_id_fields = ["provider"]


class AnnualReviewInline(admin.TabularInline):
    model = AnnualReview
    extra = 0


class PhaseTransferInline(admin.TabularInline):
    model = PhaseTransfer
    extra = 0


@admin.register(EHCP)
class EHCPAdmin(SimpleHistoryAdmin):
    list_display = ["child", "status", "request_date", "issue_date", "ceased_date"]
    list_filter = ["status", "assessment_decision", "issue_decision", "week20_exception"]
    search_fields = ["child__child_ref", "child__last_name"]
    raw_id_fields = ["child"]
    inlines = [NamedSettingInline, AnnualReviewInline, PhaseTransferInline]
    readonly_fields = ["version"]


@admin.register(NamedSetting)
class NamedSettingAdmin(SimpleHistoryAdmin):
    list_display = ["ehcp", "rank", "provider", "sen2_setting"]
    raw_id_fields = ["ehcp", "provider"]


@admin.register(AnnualReview)
class AnnualReviewAdmin(SimpleHistoryAdmin):
    list_display = ["ehcp", "meeting_date", "outcome", "decision_date"]
    list_filter = ["outcome"]
    raw_id_fields = ["ehcp"]


@admin.register(PhaseTransfer)
class PhaseTransferAdmin(SimpleHistoryAdmin):
    list_display = ["ehcp", "due_date", "final_plan_date"]
    raw_id_fields = ["ehcp"]
