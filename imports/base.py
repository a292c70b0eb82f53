"""The import mechanism: an `ImportKind` says how to validate and write its rows; `run` drives it.

`run` reads the file twice. Pass 1 validates every row, collecting every error (bad cells, keys
repeated in the file, cross-row rules such as overlapping placements). Only when there is no
error, and not in a dry run, pass 2 validates each chunk again and writes it, all in one
transaction, with bulk queries (a handful of queries per chunk of rows, none per row). A kind
whose rows must be written in an order across the whole file (every placement ended before any
is opened) has `write_passes` > 1: pass 2 then reads the file once per write pass, writing the
rows `write_pass` puts in it. Should the database still refuse a chunk, nothing is written and
the rows concerned are named in plain words (`ImportKind.refused_rows`).

The conventions of docs/definitions.md are applied here, once: a column missing from the file leaves
the field unchanged, a blank cell in a present column clears it (an error where the field is
required), a key repeated in one file is an error naming both rows.

Hostile files cost little (docs/security.md): the reader refuses oversized files, zip bombs and
repeated headers, and flags over-long cells and control characters as row errors; a file with
more than IMPORT_MAX_ROWS rows is refused before it is checked; parsed values are held to the
bounds of the model fields they go to (`imports.bounds`); and only the first IMPORT_MAX_ERRORS
errors are kept (`ErrorList`), each value shortened to IMPORT_ERROR_VALUE_CHARS, with the total
counted, so memory stays flat whatever the file holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, reset_queries, transaction

from . import bounds, parsing
from .readers import Row, TableReader, is_blank, normalise_header

logger = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
ERRORS_SHOWN = 1000
"""The default of IMPORT_MAX_ERRORS: errors kept, shown and written to the errors file."""


def shorten(value: str) -> str:
    limit = settings.IMPORT_ERROR_VALUE_CHARS
    return value if len(value) <= limit else value[: limit - 1] + "…"


@cache
def header_key(column: str) -> str:
    return normalise_header(column)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    """Required columns must be in the file and filled in on every row."""
    help: str = ""
    example: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def line(self) -> str:
        return f"row {self.row}, column {self.column}, value '{self.value}': {self.reason}"


class ErrorList:
    """The first IMPORT_MAX_ERRORS errors in (row, column) order, and how many there were.

    Holds at most twice the cap at any moment, whatever the file holds."""

    def __init__(self, cap: int | None = None):
        self.cap = settings.IMPORT_MAX_ERRORS if cap is None else cap
        self.count = 0
        self._kept: list[RowError] = []
        self._sorted = True

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(error.value) > settings.IMPORT_ERROR_VALUE_CHARS:
            error = RowError(error.row, error.column, shorten(error.value), error.reason)
        self._kept.append(error)
        self._sorted = False
        if len(self._kept) >= 2 * self.cap:
            self._trim()

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.add(error)

    def _trim(self) -> None:
        self._kept.sort(key=lambda e: (e.row, e.column))
        del self._kept[self.cap :]
        self._sorted = True

    def first(self) -> list[RowError]:
        if not self._sorted or len(self._kept) > self.cap:
            self._trim()
        return list(self._kept)

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count


@dataclass
class ImportResult:
    kind: str
    filename: str
    dry_run: bool
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    """The first IMPORT_MAX_ERRORS errors, by row."""
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    record_id: int | None = None
    errors_total: int | None = None
    """How many errors the file has (None: as many as `errors` holds)."""

    @property
    def errors_count(self) -> int:
        return len(self.errors) if self.errors_total is None else self.errors_total

    @property
    def ok(self) -> bool:
        return not self.errors_count

    def summary(self) -> dict:
        return {
            "kind": self.kind,
            "filename": self.filename,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "errors_count": self.errors_count,
            "errors": [e.as_dict() for e in self.errors[: settings.IMPORT_MAX_ERRORS]],
            "unknown_columns": self.unknown_columns,
            "warnings": self.warnings,
            "record_id": self.record_id,
        }


@dataclass
class ImportContext:
    kind: str
    filename: str
    user: object = None
    dry_run: bool = False
    present: frozenset[str] = frozenset()
    phase: str = "validate"
    state: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    checks: dict = field(default_factory=dict)
    """Bounds of the model fields by name (`imports.bounds`), applied to every parsed value."""

    def has(self, column: str) -> bool:
        return header_key(column) in self.present

    @property
    def change_reason(self) -> str:
        return f"import {self.kind} {self.filename}"[:100]

    def warn(self, message: str) -> None:
        if message not in self.warnings and len(self.warnings) < ERRORS_SHOWN:
            self.warnings.append(message)


class RowParser:
    """Parses one row's cells into field values, collecting every error on the row."""

    def __init__(self, row: Row, context: ImportContext):
        self.row = row
        self.context = context
        self.errors: list[RowError] = []
        self.data: dict = {"_row": row.number}

    def raw(self, column: str) -> object:
        return self.row.values.get(header_key(column), "")

    def error(self, column: str, reason: str, value: object | None = None) -> None:
        shown = shorten(parsing.text(self.raw(column) if value is None else value))
        self.errors.append(RowError(self.row.number, column, shown, reason))

    def field(
        self, column: str, parser: Callable[[object], object], *, required: bool = False, to=None
    ):
        """Parse `column` into `data[to or column]`; absent column → nothing; blank → None."""
        if not self.context.has(column):
            return None
        raw = self.raw(column)
        target = to or column
        if is_blank(raw):
            if required:
                self.error(column, "is required")
            else:
                self.data[target] = None
            return None
        try:
            value = parser(raw)
            bounds.check_value(self.context.checks, target, value)
        except ValueError as error:
            self.error(column, str(error))
            return None
        self.data[target] = value
        return value

    def text(self, column: str, *, required: bool = False, max_length: int | None = None, to=None):
        def parse(raw):
            value = parsing.text(raw)
            if max_length and len(value) > max_length:
                raise ValueError(f"is longer than {max_length} characters")
            return value

        value = self.field(column, parse, required=required, to=to)
        target = to or column
        if self.data.get(target, "") is None:
            self.data[target] = ""  # text fields are cleared to "", not NULL
        return value

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportKind:
    """Subclass per kind of file. Register an instance with `registry.register_import_kind`."""

    name: str = ""
    label: str = ""
    """The kind as people say it, for pages ("Providers from GIAS")."""
    description: str = ""
    columns: tuple[Column, ...] = ()
    key_columns: tuple[str, ...] = ()
    models: tuple = ()
    """The models whose fields bound the parsed values; empty: every model of the kind's app."""

    def field_checks(self) -> dict:
        if self.models:
            return bounds.field_checks(self.models)
        return bounds.checks_for_module(type(self).__module__)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def present_columns(self, context: ImportContext) -> list[str]:
        return [c.name for c in self.columns if context.has(c.name)]

    def template_rows(self) -> list[list[str]]:
        return [[c.example for c in self.columns]]

    def validate_chunk(
        self, rows: list[Row], context: ImportContext
    ) -> tuple[list[dict], list[RowError]]:
        """Clean rows (dicts with `_row`, `_key`, `_exists` and field values) and every error."""
        raise NotImplementedError

    def observe(self, clean_rows: list[dict], context: ImportContext) -> None:
        """Pass 1 only, after repeated keys are removed: remember what whole-file checks need."""

    def finish_validation(self, context: ImportContext) -> list[RowError]:
        """Pass 1 only: checks across the whole file and the database (e.g. overlaps)."""
        return []

    def write_chunk(self, clean_rows: list[dict], context: ImportContext) -> tuple[int, int]:
        """Write one chunk with bulk queries; returns (created, updated)."""
        raise NotImplementedError

    write_passes: int = 1
    """How many times pass 2 reads the file, writing in each pass the rows `write_pass` gives it."""

    def write_pass(self, clean: dict, context: ImportContext) -> int:
        """The write pass (0 to write_passes - 1) that writes this clean row."""
        return 0

    def refused_rows(self, clean_rows: list[dict], context: ImportContext) -> list[RowError]:
        """The database refused to write these rows (now rolled back): the rows and columns
        concerned, in plain words. Empty when the kind cannot tell (`run` then names the rows)."""
        return []

    def key_label(self, key: tuple) -> str:
        return " + ".join(parsing.text(part) for part in key)


