from __future__ import annotations

from django.apps import AppConfig


class DpsConfig(AppConfig):
    name = "dps"
    verbose_name = "DPS"

    def ready(self) -> None:
        from .receivers import connect

        connect()
