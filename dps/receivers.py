"""The DPS reacts to other apps' events without them importing it (ADR 0004)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.signals import figures_changed
from imports.signals import import_completed

from .selectors import worklist


def worklist_forget(sender: Any, **kwargs: Any) -> None:
    """A placement, plan or import changed: who needs a school is worked out again."""
    worklist.needing_a_school_forget(today=timezone.localdate())


def connect() -> None:
    figures_changed.connect(worklist_forget, dispatch_uid="dps.worklist_forget_on_change")
    import_completed.connect(worklist_forget, dispatch_uid="dps.worklist_forget_on_import")
