"""Tables out as CSV and XLSX downloads, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from . import rules

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value, money: bool):
    if value is None:
        return ""
    if money and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"{rules.round_money(value):.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    money_columns: Iterable[int] = (),
) -> StreamingHttpResponse:
    """Stream a CSV (UTF-8 with BOM, so Excel opens it right) without holding it in memory."""
    money = set(money_columns)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_cell(v, i in money) for i, v in enumerate(row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(
    sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]], money_columns=None
) -> bytes:
    """One worksheet per named table; money columns formatted £#,##0.00."""
    workbook = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(header))
        money = set((money_columns or {}).get(title, ()))
        for row in rows:
            cells = []
            for index, value in enumerate(row):
                if isinstance(value, Decimal):
                    value = float(rules.round_money(value)) if index in money else float(value)
                cells.append(safe_cell(value))
            sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str,
    sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]],
    money_columns: dict[str, Iterable[int]] | None = None,
) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(sheets, money_columns),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
