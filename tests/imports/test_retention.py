"""Uploaded files and errors files are deleted FILE_RETENTION_DAYS after they were written, by
the nightly task that deletes every file the product writes (core.retention); the record of who
imported what, and when, stays, and the job's page says the file was deleted."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.tasks import kept_files_expire
from imports.models import ImportRecord
from imports.services import errors_path, import_start

pytestmark = pytest.mark.django_db
capture_on_commit = TestCase.captureOnCommitCallbacks
BAD = "child_ref,first_name,last_name,date_of_birth,sex\nR1,Sam,Taylor,not a date,M\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _age(path: Path, days_ago: float) -> None:
    then = (timezone.now() - dt.timedelta(days=days_ago)).timestamp()
    os.utime(path, (then, then))


def _checked(user, days_ago: int, content: str = BAD) -> ImportRecord:
    upload = SimpleUploadedFile("kids.csv", content.encode(), content_type="text/csv")
    with capture_on_commit(execute=True):
        job = import_start(kind="children", uploaded_file=upload, user=user)
    record = ImportRecord.objects.get(job=job)
    ImportRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    record.refresh_from_db()
    for path in (Path(settings.MEDIA_ROOT) / record.stored_file, errors_path(record)):
        if path.exists():
            _age(path, days_ago)
    return record


def test_uploads_and_errors_files_past_the_retention_period_are_deleted(commissioner):
    old = _checked(commissioner, days_ago=31)
    recent = _checked(commissioner, days_ago=29)
    old_upload = Path(settings.MEDIA_ROOT) / old.stored_file
    assert old_upload.is_file()
    assert errors_path(old).is_file()
    stray = Path(settings.MEDIA_ROOT) / "imports" / "0123abcd-left-behind.csv"
    stray.write_text("child_ref\n")
    _age(stray, 40)

    assert kept_files_expire() == 3

    assert not old_upload.exists()
    assert not errors_path(old).exists()
    assert not stray.exists()
    old.refresh_from_db()
    assert old.stored_file == ""
    assert old.errors_count == 1  # the record stays
    assert (Path(settings.MEDIA_ROOT) / recent.stored_file).is_file()
    assert errors_path(recent).is_file()


def test_the_retention_period_is_a_setting(settings, commissioner):
    settings.FILE_RETENTION_DAYS = 7
    record = _checked(commissioner, days_ago=8)

    kept_files_expire()

    record.refresh_from_db()
    assert record.stored_file == ""


def test_an_expired_check_cannot_be_imported_and_says_to_upload_again(
    commissioner, commissioner_client
):
    record = _checked(commissioner, days_ago=31)
    ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.SUCCEEDED)
    kept_files_expire()

    response = commissioner_client.post(reverse("imports:confirm", args=[record.pk]), follow=True)

    assert "The checked file is no longer available: upload it again" in response.content.decode()


def test_the_deletion_runs_nightly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} >= {
        "core.tasks.kept_files_expire",
        "core.tasks.jobs_reap",
    }
    assert settings.CELERY_TASK_ROUTES["imports.tasks.*"] == {"queue": "imports"}


def test_the_pages_of_an_import_whose_files_were_deleted_say_so_and_the_download_is_a_404(
    commissioner, commissioner_client
):
    rejected = _checked(commissioner, days_ago=31)
    good = _checked(commissioner, days_ago=31, content=BAD.replace("not a date", "2015-04-01"))
    assert good.status == ImportRecord.Status.SUCCEEDED
    kept_files_expire()

    page = commissioner_client.get(reverse("imports:job", args=[rejected.job_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The errors file was deleted 30 days after it was written" in html
    assert reverse("imports:errors", args=[rejected.pk]) not in html
    assert "Not a likely date" in html or "date_of_birth" in html  # the errors kept on the record

    download = commissioner_client.get(reverse("imports:errors", args=[rejected.pk]))
    assert download.status_code == 404
    assert "The errors file is no longer kept" in download.content.decode()
    assert "deleted 30 days after they are written" in download.content.decode()

    page = commissioner_client.get(reverse("imports:job", args=[good.job_id])).content.decode()
    assert "The checked file was deleted 30 days after it was uploaded" in page
    assert reverse("imports:confirm", args=[good.pk]) not in page
