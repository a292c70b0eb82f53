from __future__ import annotations

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("guide/", views.import_guide, name="guide"),
    path("jobs/<int:job_id>/", views.import_job, name="job"),
    path("jobs/<int:job_id>/restart/", views.import_restart, name="restart"),
    path("<int:record_id>/confirm/", views.import_confirm, name="confirm"),
    path("<int:record_id>/errors.csv", views.import_errors, name="errors"),
    path("templates/<slug:kind>.csv", views.import_template, name="template"),
]
