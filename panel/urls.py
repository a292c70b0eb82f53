from __future__ import annotations

from django.urls import path

from . import views

app_name = "panel"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/decision/", views.decision_record, name="decision_record"),
    path("requests/<int:pk>/placement/", views.placement_record, name="placement_record"),
    path("providers/suggest/", views.provider_suggest, name="provider_suggest"),
    path("summary/", views.summary, name="summary"),
    path("summary/download/<str:fmt>/", views.summary_download, name="summary_download"),
    path("decisions/", views.decision_search, name="decision_search"),
]
