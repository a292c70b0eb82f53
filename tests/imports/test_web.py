"""The upload page, the preview, the import job page, templates and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent, Job
from imports.models import ImportRecord
from imports.registry import IMPORT_KINDS
from placements.models import Placement
from tests.factories import (
    ChildFactory,
    ContractFactory,
    EHCPFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "child_ref,provider_urn,start_date,end_date,annual_cost,additional_cost,attendance_pattern\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT, not the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people():
    ChildFactory(child_ref="WS1")
    ChildFactory(child_ref="WS2")
    ProviderFactory(urn=118990)


def upload(client, text: str, name: str = "placements.csv", kind: str = "placements"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("imports:start"), {"kind": kind, "file": file})


def test_the_upload_page_lists_every_kind_with_its_template_and_past_imports(commissioner_client):
    response = commissioner_client.get(reverse("imports:start"))

    assert response.status_code == 200
    page = response.content.decode()
    for name in IMPORT_KINDS:
        assert f'value="{name}"' in page
        assert reverse("imports:template", args=[name]) in page
    assert "Past imports" in page


def test_an_officer_cannot_import(officer_client, manager_client):
    for client in (officer_client, manager_client):
        assert client.get(reverse("imports:start")).status_code == 403
        assert upload(client, HEADER).status_code == 403


def test_upload_check_then_confirm_imports_with_progress(
    commissioner_client, people, django_capture_on_commit_callbacks
):
    text = HEADER + "WS1,118990,2024-09-02,,36000,,day\nWS2,118990,2024-09-02,,36000,500,day\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(commissioner_client, text)
    check_job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:job", args=[check_job.pk])

    page = commissioner_client.get(response.url).content.decode()
    assert "The file is good" in page
    assert "Import 2 rows" in page
    assert Placement.objects.count() == 0
    record = ImportRecord.objects.get()
    assert record.dry_run
    assert record.status == "succeeded"

    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner_client.post(reverse("imports:confirm", args=[record.pk]))
    job = Job.objects.exclude(pk=check_job.pk).get()
    assert response.url == reverse("imports:job", args=[job.pk])
    assert Placement.objects.count() == 2
    page = commissioner_client.get(response.url).content.decode()
    assert '<progress class="app-progress" max="100" value="100">' in page
    assert "Imported 2 rows: 2 created, 0 updated." in page
    assert "hx-trigger" not in page  # finished: no more polling


def test_a_running_job_polls_itself_and_offers_a_refresh_link(commissioner_client, commissioner):
    job = Job.objects.create(
        kind="import",
        status=Job.Status.RUNNING,
        progress_done=30,
        progress_total=100,
        message="Checked 3,000 rows",
    )
    ImportRecord.objects.create(kind="placements", file_name="p.csv", job=job, dry_run=True)
    url = reverse("imports:job", args=[job.pk])

    page = commissioner_client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="{url}"' in page
    assert '<progress id="import-progress" class="app-progress" max="100" value="30">' in page
    assert f'href="{url}">Refresh</a>' in page
    partial = commissioner_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="import-job"')
    assert "<html" not in partial


def test_a_file_with_errors_shows_every_error_and_offers_them_as_csv(
    commissioner_client, people, django_capture_on_commit_callbacks
):
    text = HEADER + "WS1,118990,2024-09-02,,36000,,day\nWS404,118990,2024-13-01,,-1,,day\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(commissioner_client, text)
    page = commissioner_client.get(response.url).content.decode()

    assert "The file has 3 errors: nothing was written" in page
    assert "WS404" in page
    assert "is not a known child" in page
    assert "must not be negative" in page
    assert "Import 2 rows" not in page
    record = ImportRecord.objects.get()
    errors = commissioner_client.get(reverse("imports:errors", args=[record.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "value", "reason"]
    assert [r[:2] for r in rows[1:]] == [
        ["3", "annual_cost"],
        ["3", "child_ref"],
        ["3", "start_date"],
    ]
    refused = commissioner_client.post(reverse("imports:confirm", args=[record.pk]))
    assert refused.status_code == 302
    assert Placement.objects.count() == 0


def test_an_upload_without_a_file_or_kind_shows_the_error_summary(commissioner_client):
    response = commissioner_client.post(reverse("imports:start"), {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select what the file holds" in page
    assert "Select a file to upload" in page


def test_templates_have_the_header_and_an_example_row_for_every_kind(commissioner_client):
    for name, kind in IMPORT_KINDS.items():
        response = commissioner_client.get(reverse("imports:template", args=[name]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == kind.column_names
        assert len(rows) == 2


def test_the_placements_register_exports_as_csv_and_xlsx_and_reimports(
    commissioner_client, run_import, tmp_path
):
    PlacementFactory(child=ChildFactory(child_ref="WS1"), provider=ProviderFactory(urn=118990))
    url = reverse("placements:placement_export")

    response = commissioner_client.get(url, {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:2] == ["WS1", "118990"]
    assert rows[1][5] == "36000.00"
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    result = run_import("placements", path)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)

    response = commissioner_client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["child_ref", "provider_urn"]


def test_the_contract_register_exports_for_dps_managers_only(commissioner_client, officer_client):
    ContractFactory(reference="WCC-1")
    url = reverse("dps:contract_export")

    assert officer_client.get(url).status_code == 403
    text = b"".join(commissioner_client.get(url).streaming_content).decode("utf-8-sig")
    assert "WCC-1" in text
    xlsx = commissioner_client.get(url, {"format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).active["A2"].value == "WCC-1"


def test_the_sen2_working_extract_is_a_zip_of_module_csvs(
    commissioner_client, officer_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    ehcp = EHCPFactory(child__ethnicity="WBRI", request_date=dt.date(2025, 2, 3))
    PlacementFactory(child=ehcp.child, provider=ProviderFactory(urn=118990))
    with django_capture_on_commit_callbacks(execute=True):
        checked = commissioner_client.post(
            reverse("placements:sen2_return"), {"census_date": "2026-01-15"}
        )
    job_id = int(checked["Location"].rstrip("/").rsplit("/", 1)[-1])
    url = reverse("placements:sen2_extract_download", args=[job_id])

    assert officer_client.get(url).status_code == 403
    check_page = commissioner_client.get(checked["Location"]).content.decode()
    assert url in check_page
    response = commissioner_client.get(url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert AuditEvent.objects.filter(object_type="sen2_extract", username="commissioner").exists()
    names = set(archive.namelist())
    assert names == {
        f"sen2_{m}.csv"
        for m in (
            "Person",
            "Requests",
            "Assessment",
            "NamedPlan",
            "PlanDetail",
            "ActivePlans",
            "PlacementDetail",
            "SENneed",
        )
    }
    active = list(csv.reader(io.StringIO(archive.read("sen2_PlacementDetail.csv").decode())))
    assert active[0][2] == "URN"
    assert active[1][2] == "118990"
    person = list(csv.reader(io.StringIO(archive.read("sen2_Person.csv").decode())))
    assert person[0][:5] == ["PersonID", "RequestID", "Surname", "Forename", "PersonBirthDate"]


def test_the_old_working_extract_address_leads_to_the_sen2_page(commissioner_client):
    response = commissioner_client.get(reverse("placements:sen2_export"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("placements:sen2_return")
    assert "The working extract is made with each check of the return" in (
        response.content.decode()
    )


def test_a_register_too_long_for_a_spreadsheet_offers_the_csv(commissioner_client, monkeypatch):
    PlacementFactory.create_batch(3)
    monkeypatch.setattr("placements.exports.XLSX_MAX_ROWS", 2)

    response = commissioner_client.get(reverse("placements:placement_export"), {"format": "xlsx"})

    html = response.content.decode()
    assert "too many rows for an XLSX download" in html
    assert "Prepare the CSV of the whole register" in html
    assert not AuditEvent.objects.filter(object_type="placement_register").exists()


def test_a_long_register_is_written_by_a_job_and_downloaded_from_its_page(
    commissioner_client, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    PlacementFactory.create_batch(3, child__child_ref=factory.Sequence(lambda n: f"=REG{n}"))
    monkeypatch.setattr("placements.exports.XLSX_MAX_ROWS", 2)
    monkeypatch.setattr("placements.exports.PROGRESS_EVERY", 1)

    offer = commissioner_client.get(reverse("placements:placement_export"), {"format": "csv"})
    assert "Prepare the CSV of the whole register" in offer.content.decode()
    assert not AuditEvent.objects.filter(object_type="placement_register").exists()

    with django_capture_on_commit_callbacks(execute=True):
        started = commissioner_client.post(reverse("placements:placement_export_start"))
    page = commissioner_client.get(started["Location"]).content.decode()
    assert "3 placements written" in page
    job_id = int(started["Location"].rstrip("/").rsplit("/", 1)[-1])
    download = commissioner_client.get(
        reverse("placements:placement_export_download", args=[job_id])
    )
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("child_ref,provider_urn")
    assert len(lines) == 4
    assert all(line.startswith("'=REG") for line in lines[1:])  # formulas neutralised
    assert AuditEvent.objects.filter(object_type="placement_register").count() == 1


def test_a_register_download_that_is_not_ready_is_not_found(commissioner_client):
    from core.models import Job
    from placements import exports

    job = Job.objects.create(kind=exports.REGISTER_EXPORT_JOB)
    other = Job.objects.create(kind="sen2")

    url = reverse("placements:placement_export_download", args=[job.pk])
    assert commissioner_client.get(url).status_code == 404
    assert (
        commissioner_client.get(
            reverse("placements:placement_export_job", args=[other.pk])
        ).status_code
        == 404
    )
