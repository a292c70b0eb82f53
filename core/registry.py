"""The `report` registry: each app registers its reports in its own `reports.py`.

`autodiscover` imports every app's `imports.py` and `reports.py` once, so both the report names
here and the import kinds of `imports.registry` are known wherever they are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    build: Callable[..., list[dict[str, Any]] | dict[str, list[dict[str, Any]]]]
    """Takes the `report` command's options as keyword arguments; returns rows, or named tables."""
    money_fields: frozenset[str] = frozenset()
    """Columns that CSV prints with two decimals."""


REPORTS: dict[str, Report] = {}
_discovered: list[bool] = []


def register_report(
    name: str, description: str, money_fields: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(build: Callable[..., Any]) -> Callable[..., Any]:
        REPORTS[name] = Report(
            name=name, description=description, build=build, money_fields=frozenset(money_fields)
        )
        return build

    return decorator


def autodiscover() -> None:
    """Import each app's `imports` and `reports` modules (once), which register their entries."""
    if not _discovered:
        autodiscover_modules("imports", "reports")
        _discovered.append(True)
