from __future__ import annotations

app_name = "reporting"

urlpatterns: list = []
