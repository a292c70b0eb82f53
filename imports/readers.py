"""Open a CSV or XLSX file as chunks of rows, numbered as the spreadsheet numbers them.

CSV may be UTF-8 (with or without a BOM) or Windows-1252, as Excel and DfE's Get Information
about Schools write it. XLSX is streamed with openpyxl's read-only mode. Headers are matched
case-insensitively, ignoring surrounding spaces. Nothing holds the whole file in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

CHUNK_SIZE = 5000
SNIFF_BYTES = 1024 * 1024


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header row, …)."""


@dataclass
class Row:
    number: int
    """The spreadsheet row number: the header is row 1."""
    values: dict[str, object]
    """Cell values by normalised header; text cells are stripped strings, "" when blank."""


def normalise_header(text: object) -> str:
    return " ".join(str(text or "").split()).lower()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) when the bytes decode as UTF-8, else Windows-1252."""
    with open(path, "rb") as handle:
        head = handle.read(3)
        if head == b"\xef\xbb\xbf":
            return "utf-8-sig"
        handle.seek(0)
        decoder = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        try:
            while decoder.read(SNIFF_BYTES):
                pass
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def is_xlsx(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


class TableReader:
    """`headers` (normalised, in file order) and `chunks()` of `Row`s; `count_rows()` for progress."""

    def __init__(self, path: str | Path, chunk_size: int = CHUNK_SIZE):
        self.path = Path(path)
        self.chunk_size = chunk_size
        self.xlsx = is_xlsx(self.path)
        self.encoding = None if self.xlsx else detect_encoding(self.path)
        self.raw_headers = self._read_headers()
        self.headers = [normalise_header(h) for h in self.raw_headers]
        if not any(self.headers):
            raise FileFormatError("The file has no header row")

    # --- CSV ---------------------------------------------------------------
    def _csv_rows(self) -> Iterator[list[str]]:
        with open(self.path, encoding=self.encoding, newline="") as handle:
            first_line = handle.readline()
            handle.seek(0)
            delimiter = max(",;\t", key=first_line.count)
            yield from csv.reader(handle, delimiter=delimiter)

    # --- XLSX --------------------------------------------------------------
    def _xlsx_rows(self) -> Iterator[list[object]]:
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a broken file
            raise FileFormatError(f"This is not a readable XLSX file: {error}") from error
        try:
            sheet = workbook.worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()

    def _raw_rows(self) -> Iterator[list[object]]:
        return self._xlsx_rows() if self.xlsx else self._csv_rows()

    def _read_headers(self) -> list[str]:
        try:
            for cells in self._raw_rows():
                return ["" if c is None else str(c) for c in cells]
        except UnicodeDecodeError as error:  # pragma: no cover - cp1252 decodes every byte but five
            raise FileFormatError(f"The file's text encoding is not readable: {error}") from error
        except csv.Error as error:
            raise FileFormatError(f"This is not a readable CSV file: {error}") from error
        raise FileFormatError("The file is empty")

    def count_rows(self) -> int:
        """Data rows (blank rows included): cheap enough to run before an import for progress."""
        return sum(1 for _ in self._raw_rows()) - 1

    def rows(self) -> Iterator[Row]:
        headers = self.headers
        width = len(headers)
        raw = self._raw_rows()
        next(raw, None)
        for number, cells in enumerate(raw, start=2):
            if all(is_blank(c) for c in cells):
                continue
            values: dict[str, object] = {}
            for index, header in enumerate(headers):
                if not header:
                    continue
                cell = cells[index] if index < width and index < len(cells) else None
                if isinstance(cell, str):
                    cell = cell.strip()
                elif cell is None:
                    cell = ""
                elif isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
                    cell = cell.date()
                values.setdefault(header, cell)
            yield Row(number=number, values=values)

    def chunks(self) -> Iterator[list[Row]]:
        chunk: list[Row] = []
        for row in self.rows():
            chunk.append(row)
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
