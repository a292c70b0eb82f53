"""Exports: the placements register (CSV/XLSX, re-importable) and import templates. The SEN2
return and its working extract are in placements/sen2/ (docs/sen2.md)."""

from __future__ import annotations

from collections.abc import Iterator

from placements.models import Placement

PLACEMENT_COLUMNS = [
    "child_ref",
    "provider_urn",
    "setting_type",
    "start_date",
    "end_date",
    "annual_cost",
    "additional_cost",
    "attendance_pattern",
    "reason",
]
PLACEMENT_MONEY = (5, 6)


XLSX_MAX_ROWS = 100_000
"""Above this, a spreadsheet of the register takes minutes to build and passes what Excel opens
comfortably: the XLSX is refused and the CSV (streamed, any size) offered instead."""


def placement_count_over_xlsx_limit() -> bool:
    """Whether the register is too long for the XLSX download (counts at most one row past it)."""
    return Placement.objects.filter(withdrawn=False)[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS


def placement_rows() -> Iterator[list]:
    """Rows in the `placements` import layout, so an export re-imports cleanly (withdrawn left out)."""
    queryset = (
        Placement.objects.filter(withdrawn=False)
        .order_by("child__child_ref", "start_date", "id")
        .values_list(
            "child__child_ref",
            "provider__urn",
            "setting_type",
            "start_date",
            "end_date",
            "annual_cost",
            "additional_cost",
            "attendance_pattern",
            "reason",
        )
    )
    for row in queryset.iterator(chunk_size=2000):
        yield list(row)
