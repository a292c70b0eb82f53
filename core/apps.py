from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        import pandas as pd

        # pyarrow is installed to parse the recompute's CSV fast; pandas would then keep every
        # string column in Arrow too, whose edge cases (empty group-bys) differ. Keep strings
        # in Python objects, as the imports and metrics were written and tested for.
        pd.set_option("mode.string_storage", "python")

        from .registry import autodiscover
        from .roles import roles_ensure_after_migrate

        post_migrate.connect(roles_ensure_after_migrate, sender=self)
        autodiscover()
