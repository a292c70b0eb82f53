"""Hostile files: a zip bomb, cells too long to be real, too many rows, NUL bytes, numbers and
dates the database cannot hold. Each is refused at the check with a message naming the limit,
and nothing is written."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from core.models import Job
from imports import base
from imports.models import ImportRecord
from imports.readers import CONTROL_REASON
from imports.services import errors_path
from placements.models import Child, Placement, Provider
from tests.factories import ChildFactory, ProviderFactory

from .conftest import errors_by_row

pytestmark = pytest.mark.django_db
django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks

CHILD_HEADER = ["child_ref", "first_name", "last_name", "date_of_birth", "sex"]
PLACEMENT_HEADER = ["child_ref", "provider_urn", "start_date", "annual_cost"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, path: Path, kind: str = "children"):
    content_type = "application/octet-stream"
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type=content_type)
    return client.post(reverse("imports:start"), {"kind": kind, "file": file})


def _job_after_upload(client, path: Path, kind: str = "children") -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, path, kind)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    page = client.get(response.url)
    assert page.status_code == 200
    job.page = page.content.decode()  # type: ignore[attr-defined]
    return job


def _zip_bomb(path: Path, megabytes: int) -> Path:
    """An XLSX-shaped zip whose sheet inflates to `megabytes` MB of one repeated byte."""
    block = b"0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(block)
    return path


def _shared_strings_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """An XLSX as Excel writes it: every text once in the shared strings table, cells pointing
    at it, so one long text on every row costs a few bytes a row."""
    strings: dict[str, int] = {}
    sheet_rows = []
    for number, cells in enumerate([header, *rows], start=1):
        refs = []
        for column, text in enumerate(cells):
            index = strings.setdefault(text, len(strings))
            refs.append(f'<c r="{chr(65 + column)}{number}" t="s"><v>{index}</v></c>')
        sheet_rows.append(f'<row r="{number}">{"".join(refs)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rel}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Sheet1" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">{items}</sst>',
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>'
        ),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_opened(
    commissioner_client, tmp_path
):
    bomb = _zip_bomb(tmp_path / "bomb.xlsx", 40)
    assert bomb.stat().st_size < 200 * 1024  # 40 MB that fits in a few KB

    job = _job_after_upload(commissioner_client, bomb)

    record = ImportRecord.objects.get(job=job)
    assert record.status == ImportRecord.Status.REJECTED
    reason = record.errors[0]["reason"]
    assert reason.startswith("The spreadsheet expands")
    assert "the most an import accepts is 100 times" in reason
    assert "the most an import accepts is 100 times" in job.page  # type: ignore[attr-defined]
    assert Child.objects.count() == 0


def test_a_spreadsheet_that_expands_past_the_limit_is_refused(settings, run_import, tmp_path):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    bomb = _zip_bomb(tmp_path / "big.xlsx", 6)

    result = run_import("children", bomb, dry_run=True)

    assert not result.ok
    assert result.errors[0].reason.startswith("The spreadsheet expands to 6.0 MB when opened")
    assert "the most an import opens is 5.0 MB" in result.errors[0].reason


def test_long_cells_in_an_xlsx_are_capped_errors_and_the_errors_file_stays_small(
    settings, commissioner_client, tmp_path
):
    settings.IMPORT_MAX_ERRORS = 50
    long_text = "=cmd|' /C calc'!A0" + "x" * 30_000
    path = _shared_strings_xlsx(
        tmp_path / "long.xlsx",
        CHILD_HEADER,
        [[f"L{n}", long_text, "Taylor", "2012-03-14", "M"] for n in range(400)],
    )
    assert path.stat().st_size < 100 * 1024

    job = _job_after_upload(commissioner_client, path)

    record = ImportRecord.objects.get(job=job)
    assert record.errors_count == 400
    assert len(record.errors) == 50
    first = record.errors[0]
    assert first["column"] == "first_name"
    assert first["reason"] == "is 30,018 characters long: the most a cell may hold is 2,000"
    assert len(first["value"]) <= settings.IMPORT_ERROR_VALUE_CHARS
    assert "The file has 400 errors: nothing was written" in job.page  # type: ignore[attr-defined]
    errors_file = errors_path(record)
    with open(errors_file, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert len(lines) == 1 + 50 + 1
    assert lines[1][2].startswith("'=cmd")  # the formula is neutralised
    assert lines[-1][3].startswith("and 350 more errors")
    assert errors_file.stat().st_size < 50 * 1024
    assert Child.objects.count() == 0


def test_a_csv_with_too_many_rows_is_refused_before_it_is_checked(commissioner_client, tmp_path):
    path = tmp_path / "many.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CHILD_HEADER)
        for number in range(250_001):
            writer.writerow([f"R{number}", "A", "B", "2012-03-14", "M"])

    job = _job_after_upload(commissioner_client, path)

    record = ImportRecord.objects.get(job=job)
    assert record.errors_count == 1
    expected = "The file has more than 250,000 rows, the most one import takes"
    assert record.errors[0]["reason"].startswith(expected)
    assert expected in job.page  # type: ignore[attr-defined]
    assert Child.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_beside_the_file_field(
    settings, commissioner_client, tmp_path
):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    path = tmp_path / "big.csv"
    path.write_text(",".join(CHILD_HEADER) + "\n" + "x" * (2 * 1024 * 1024))

    response = _upload(commissioner_client, path)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file is 2.0 MB: the largest file an import takes is 1.0 MB" in page
    assert not ImportRecord.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


def test_a_nul_byte_or_control_character_is_a_row_error(write_file, run_import):
    path = write_file(
        "nul.csv",
        CHILD_HEADER,
        [
            ["N1", "Sa\x00m", "Taylor", "2012-03-14", "M"],
            ["N2", "Jo", "Lee\x1b", "2012-03-14", "F"],
        ],
    )

    result = run_import("children", path)

    assert errors_by_row(result) == {
        2: [("first_name", CONTROL_REASON)],
        3: [("last_name", CONTROL_REASON)],
    }
    assert "\x00" not in result.errors[0].value
    assert Child.objects.count() == 0


def test_a_column_named_twice_is_an_error_naming_both_columns(write_file, run_import):
    path = write_file(
        "twice.csv",
        [*CHILD_HEADER, "Child_Ref "],
        [["T1", "Sam", "Taylor", "2012-03-14", "M", "T2"]],
    )

    result = run_import("children", path)

    assert [e.reason for e in result.errors] == [
        "The header row names 'Child_Ref' twice, in column A and column F: "
        "delete or rename one of them"
    ]
    assert Child.objects.count() == 0


def test_numbers_beyond_what_the_database_holds_are_row_errors(write_file, run_import):
    path = write_file(
        "numbers.csv",
        [*CHILD_HEADER, "easting"],
        [
            ["B1", "Sam", "Taylor", "2012-03-14", "M", "99999999999"],
            ["B2", "Jo", "Lee", "2012-03-14", "F", "1e999999999"],
            ["B3", "Al", "Khan", "2012-03-14", "M", "575120"],
        ],
    )

    result = run_import("children", path)

    rows = errors_by_row(result)
    assert rows[2] == [
        ("easting", "is too large: the largest number that can be stored is 2,147,483,647")
    ]
    assert rows[3] == [("easting", "is far too large a number")]
    assert 4 not in rows
    assert Child.objects.count() == 0


def test_a_small_integer_column_is_bounded_by_its_model_field(write_file, run_import):
    header = ["URN", "EstablishmentName", "TypeOfEstablishment (name)", "StatutoryLowAge"]
    path = write_file(
        "gias.csv", header, [["100001", "Oak School", "Academy special converter", "40000"]]
    )

    result = run_import("providers-gias", path)

    assert errors_by_row(result) == {
        2: [("StatutoryLowAge", "is too large: the largest that can be stored is 32,767")]
    }
    assert Provider.objects.count() == 0


def test_money_beyond_a_money_column_is_a_row_error(write_file, run_import):
    ChildFactory(child_ref="M1")
    ChildFactory(child_ref="M2")
    ProviderFactory(urn=118990)
    path = write_file(
        "money.csv",
        PLACEMENT_HEADER,
        [["M1", "118990", "2024-09-02", "123456789012345"], ["M2", "118990", "2024-09-02", "9e40"]],
    )

    result = run_import("placements", path)

    reason = "is more than £9,999,999,999.99, the largest amount that can be stored"
    assert errors_by_row(result) == {2: [("annual_cost", reason)], 3: [("annual_cost", reason)]}
    assert Placement.objects.count() == 0


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "01/01/1900"])
def test_an_impossible_date_is_a_row_error(write_file, run_import, date):
    ChildFactory(child_ref="D1")
    ProviderFactory(urn=118990)
    path = write_file("dates.csv", PLACEMENT_HEADER, [["D1", "118990", date, "36000"]])

    result = run_import("placements", path)

    assert errors_by_row(result) == {
        2: [("start_date", "is not a likely date: the year must be between 1990 and 2100")]
    }
    assert Placement.objects.count() == 0


def test_the_date_range_is_a_setting(settings, write_file, run_import):
    settings.IMPORT_DATE_MIN_YEAR = 2000
    path = write_file("dob.csv", CHILD_HEADER, [["Y1", "Sam", "Taylor", "1995-03-14", "M"]])

    result = run_import("children", path)

    assert errors_by_row(result) == {
        2: [("date_of_birth", "is not a likely date: the year must be between 2000 and 2100")]
    }


def test_the_error_list_keeps_the_first_errors_by_row_and_counts_them_all(settings):
    settings.IMPORT_MAX_ERRORS = 3
    errors = base.ErrorList()
    for row in [9, 8, 7, 2, 6, 5, 4, 3, 10, 11]:
        errors.add(base.RowError(row, "c", "v" * 500, "bad"))

    assert errors.count == 10
    assert [e.row for e in errors.first()] == [2, 3, 4]
    assert all(len(e.value) == settings.IMPORT_ERROR_VALUE_CHARS for e in errors.first())
