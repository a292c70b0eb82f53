from __future__ import annotations

app_name = "dps"

urlpatterns: list = []
