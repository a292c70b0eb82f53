"""Reads for the import pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .base import ImportKind
from .models import ImportRecord
from .registry import import_kinds

ORDER = [
    "providers-gias",
    "children",
    "placements",
    "panel-decisions",
    "budget",
    "dps-membership",
    "fees",
]


def import_kinds_in_order() -> list[ImportKind]:
    """Every kind, in the order a council loads its data (providers before placements)."""
    kinds = import_kinds()
    names = sorted(kinds, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return [kinds[name] for name in names]


def imports_recent(*, limit: int) -> QuerySet[ImportRecord]:
    return ImportRecord.objects.select_related("user")[:limit]
