from __future__ import annotations

from django.urls import path

from . import views
from .sen2 import views as sen2_views

app_name = "placements"

urlpatterns = [
    path("children/", views.child_list, name="child_list"),
    path("children/<str:child_ref>/", views.child_detail, name="child_detail"),
    path("children/<str:child_ref>/sen2/", views.child_sen2_change, name="child_sen2_change"),
    path(
        "children/<str:child_ref>/annual-reviews/add/",
        views.annual_review_add,
        name="annual_review_add",
    ),
    path(
        "children/<str:child_ref>/phase-transfers/add/",
        views.phase_transfer_add,
        name="phase_transfer_add",
    ),
    path(
        "children/<str:child_ref>/named-settings/add/",
        views.named_setting_add,
        name="named_setting_add",
    ),
    path(
        "children/<str:child_ref>/named-settings/<int:pk>/remove/",
        views.named_setting_remove,
        name="named_setting_remove",
    ),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<int:urn>/", views.provider_detail, name="provider_detail"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/<int:pk>/change/", views.placement_change, name="placement_change"),
    path("placements/export/", views.placement_export, name="placement_export"),
    path("placements/export/prepare/", views.placement_export_start, name="placement_export_start"),
    path(
        "placements/export/<int:job_id>/", views.placement_export_job, name="placement_export_job"
    ),
    path(
        "placements/export/<int:job_id>/placements.csv",
        views.placement_export_download,
        name="placement_export_download",
    ),
    path("exports/sen2/", views.sen2_export, name="sen2_export"),
    path("sen2/", sen2_views.sen2_return, name="sen2_return"),
    path("sen2/checks/<int:job_id>/", sen2_views.sen2_check, name="sen2_check"),
    path("sen2/checks/<int:job_id>/return.xml", sen2_views.sen2_download, name="sen2_download"),
    path(
        "sen2/checks/<int:job_id>/extract.zip",
        sen2_views.sen2_extract_download,
        name="sen2_extract_download",
    ),
]
