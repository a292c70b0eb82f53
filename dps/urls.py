from __future__ import annotations

from django.urls import path

from . import views

app_name = "dps"

urlpatterns: list = [
    path("contracts/export/", views.contract_export, name="contract_export"),
]
