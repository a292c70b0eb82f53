from __future__ import annotations

from django.urls import path, re_path

from .dashboards import DASHBOARDS
from .views import dashboards

app_name = "reporting"

# Only the slugs built here, so /dashboards/<another>/ (e.g. sufficiency) can be added beside them.
SLUGS = "|".join(dashboard.slug for dashboard in DASHBOARDS)

urlpatterns = [
    path("", dashboards.dashboard_index, name="index"),
    path("recompute/", dashboards.recompute_start, name="recompute"),
    path("recompute/<int:job_id>/", dashboards.recompute_job, name="recompute_job"),
    re_path(rf"^(?P<slug>{SLUGS})/$", dashboards.dashboard_detail, name="dashboard"),
    re_path(
        rf"^(?P<slug>{SLUGS})/(?P<table_id>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        dashboards.dashboard_download,
        name="download",
    ),
]
