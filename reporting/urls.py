from __future__ import annotations

from django.urls import path, re_path

from .dashboards import DASHBOARDS
from .views import dashboards, sufficiency

app_name = "reporting"

# Only the slugs built by `reporting.dashboards`, so sufficiency's own pages sit beside them.
SLUGS = "|".join(dashboard.slug for dashboard in DASHBOARDS)

urlpatterns = [
    path("", dashboards.dashboard_index, name="index"),
    path("recompute/", dashboards.recompute_start, name="recompute"),
    path("recompute/<int:job_id>/", dashboards.recompute_job, name="recompute_job"),
    path("sufficiency/", sufficiency.sufficiency_dashboard, name="sufficiency"),
    path("sufficiency/scenarios/", sufficiency.scenario_create, name="sufficiency_scenario_create"),
    path(
        "sufficiency/scenarios/<int:pk>/",
        sufficiency.scenario_edit,
        name="sufficiency_scenario_edit",
    ),
    path(
        "sufficiency/scenarios/<int:pk>/delete/",
        sufficiency.scenario_delete,
        name="sufficiency_scenario_delete",
    ),
    path(
        "sufficiency/planned-places/<int:pk>/",
        sufficiency.planned_places_edit,
        name="sufficiency_planned_places_edit",
    ),
    path(
        "sufficiency/planned-places/<int:pk>/delete/",
        sufficiency.planned_places_delete,
        name="sufficiency_planned_places_delete",
    ),
    path(
        "sufficiency/planned-places/",
        sufficiency.planned_places,
        name="sufficiency_planned_places",
    ),
    path(
        "sufficiency/presets/<slug:slug>/copy/",
        sufficiency.preset_copy,
        name="sufficiency_preset_copy",
    ),
    path(
        "sufficiency/<str:table>/download.<str:fmt>",
        sufficiency.sufficiency_table_download,
        name="sufficiency_table_download",
    ),
    path(
        "sufficiency/download.<str:fmt>",
        sufficiency.sufficiency_download,
        name="sufficiency_download",
    ),
    re_path(rf"^(?P<slug>{SLUGS})/$", dashboards.dashboard_detail, name="dashboard"),
    re_path(
        rf"^(?P<slug>{SLUGS})/(?P<table_id>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        dashboards.dashboard_download,
        name="download",
    ),
]