def _unknown_columns(reader: TableReader, kind: ImportKind) -> list[str]:
    known = {header_key(name) for name in kind.column_names}
    return [
        raw.strip()
        for raw, header in zip(reader.raw_headers, reader.headers, strict=False)
        if header and header not in known
    ]


def _with_cell_problems(rows: list[Row], kind_errors: list[RowError]) -> Iterable[RowError]:
    """The reader's errors (cells too long, control characters) and the kind's, less the
    kind's errors on those same cells (the reader read them as blank)."""
    flagged: set[tuple[int, str]] = set()
    for row in rows:
        for column, value, reason in row.problems:
            flagged.add((row.number, header_key(column)))
            yield RowError(row.number, column, shorten(value), reason)
    for error in kind_errors:
        if (error.row, header_key(error.column)) not in flagged:
            yield error


def run(
    *,
    kind: ImportKind,
    path: str | Path,
    filename: str,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk_size: int | None = None,
) -> ImportResult:
    """Validate the whole file; then, if it is clean and this is not a dry run, write it."""
    result = ImportResult(kind=kind.name, filename=filename, dry_run=dry_run)
    known = frozenset(header_key(name) for name in kind.column_names)
    reader = TableReader(path, columns=known, **({"chunk_size": chunk_size} if chunk_size else {}))
    result.unknown_columns = _unknown_columns(reader, kind)
    present = frozenset(h for h in reader.headers if h)
    missing = [c.name for c in kind.columns if c.required and header_key(c.name) not in present]
    if missing:
        result.rows_read = sum(1 for _ in islice(reader.rows(), settings.IMPORT_MAX_ROWS))
        result.errors = [
            RowError(1, name, "", "this required column is missing from the header row")
            for name in missing
        ]
        return result

    report = progress or (lambda done, total, message: None)
    max_rows = settings.IMPORT_MAX_ROWS
    total_rows = reader.count_rows(limit=max_rows)
    if total_rows > max_rows:
        result.errors = [
            RowError(
                1,
                "",
                "",
                f"The file has more than {max_rows:,} rows, the most one import takes: "
                "split it into smaller files",
            )
        ]
        return result
    total = total_rows * (1 if dry_run else 2)
    context = ImportContext(
        kind=kind.name,
        filename=filename,
        user=user,
        dry_run=dry_run,
        present=present,
        checks=kind.field_checks(),
    )

    # Pass 1: validate everything, counting every error and keeping the first ones.
    errors = ErrorList()
    seen: dict[tuple, int] = {}
    done = 0
    report(0, total, "Checking the file")
    for chunk in reader.chunks():
        clean_rows, chunk_errors = kind.validate_chunk(chunk, context)
        errors.extend(_with_cell_problems(chunk, chunk_errors))
        rejected = {row.number for row in chunk if row.problems}
        clean_rows = [clean for clean in clean_rows if clean["_row"] not in rejected]
        accepted = []
        for clean in clean_rows:
            key = clean["_key"]
            first = seen.get(key)
            if first is not None:
                errors.add(
                    RowError(
                        clean["_row"],
                        " + ".join(kind.key_columns),
                        kind.key_label(key),
                        f"repeats row {first}: rows {first} and {clean['_row']} have the same key",
                    )
                )
                continue
            seen[key] = clean["_row"]
            accepted.append(clean)
            if clean.get("_exists"):
                result.updated += 1
            else:
                result.created += 1
        kind.observe(accepted, context)
        reset_queries()  # under DEBUG, Django keeps every query's SQL: keep memory flat
        result.rows_read += len(chunk)
        done = min(total_rows, done + len(chunk))
        report(done, total, f"Checked {result.rows_read:,} rows")
    seen.clear()
    errors.extend(kind.finish_validation(context))
    result.warnings = list(context.warnings)
    if errors:
        result.errors = errors.first()
        result.errors_total = errors.count
        result.created = result.updated = 0
        return result
    if dry_run:
        return result

    # Pass 2: write, in one transaction, chunk by chunk (in each write pass).
    context.phase = "write"
    created = updated = written = 0
    try:
        with transaction.atomic():
            for write_pass in range(kind.write_passes):
                for chunk in reader.chunks():
                    clean_rows, chunk_errors = kind.validate_chunk(chunk, context)
                    if chunk_errors:  # the data changed since pass 1: write nothing
                        raise ImportChangedError(chunk_errors)
                    if kind.write_passes > 1:
                        clean_rows = [
                            clean
                            for clean in clean_rows
                            if kind.write_pass(clean, context) == write_pass
                        ]
                    chunk_created, chunk_updated = _write_chunk(kind, clean_rows, context)
                    reset_queries()
                    created += chunk_created
                    updated += chunk_updated
                    written += len(clean_rows)
                    report(
                        total_rows + written, total, f"Imported {written:,} of {total_rows:,} rows"
                    )
    except (ImportChangedError, ImportRefusedError) as error:
        result.errors = error.errors
        result.errors_total = None
        result.created = result.updated = 0
        return result
    result.created, result.updated = created, updated
    return result


def _write_chunk(kind: ImportKind, clean_rows: list[dict], context: ImportContext):
    """Write a chunk in a savepoint, so that if the database refuses it the rows can be named."""
    if not clean_rows:
        return 0, 0
    try:
        with transaction.atomic():
            return kind.write_chunk(clean_rows, context)
    except IntegrityError as error:
        logger.warning("The database refused import rows: %s", error)
        raise ImportRefusedError(
            kind.refused_rows(clean_rows, context) or _refused_range(clean_rows)
        ) from error


def _refused_range(clean_rows: list[dict]) -> list[RowError]:
    rows = sorted(clean["_row"] for clean in clean_rows)
    where = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]} to {rows[-1]}"
    return [
        RowError(
            rows[0],
            "",
            "",
            f"the database refused {where} because of a clash with records already stored, "
            "which may have changed since the file was checked. Nothing was written: check the "
            "file again",
        )
    ]


class ImportChangedError(Exception):
    def __init__(self, errors: Iterable[RowError]):
        self.errors = list(errors)
        super().__init__("The data changed while the file was being imported: nothing was written")


class ImportRefusedError(Exception):
    """The database refused rows the check passed: nothing was written."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = list(errors)
        super().__init__("The database refused the import: nothing was written")
