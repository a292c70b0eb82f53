"""Helpers for import tests: write a small file in any encoding or as XLSX, and run an import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from imports.services import import_run

FILES = Path(__file__).parent / "files"


@pytest.fixture
def write_file(tmp_path):
    """`write_file(name, header, rows, encoding=...)` writes a CSV (or XLSX when the name ends
    .xlsx) in the test's temporary directory and returns its path."""

    def write(name: str, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if name.endswith(".xlsx"):
            workbook = Workbook()
            sheet = workbook.active
            sheet.append(header)
            for row in rows:
                sheet.append(row)
            workbook.save(path)
            return path
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """`run_import(kind, path, dry_run=False, user=None)` runs the service as the command does,
    executing on-commit callbacks (the dashboard recompute) as a real commit would."""

    def run(kind: str, path: Path, *, dry_run: bool = False, user=None):
        with django_capture_on_commit_callbacks(execute=True):
            return import_run(kind=kind, path=path, filename=path.name, user=user, dry_run=dry_run)

    return run


def errors_by_row(result) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append((error.column, error.reason))
    return found
