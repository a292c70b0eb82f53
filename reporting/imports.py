"""Reporting's import kind: `budget` lines per financial year (found by `registry.autodiscover`)."""

from __future__ import annotations

from core import calendar
from imports import parsing
from imports.base import Column, ImportContext, ImportKind, RowParser
from imports.lookups import KeyIndex, mark, present, recorded, split
from imports.readers import Row
from imports.registry import register_import_kind
from imports.writing import upsert

from .models import BudgetLine


class Budget(ImportKind):
    name = "budget"
    label = "Budget lines"
    description = "Budget lines per financial year, e.g. the INMSS placements budget."
    columns = (
        Column("financial_year", True, "e.g. 2025-26", "2025-26"),
        Column("line", True, "Budget line name", "INMSS placements"),
        Column("amount", True, "", "40000000.00"),
    )
    key_columns = ("financial_year", "line")

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.field("financial_year", calendar.parse_financial_year, required=True)
            p.text("line", required=True, max_length=120)
            p.field("amount", parsing.parse_money, required=True)
            parsed.append(p)
        existing = KeyIndex(
            BudgetLine,
            ("financial_year", "line"),
            normalise=lambda fy, line: (fy, line.lower()),  # a line is named in any case
            financial_year__in=present(parsed, "financial_year"),
        )
        for p in parsed:
            if p.ok:
                fy, line = p.data["financial_year"], p.data["line"]
                pk = existing.find(fy, line)
                mark(p.data, (calendar.financial_year_label(fy), line.lower()), pk)
        return split(parsed)

    def write_chunk(self, clean_rows, context):
        existing = recorded(BudgetLine, clean_rows)
        return upsert(BudgetLine, clean_rows, existing, context, update_only={"amount"})


register_import_kind(Budget())
