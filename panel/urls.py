from __future__ import annotations

app_name = "panel"

urlpatterns: list = []
