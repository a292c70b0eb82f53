from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Meeting, PanelRequest


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "panel_type", "chair"]
    list_filter = ["panel_type"]
    date_hierarchy = "date"


@admin.register(PanelRequest)
class PanelRequestAdmin(SimpleHistoryAdmin):
    list_display = ["id", "meeting", "child", "request_type", "outcome", "agreed_cost", "version"]
    list_filter = ["outcome", "request_type", "meeting__panel_type"]
    search_fields = ["child__child_ref", "provider__name"]
    raw_id_fields = ["meeting", "child", "provider", "returning_from", "placement"]
    readonly_fields = ["version", "decided_by", "decided_at", "created_by", "created_at"]
    history_list_display = ["outcome", "agreed_cost"]
