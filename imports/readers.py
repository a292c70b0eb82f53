"""Open a CSV or XLSX file as chunks of rows, numbered as the spreadsheet numbers them.

CSV may be UTF-8 (with or without a BOM) or Windows-1252, as Excel and DfE's Get Information
about Schools write it. XLSX is streamed with openpyxl's read-only mode. Headers are matched
case-insensitively, ignoring surrounding spaces. Nothing holds the whole file in memory.

Hostile files are refused before they cost anything (docs/security.md): a file over
IMPORT_MAX_FILE_BYTES; an XLSX whose zip members would expand past
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES or more than IMPORT_MAX_XLSX_RATIO times (checked from the
zip's central directory before openpyxl opens it: Python's zipfile never inflates a member past
its declared size); a header row naming one column twice. A cell longer than
IMPORT_MAX_CELL_CHARS or holding a control character (NUL and the like) is a row error
(`Row.problems`), and the cell is read as blank.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

SNIFF_BYTES = 1024 * 1024


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header row, …)."""


NOT_TEXT = (
    "The file cannot be read as text: it may be another kind of file, or saved in an unusual "
    "way. Open it in your spreadsheet, save it as CSV UTF-8 (.csv) or as an Excel workbook "
    "(.xlsx), and upload that"
)
NOT_XLSX = (
    "This file is not an Excel workbook (.xlsx), although its name ends .xlsx. Open it in your "
    "spreadsheet, save it as an Excel workbook (.xlsx) or as CSV UTF-8 (.csv), and upload that"
)


@dataclass
class Row:
    number: int
    """The spreadsheet row number: the header is row 1."""
    values: dict[str, object]
    """Cell values by normalised header; text cells are stripped strings, "" when blank."""
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    """Cells no import may take (too long, control characters): (column, value, reason)."""


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_REASON = (
    "contains a control character (such as NUL) that cannot be stored: remove it and save "
    "the file again"
)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def check_file_size(size: int) -> None:
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise FileFormatError(
            f"The file is {_megabytes(size)}: the largest file an import takes is "
            f"{_megabytes(limit)}. Split it into smaller files"
        )


