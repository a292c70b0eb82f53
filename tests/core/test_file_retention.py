"""Every file the product writes is deleted FILE_RETENTION_DAYS after it was written, by one
nightly task (core.retention): the SEN2 XML, working extract and list of records of a check
(names, dates of birth, UPNs), the register downloads, anything else under MEDIA_ROOT. The
jobs stay; their pages say the files were deleted, and their downloads answer a 404 page
saying so. (Uploads and errors files of imports: tests/imports/test_retention.py.)"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from core.retention import kept_files_expire
from placements import exports
from placements.sen2 import services as sen2_services
from tests.factories import ChildFactory, EHCPFactory, PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_RETENTION_DAYS = 30


def _age(path: Path, days_ago: float) -> None:
    then = (timezone.now() - dt.timedelta(days=days_ago)).timestamp()
    os.utime(path, (then, then))


def _sen2_files(job: Job) -> list[Path]:
    return [
        sen2_services.job_file(job, suffix) for suffix in (".xml", "-extract.zip", "-issues.json")
    ]


def _check(client, django_capture_on_commit_callbacks, census: str = "2026-01-15") -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("placements:sen2_return"), {"census_date": census})
    assert response.status_code == 302
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    assert job.status == Job.Status.SUCCEEDED, job.error
    return job


def _register(client, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("placements:placement_export_start"))
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    assert job.status == Job.Status.SUCCEEDED, job.error
    return job


@pytest.fixture
def child():
    child = ChildFactory(child_ref="WS-RET", ethnicity="")
    EHCPFactory(child=child, issue_date=dt.date(2025, 6, 16))
    PlacementFactory(child=child, start_date=dt.date(2025, 9, 1))
    return child


def test_files_older_than_the_period_are_deleted_younger_kept_and_the_jobs_stay(
    commissioner_client, child, django_capture_on_commit_callbacks
):
    old_check = _check(commissioner_client, django_capture_on_commit_callbacks)
    new_check = _check(commissioner_client, django_capture_on_commit_callbacks, "2025-01-16")
    old_register = _register(commissioner_client, django_capture_on_commit_callbacks)
    for path in [*_sen2_files(old_check), exports.export_file(old_register)]:
        assert path.is_file()
        _age(path, 31)
    partial = Path(settings.MEDIA_ROOT) / "exports" / "job-999.part"  # a crashed job's leftover
    partial.write_text("child_ref\n")
    _age(partial, 40)
    for path in _sen2_files(new_check):
        _age(path, 29)

    assert kept_files_expire() == 5

    assert not any(path.exists() for path in _sen2_files(old_check))
    assert not exports.export_file(old_register).exists()
    assert not partial.exists()
    assert all(path.is_file() for path in _sen2_files(new_check))
    assert Job.objects.filter(pk__in=[old_check.pk, new_check.pk, old_register.pk]).count() == 3
    old_check.refresh_from_db()
    assert old_check.result["persons"] == 1  # what the check found is kept on the job
    assert kept_files_expire() == 0


def test_a_sen2_check_whose_files_were_deleted_says_so_and_its_downloads_are_404_pages(
    commissioner_client, child, django_capture_on_commit_callbacks
):
    job = _check(commissioner_client, django_capture_on_commit_callbacks)
    page = commissioner_client.get(reverse("placements:sen2_check", args=[job.pk]))
    assert "sen2-files-deleted" not in page.content.decode()
    assert reverse("placements:sen2_extract_download", args=[job.pk]) in page.content.decode()
    for path in _sen2_files(job):
        _age(path, 31)
    kept_files_expire()

    page = commissioner_client.get(reverse("placements:sen2_check", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "were deleted 30 days after the check" in html
    assert reverse("placements:sen2_extract_download", args=[job.pk]) not in html
    assert reverse("placements:sen2_download", args=[job.pk]) not in html
    assert 'id="sen2-counts"' in html  # the counts are kept on the job

    for name, gone in [
        ("placements:sen2_download", "The return is no longer kept"),
        ("placements:sen2_extract_download", "The working extract is no longer kept"),
    ]:
        response = commissioner_client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 404
        assert gone in response.content.decode()
        assert "deleted 30 days after they are written" in response.content.decode()


def test_a_register_download_whose_file_was_deleted_says_so_and_offers_to_prepare_it_again(
    commissioner_client, child, django_capture_on_commit_callbacks
):
    job = _register(commissioner_client, django_capture_on_commit_callbacks)
    _age(exports.export_file(job), 31)
    kept_files_expire()

    page = commissioner_client.get(reverse("placements:placement_export_job", args=[job.pk]))
    html = page.content.decode()
    assert "The file was deleted 30 days after it was written" in html
    assert "Prepare the download again" in html
    download = commissioner_client.get(
        reverse("placements:placement_export_download", args=[job.pk])
    )
    assert download.status_code == 404
    assert "prepare the download again" in download.content.decode()


def test_the_period_is_a_setting_and_the_task_runs_nightly(settings, tmp_path):
    settings.FILE_RETENTION_DAYS = 7
    written = Path(settings.MEDIA_ROOT) / "sen2" / "job-1.xml"
    written.parent.mkdir(parents=True)
    written.write_text("<x/>")
    _age(written, 8)

    assert kept_files_expire() == 1
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.tasks.kept_files_expire" in tasks
    assert tasks["core.tasks.kept_files_expire"].hour == {3}


def test_nothing_to_delete_without_a_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-written"
    assert kept_files_expire() == 0
