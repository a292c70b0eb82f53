from __future__ import annotations

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        from . import sufficiency_report  # noqa: F401 - registers the `sufficiency` report
        from .receivers import connect

        connect()