def check_xlsx_expansion(path: Path) -> None:
    """Refuse a zip bomb from the central directory alone, before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise FileFormatError(f"This is not a readable XLSX file: {error}") from error
    limit = settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES
    total = sum(member.file_size for member in members)
    if total > limit:
        raise FileFormatError(
            f"The spreadsheet expands to {_megabytes(total)} when opened: the most an import "
            f"opens is {_megabytes(limit)}. Save it as CSV, or split it into smaller files"
        )
    ratio = settings.IMPORT_MAX_XLSX_RATIO
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > ratio * max(
            member.compress_size, 1
        ):
            times = member.file_size // max(member.compress_size, 1)
            raise FileFormatError(
                f"The spreadsheet expands {times:,} times when opened: the most an import "
                f"accepts is {ratio:,} times. Save it as CSV and upload that instead"
            )


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

    def __init__(
        self,
        path: str | Path,
        chunk_size: int | None = None,
        columns: frozenset[str] | set[str] | None = None,
    ):
        """`columns` (normalised headers): read only these; others are never kept or checked.
        `chunk_size`: rows per chunk (default IMPORT_CHUNK_SIZE)."""
        self.path = Path(path)
        self.chunk_size = chunk_size or settings.IMPORT_CHUNK_SIZE
        self.columns = columns
        check_file_size(self.path.stat().st_size)
        self.xlsx = is_xlsx(self.path)
        if not self.xlsx and self.path.suffix.lower() == ".xlsx":
            raise FileFormatError(NOT_XLSX)
        if self.xlsx:
            check_xlsx_expansion(self.path)
        self.encoding = None if self.xlsx else detect_encoding(self.path)
        self.raw_headers = self._read_headers()
        self.headers = [normalise_header(h) for h in self.raw_headers]
        if not any(self.headers):
            raise FileFormatError("The file has no header row")
        self._check_repeated_headers()

    def _check_repeated_headers(self) -> None:
        first: dict[str, int] = {}
        for index, header in enumerate(self.headers):
            if not header:
                continue
            if header in first:
                earlier = first[header]
                raise FileFormatError(
                    f"The header row names '{self.raw_headers[index].strip()[:100]}' twice, in "
                    f"column {get_column_letter(earlier + 1)} and column "
                    f"{get_column_letter(index + 1)}: delete or rename one of them"
                )
            first[header] = index

    # --- CSV ---------------------------------------------------------------
    def _csv_rows(self) -> Iterator[list[str]]:
        with open(self.path, encoding=self.encoding, newline="") as handle:
            try:
                first_line = handle.readline()
                handle.seek(0)
                delimiter = max(",;\t", key=first_line.count)
                reader = csv.reader(handle, delimiter=delimiter)
                try:
                    yield from reader
                except csv.Error as error:  # e.g. a cell longer than csv.field_size_limit()
                    raise FileFormatError(
                        f"Row {reader.line_num} cannot be read as CSV: {error}"
                    ) from error
            except UnicodeDecodeError as error:  # cp1252 decodes every byte but five
                raise FileFormatError(NOT_TEXT) from error

    # --- XLSX --------------------------------------------------------------
    def _xlsx_rows(self) -> Iterator[list[object]]:
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a broken file
            raise FileFormatError(f"This is not a readable XLSX file: {error}") from error
        try:
            sheet = workbook.worksheets[0]
            width = len(self.raw_headers) if hasattr(self, "raw_headers") else None
            for row in sheet.iter_rows(values_only=True, max_col=width):
                yield list(row)
        finally:
            workbook.close()

    def _raw_rows(self) -> Iterator[list[object]]:
        return self._xlsx_rows() if self.xlsx else self._csv_rows()

    def _read_headers(self) -> list[str]:
        try:
            for cells in self._raw_rows():
                return ["" if c is None else str(c) for c in cells]
        except csv.Error as error:
            raise FileFormatError(f"This is not a readable CSV file: {error}") from error
        raise FileFormatError("The file is empty")

    def count_rows(self, limit: int | None = None) -> int:
        """Data rows (blank rows included): cheap enough to run before an import for progress.
        With `limit`, counting stops at limit + 1."""
        count = -1
        for _ in self._raw_rows():
            count += 1
            if limit is not None and count > limit:
                break
        return max(count, 0)

    def rows(self) -> Iterator[Row]:
        headers = self.headers
        width = len(headers)
        wanted = self.columns
        max_chars = settings.IMPORT_MAX_CELL_CHARS
        raw = self._raw_rows()
        next(raw, None)
        for number, cells in enumerate(raw, start=2):
            if all(is_blank(c) for c in cells):
                continue
            values: dict[str, object] = {}
            problems: list[tuple[str, str, str]] = []
            for index, header in enumerate(headers):
                if not header or (wanted is not None and header not in wanted):
                    continue
                cell = cells[index] if index < width and index < len(cells) else None
                if isinstance(cell, str):
                    if len(cell) > max_chars:
                        problems.append(
                            (
                                self.raw_headers[index].strip(),
                                cell[:max_chars],
                                f"is {len(cell):,} characters long: the most a cell may hold "
                                f"is {max_chars:,}",
                            )
                        )
                        cell = ""
                    elif CONTROL_CHARACTERS.search(cell):
                        shown = CONTROL_CHARACTERS.sub("?", cell)
                        problems.append((self.raw_headers[index].strip(), shown, CONTROL_REASON))
                        cell = ""
                    cell = cell.strip()
                elif cell is None:
                    cell = ""
                elif isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
                    cell = cell.date()
                values.setdefault(header, cell)
            yield Row(number=number, values=values, problems=problems)

    def chunks(self) -> Iterator[list[Row]]:
        chunk: list[Row] = []
        for row in self.rows():
            chunk.append(row)
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
