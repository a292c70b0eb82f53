"""Every table the product writes out: CSV and XLSX downloads and the `report` command's CSV and
JSON. One CSV cell writer and one XLSX writer, both neutralising spreadsheet formulas."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any, TextIO

from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from openpyxl import Workbook

from core import audit, money

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]+")

Rows = list[dict[str, Any]]
Tables = Rows | dict[str, Rows]


# A plain number written as text ("-36.0", "+2", "1.5e3"): a spreadsheet reads it as that number
# and runs nothing, so it is not neutralised even though it starts with a sign.
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote; numbers, and
    text that is just a number (a negative one included), pass unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _NUMBER_TEXT.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_cell(value: Any, *, money_column: bool = False) -> str:
    """One CSV cell: blank for None, two decimals for money, ISO dates, formulas neutralised."""
    if value is None:
        return ""
    if money_column and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"{money.round_money(value):.2f}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return str(safe_cell(str(value)))


def csv_line(row: Sequence[Any], money_columns: Iterable[int] = ()) -> list[str]:
    money_at = set(money_columns)
    return [csv_cell(value, money_column=i in money_at) for i, value in enumerate(row)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """A whole CSV as text (for small tables such as templates and error lists)."""
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow(csv_line(row))
    return ("\ufeff" if bom else "") + buffer.getvalue()


def csv_write(
    out: TextIO,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    money_columns: Iterable[int] = (),
    every: int = 0,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Write a CSV (UTF-8 with BOM) to an open text file, as `csv_response` streams it; calls
    `on_rows(written)` every `every` rows. Returns the number of rows written."""
    money_at = set(money_columns)
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([csv_cell(h) for h in header])
    written = 0
    for row in rows:
        writer.writerow([csv_cell(v, money_column=i in money_at) for i, v in enumerate(row)])
        written += 1
        if on_rows is not None and every and written % every == 0:
            on_rows(written)
    return written


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    money_columns: Iterable[int] = (),
) -> StreamingHttpResponse:
    """Stream a CSV (UTF-8 with BOM, so Excel opens it right) without holding it in memory."""
    money_at = set(money_columns)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([csv_cell(h) for h in header])
        for row in rows:
            yield writer.writerow(csv_line(row, money_at))

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """A worksheet name Excel accepts: no `[ ] : * ? / \\`, no control characters, no leading or
    trailing apostrophe, at most 31 characters, not blank, and not one already `taken` (Excel
    compares them without regard to case)."""
    cleaned = " ".join(_SHEET_TITLE_FORBIDDEN.sub(" ", title).split()).strip("'").strip()
    base = cleaned[:SHEET_TITLE_MAX].rstrip() or "Sheet"
    used = {name.casefold() for name in taken}
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
    return candidate


def xlsx_bytes(
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]],
    money_columns: Mapping[str, Iterable[int]] | None = None,
) -> bytes:
    """One worksheet per named table (named by `sheet_title`); money rounded to pence;
    formulas neutralised."""
    workbook = Workbook(write_only=True)
    titles: list[str] = []
    for title, (header, rows) in sheets.items():
        titles.append(sheet_title(title, titles))
        sheet = workbook.create_sheet(title=titles[-1])
        sheet.append([safe_cell(h) for h in header])
        money_at = set((money_columns or {}).get(title, ()))
        for row in rows:
            cells = []
            for index, value in enumerate(row):
                if isinstance(value, Decimal):
                    value = float(money.round_money(value)) if index in money_at else float(value)
                cells.append(safe_cell(value))
            sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kept_file_response(
    request: HttpRequest,
    path: Path,
    *,
    name: str,
    content_type: str,
    object_type: str,
    about: Model | None = None,
    gone: str,
) -> FileResponse | HttpResponse:
    """A file a job wrote, downloaded under `name` and audited as an export (`about` is the job
    or record it belongs to). When it is no longer kept (core.retention deleted it), a 404 page
    saying `gone` and how long files are kept."""
    if not path.is_file():
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        return render(request, "core/file_gone.html", {"gone": gone, "back_url": back}, status=404)
    audit.record(request, audit.Action.EXPORT, about, name, object_type=object_type)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


def xlsx_response(
    filename: str,
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]],
    money_columns: Mapping[str, Iterable[int]] | None = None,
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets, money_columns), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Report output: rows of dicts ------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"Cannot write {type(value).__name__} as JSON")


def rows_to_json(result: Tables) -> str:
    """JSON carries numbers (or "c" where suppressed)."""
    return json.dumps(result, default=_json_default, indent=2)


def _write_rows(writer: Any, rows: Rows, money_fields: frozenset[str]) -> None:
    if not rows:
        return
    columns = list(rows[0].keys())
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(row[c], money_column=c in money_fields) for c in columns])


def rows_to_csv(result: Tables, money_fields: Iterable[str] = ()) -> str:
    """A list of rows is one table; named tables follow one another, each after a heading line."""
    fields = frozenset(money_fields)
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if isinstance(result, dict):
        for index, (name, rows) in enumerate(result.items()):
            if index:
                writer.writerow([])
            writer.writerow([csv_cell(name)])
            _write_rows(writer, rows, fields)
    else:
        _write_rows(writer, result, fields)
    return buffer.getvalue()


def rows_csv_response(
    filename: str, result: Tables, money_fields: Iterable[str] = ()
) -> HttpResponse:
    response = HttpResponse(
        "\ufeff" + rows_to_csv(result, money_fields), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
