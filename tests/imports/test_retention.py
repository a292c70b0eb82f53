"""Uploaded files and errors files are deleted after IMPORT_RETENTION_DAYS by a nightly task;
the record of who imported what, and when, stays."""

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

from imports.models import ImportRecord
from imports.services import errors_path, import_start
from imports.tasks import uploads_expire

pytestmark = pytest.mark.django_db
capture_on_commit = TestCase.captureOnCommitCallbacks
BAD = "child_ref,first_name,last_name,date_of_birth,sex\nR1,Sam,Taylor,not a date,M\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _checked(user, days_ago: int) -> ImportRecord:
    upload = SimpleUploadedFile("kids.csv", BAD.encode(), content_type="text/csv")
    with capture_on_commit(execute=True):
        job = import_start(kind="children", uploaded_file=upload, user=user)
    record = ImportRecord.objects.get(job=job)
    ImportRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    record.refresh_from_db()
    return record


def test_uploads_and_errors_files_past_the_retention_period_are_deleted(commissioner):
    old = _checked(commissioner, days_ago=31)
    recent = _checked(commissioner, days_ago=29)
    old_upload = Path(settings.MEDIA_ROOT) / old.stored_file
    assert old_upload.is_file()
    assert errors_path(old).is_file()
    stray = Path(settings.MEDIA_ROOT) / "imports" / "0123abcd-left-behind.csv"
    stray.write_text("child_ref\n")
    long_ago = (timezone.now() - dt.timedelta(days=40)).timestamp()
    os.utime(stray, (long_ago, long_ago))

    assert uploads_expire() == 3

    assert not old_upload.exists()
    assert not errors_path(old).exists()
    assert not stray.exists()
    old.refresh_from_db()
    assert old.stored_file == ""
    assert old.errors_count == 1  # the record stays
    assert (Path(settings.MEDIA_ROOT) / recent.stored_file).is_file()
    assert errors_path(recent).is_file()


def test_the_retention_period_is_a_setting(settings, commissioner):
    settings.IMPORT_RETENTION_DAYS = 7
    record = _checked(commissioner, days_ago=8)

    uploads_expire()

    record.refresh_from_db()
    assert record.stored_file == ""


def test_an_expired_check_cannot_be_imported_and_says_to_upload_again(
    commissioner, commissioner_client
):
    record = _checked(commissioner, days_ago=31)
    ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.SUCCEEDED)
    uploads_expire()

    response = commissioner_client.post(reverse("imports:confirm", args=[record.pk]), follow=True)

    assert "The checked file is no longer available: upload it again" in response.content.decode()


def test_the_deletion_runs_nightly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} >= {
        "imports.tasks.uploads_expire",
        "core.tasks.jobs_reap",
    }
    assert settings.CELERY_TASK_ROUTES["imports.tasks.*"] == {"queue": "imports"}
