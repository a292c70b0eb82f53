from __future__ import annotations

from django.urls import path

from reporting.views import sufficiency

app_name = "reporting"

urlpatterns: list = []

urlpatterns += [
    path("sufficiency/", sufficiency.sufficiency_dashboard, name="sufficiency"),
    path("sufficiency/scenarios/", sufficiency.scenario_create, name="sufficiency_scenario_create"),
    path(
        "sufficiency/planned-places/",
        sufficiency.planned_places,
        name="sufficiency_planned_places",
    ),
    path(
        "sufficiency/download.<str:fmt>",
        sufficiency.sufficiency_download,
        name="sufficiency_download",
    ),
]
