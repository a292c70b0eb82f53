"""Files an import cannot take are refused in plain words saying what to do, and a refused
file's rows read are counted as they are."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportRecord

pytestmark = pytest.mark.django_db

CHILDREN = ["child_ref", "first_name", "last_name"]


def test_a_binary_file_says_to_save_it_as_csv_utf8_or_xlsx_without_the_codec_dump(
    run_import, tmp_path
):
    path = tmp_path / "children.csv"
    path.write_bytes(b"child_ref,first\x8d\x00\x81\xff\xfe binary" + bytes(range(256)) * 4)

    result = run_import("children", path, dry_run=True)

    [error] = result.errors
    assert "save it as CSV UTF-8 (.csv) or as an Excel workbook (.xlsx)" in error.reason
    assert "codec" not in error.reason
    assert "0x8d" not in error.reason
    assert ImportRecord.objects.get(pk=result.record_id).status == ImportRecord.Status.REJECTED


def test_a_text_file_named_xlsx_is_refused_as_not_a_workbook(run_import, tmp_path):
    path = tmp_path / "children.xlsx"
    path.write_text("child_ref,first_name,last_name\nWS1,Ann,Lee\n", encoding="utf-8")

    result = run_import("children", path, dry_run=True)

    [error] = result.errors
    assert error.reason.startswith("This file is not an Excel workbook (.xlsx)")
    assert not result.unknown_columns


def test_a_file_missing_required_columns_counts_its_data_rows(run_import, write_file):
    rows = [["WS1", "Ann"], ["", ""], ["WS2", "Bo"], ["WS3", "Cy"]]
    result = run_import("children", write_file("c.csv", ["child_ref", "first_name"], rows))

    assert "last_name" in {error.column for error in result.errors}
    assert result.rows_read == 3  # the blank row is not a row of data, as when a file is read
    assert ImportRecord.objects.get(pk=result.record_id).rows_read == 3


def test_the_binary_file_message_shows_on_the_check_page(
    commissioner_client, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("c.csv", b"child_ref\x8d,x\n\x81\x8f\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner_client.post(
            reverse("imports:start"), {"kind": "children", "file": upload}
        )

    page = commissioner_client.get(response.url).content.decode()
    assert "save it as CSV UTF-8 (.csv) or as an Excel workbook (.xlsx)" in page
    assert "codec" not in page
