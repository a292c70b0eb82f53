"""Registries for the mechanisms every app contributes to: `import_data` kinds and `report` names.

placements owns the mechanisms (it is the lowest app, DESIGN.md §4); each app registers its own
entries in an `imports.py` or `reports.py` module, found at start-up by `autodiscover`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    build: Callable[..., list[dict] | dict[str, list[dict]]]
    """Takes the `report` command's options as keyword arguments; returns rows, or named tables."""
    money_fields: frozenset[str] = frozenset()
    """Columns that CSV prints with two decimals."""


REPORTS: dict[str, Report] = {}
IMPORT_KINDS: dict[str, object] = {}


def register_report(name: str, description: str, money_fields: tuple[str, ...] = ()) -> Callable:
    def decorator(build: Callable) -> Callable:
        REPORTS[name] = Report(
            name=name, description=description, build=build, money_fields=frozenset(money_fields)
        )
        return build

    return decorator


def register_import_kind(name: str, kind: object) -> object:
    IMPORT_KINDS[name] = kind
    return kind


@dataclass
class _Discovered:
    done: bool = False
    modules: tuple[str, ...] = field(default=("imports", "reports"))


_discovered = _Discovered()


def autodiscover() -> None:
    if not _discovered.done:
        autodiscover_modules(*_discovered.modules)
        _discovered.done = True
