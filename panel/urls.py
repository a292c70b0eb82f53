from __future__ import annotations

from django.urls import path

from .views import history, meetings, requests, summary

app_name = "panel"

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/record/", meetings.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/requests/new/", requests.request_create, name="request_create"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/decision/", requests.decision_record, name="decision_record"),
    path("requests/<int:pk>/placement/", requests.placement_record, name="placement_record"),
    path("providers/suggest/", requests.provider_suggest, name="provider_suggest"),
    path("summary/", summary.summary, name="summary"),
    path("summary/download/<str:fmt>/", summary.summary_download, name="summary_download"),
    path("decisions/", history.decision_search, name="decision_search"),
]
