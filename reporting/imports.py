"""Reporting's import kind: `budget` lines per financial year (found by `registry.autodiscover`)."""

from __future__ import annotations

from core import calendar
from imports import parsing
from imports.base import Column, ImportContext, ImportKind, RowParser
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
        years = {p.data["financial_year"] for p in parsed if p.data.get("financial_year")}
        existing = {
            (fy, line.lower()): pk
            for pk, fy, line in BudgetLine.objects.filter(financial_year__in=years).values_list(
                "id", "financial_year", "line"
            )
        }
        clean_rows, errors = [], []
        for p in parsed:
            if p.ok:
                data = p.data
                fy = data["financial_year"]
                data["_key"] = (calendar.financial_year_label(fy), data["line"].lower())
                data["_id"] = existing.get((fy, data["line"].lower()))
                data["_exists"] = data["_id"] is not None
                clean_rows.append(data)
            errors.extend(p.errors)
        return clean_rows, errors

    def write_chunk(self, clean_rows, context):
        ids = [c["_id"] for c in clean_rows if c["_id"]]
        existing = BudgetLine.objects.in_bulk(ids) if ids else {}
        return upsert(BudgetLine, clean_rows, existing, context, update_only={"amount"})


register_import_kind(Budget())
