"""The import kinds, by name. Each app registers its own in its own `imports.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.registry import autodiscover

if TYPE_CHECKING:
    from .base import ImportKind

IMPORT_KINDS: dict[str, ImportKind] = {}


def register_import_kind(kind: ImportKind) -> ImportKind:
    IMPORT_KINDS[kind.name] = kind
    return kind


def import_kinds() -> dict[str, ImportKind]:
    """Every registered kind (apps' `imports.py` modules are imported on first use)."""
    autodiscover()
    return IMPORT_KINDS
