from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from .registry import autodiscover
        from .roles import roles_ensure_after_migrate

        post_migrate.connect(roles_ensure_after_migrate, sender=self)
        autodiscover()
