from __future__ import annotations

from django.urls import path

from .views import contracts

app_name = "dps"

urlpatterns: list = [
    path("contracts/export/", contracts.contract_export, name="contract_export"),
]
