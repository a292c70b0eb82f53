"""Every CSV the product writes neutralises spreadsheet formulas: a cell a person typed as
`=cmd|' /C calc'!A0` reaches the file as `'=cmd…`, never as a formula. The static scan finds
any new CSV writer that does not go through core.downloads."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import downloads
from placements.models import Child
from tests.factories import BudgetLineFactory, ContractFactory, PlacementFactory
from tests.placements.test_sen2 import CENSUS, county  # noqa: F401 - the SEN2 county fixture

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "imports", "placements", "dps", "panel", "reporting", "demo", "config"]
FORMULA = "=cmd|' /C calc'!A0"
# Modules that call csv.writer themselves, each writing every cell through core.downloads.
OWN_WRITERS = {"core/downloads.py": "csv_cell", "imports/services.py": "downloads.csv_line"}


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def _assert_neutralised(text: str) -> None:
    cells = _cells(text)
    assert "'" + FORMULA in cells, "the test value did not reach the file"
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]


def test_no_module_writes_csv_except_through_core_downloads():
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            for node in ast.walk(ast.parse(source)):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in ("writer", "DictWriter")
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "csv"
                ):
                    found[str(path.relative_to(ROOT))] = source
    assert set(found) == set(OWN_WRITERS)
    for name, marker in OWN_WRITERS.items():
        assert marker in found[name]


def test_the_placements_export(officer_client):
    PlacementFactory(child__child_ref=FORMULA)

    response = officer_client.get(reverse("placements:placement_export"))

    _assert_neutralised(b"".join(response.streaming_content).decode())


def test_the_contract_register(commissioner_client):
    ContractFactory(reference=FORMULA)

    response = commissioner_client.get(reverse("dps:contract_export"))

    _assert_neutralised(b"".join(response.streaming_content).decode())


def test_the_sen2_working_extract(
    commissioner_client,
    county,  # noqa: F811
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    Child.objects.filter(child_ref="WS-A").update(last_name=FORMULA)
    with django_capture_on_commit_callbacks(execute=True):
        checked = commissioner_client.post(
            reverse("placements:sen2_return"), {"census_date": CENSUS.isoformat()}
        )
    job_id = int(checked["Location"].rstrip("/").rsplit("/", 1)[-1])

    response = commissioner_client.get(reverse("placements:sen2_extract_download", args=[job_id]))

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    _assert_neutralised(text)


def test_the_import_errors_file(
    commissioner_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportRecord

    settings.MEDIA_ROOT = tmp_path
    text = f"child_ref,provider_urn,start_date,annual_cost\n{FORMULA},1,2024-09-01,36000\n"
    upload = SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        commissioner_client.post(reverse("imports:start"), {"kind": "placements", "file": upload})
    record = ImportRecord.objects.get()

    response = commissioner_client.get(reverse("imports:errors", args=[record.pk]))

    _assert_neutralised(b"".join(response.streaming_content).decode("utf-8-sig"))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (-36.0, "-36.0"),
        (-2, "-2"),
        (Decimal("-1234.5"), "-1234.5"),
        ("-36.0", "-36.0"),
        ("-2", "-2"),
        ("+3", "+3"),
        (".5", ".5"),
        ("-1.5e3", "-1.5e3"),
        ("-2+3", "'-2+3"),
        ("-A1", "'-A1"),
        ("=1", "'=1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t-1", "'\t-1"),
        ("-", "'-"),
        ("- 2", "'- 2"),
    ],
)
def test_numbers_stay_numbers_and_formulas_are_neutralised(value, written):
    assert downloads.csv_cell(value) == written


def test_a_negative_variance_downloads_as_a_number(officer_client):
    from reporting import services

    BudgetLineFactory(financial_year=2024, line="INMSS placements", amount=Decimal("1000000"))
    PlacementFactory(start_date=dt.date(2024, 4, 1), annual_cost=Decimal("36500"))
    services.snapshots_recompute(as_of=dt.date(2025, 3, 31))

    response = officer_client.get("/dashboards/budget/lines.csv?fy=2024")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    variance = rows[0].index("Variance")
    assert rows[1][variance] == "-963500.00"
    assert not [cell for row in rows for cell in row if cell.startswith("'")]

    workbook_response = officer_client.get("/dashboards/budget/lines.xlsx?fy=2024")
    sheet = load_workbook(io.BytesIO(workbook_response.content)).active
    assert sheet.cell(row=2, column=variance + 1).value == -963500.0
