from __future__ import annotations

from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("children/", views.child_list, name="child_list"),
    path("children/<str:child_ref>/", views.child_detail, name="child_detail"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<int:urn>/", views.provider_detail, name="provider_detail"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/<int:pk>/change/", views.placement_change, name="placement_change"),
    path("placements/export/", views.placement_export, name="placement_export"),
    path("exports/sen2/", views.sen2_export, name="sen2_export"),
]
