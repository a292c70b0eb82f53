"""URL patterns for imports and exports, included by `placements/urls.py`."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.import_start, name="import_start"),
    path("imports/jobs/<int:job_id>/", views.import_job, name="import_job"),
    path("imports/<int:record_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:record_id>/errors.csv", views.import_errors, name="import_errors"),
    path("imports/templates/<slug:kind>.csv", views.import_template, name="import_template"),
    path("placements/export/", views.placement_export, name="placement_export"),
    path("exports/sen2/", views.sen2_export, name="sen2_export"),
]
