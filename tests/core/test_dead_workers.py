"""A job whose worker died is marked failed by the reaper, can be started again from its page,
and a redelivered task of it runs it again instead of doing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from core.services import (
    WORKER_DIED,
    JobBusy,
    JobProgress,
    job_claim,
    job_create,
    jobs_reap,
)
from core.tasks import jobs_reap as jobs_reap_task
from imports.models import ImportRecord
from imports.services import import_job_run, import_start
from placements.models import Child

pytestmark = pytest.mark.django_db
capture_on_commit = TestCase.captureOnCommitCallbacks

CHILDREN = (
    "child_ref,first_name,last_name,date_of_birth,sex\n"
    "DW1,Sam,Taylor,2012-03-14,M\n"
    "DW2,Jo,Lee,2013-05-01,F\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _running(job: Job, *, beat_seconds_ago: int | None) -> Job:
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        started_at=now - dt.timedelta(seconds=600),
        heartbeat_at=(
            None if beat_seconds_ago is None else now - dt.timedelta(seconds=beat_seconds_ago)
        ),
    )
    job.refresh_from_db()
    return job


def test_the_reaper_fails_running_jobs_whose_heartbeat_is_stale_and_no_others(settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 120
    stale = _running(job_create(kind="import", user=None, result={}), beat_seconds_ago=121)
    silent = _running(job_create(kind="import", user=None, result={}), beat_seconds_ago=None)
    alive = _running(job_create(kind="import", user=None, result={}), beat_seconds_ago=10)
    queued = job_create(kind="import", user=None, result={})

    assert jobs_reap_task() == 2

    for job in (stale, silent):
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED
        assert job.error == WORKER_DIED
        assert job.finished_at is not None
    alive.refresh_from_db()
    queued.refresh_from_db()
    assert alive.status == Job.Status.RUNNING
    assert queued.status == Job.Status.QUEUED
    assert jobs_reap() == 0


def test_a_stale_running_job_is_claimed_again_and_a_live_one_is_not():
    stale = _running(job_create(kind="import", user=None, result={}), beat_seconds_ago=500)
    alive = _running(job_create(kind="import", user=None, result={}), beat_seconds_ago=1)

    claimed = job_claim(job_id=stale.pk)
    assert claimed is not None
    assert claimed.status == Job.Status.RUNNING
    assert claimed.heartbeat_at > stale.heartbeat_at
    with pytest.raises(JobBusy):  # its task waits and tries again
        job_claim(job_id=stale.pk)  # now it has a fresh heartbeat
    with pytest.raises(JobBusy):
        job_claim(job_id=alive.pk)


def test_a_finished_job_is_not_claimed_again():
    job = job_create(kind="import", user=None, result={})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)

    assert job_claim(job_id=job.pk) is None


@pytest.mark.django_db(transaction=True)  # outside a transaction, as the check pass runs
def test_progress_writes_the_heartbeat(settings):
    settings.JOB_HEARTBEAT_SECONDS = 0
    job = job_claim(job_id=job_create(kind="import", user=None, result={}).pk)
    assert job is not None
    Job.objects.filter(pk=job.pk).update(heartbeat_at=None)
    progress = JobProgress(job)

    progress(1, 100, "Checked 1 row")
    progress(1, 100, "Checked 1 row")  # same percent: still a heartbeat when one is due

    job.refresh_from_db()
    assert job.heartbeat_at is not None


def _import_job(commissioner, *, dry_run: bool) -> Job:
    upload = SimpleUploadedFile("children.csv", CHILDREN.encode(), content_type="text/csv")
    job = import_start(kind="children", uploaded_file=upload, user=commissioner, dry_run=dry_run)
    return job  # on-commit not run: the task never started, like a worker that died


def test_a_redelivered_task_of_a_dead_import_runs_it(commissioner):
    job = _running(_import_job(commissioner, dry_run=False), beat_seconds_ago=600)

    summary = import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert summary["created"] == 2
    assert Child.objects.count() == 2


def test_a_redelivered_task_after_the_reaper_runs_it_too(commissioner):
    job = _running(_import_job(commissioner, dry_run=False), beat_seconds_ago=600)
    jobs_reap()

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert Child.objects.count() == 2


def test_the_job_page_says_the_worker_stopped_and_start_again_runs_it(
    commissioner, commissioner_client
):
    job = _running(_import_job(commissioner, dry_run=False), beat_seconds_ago=600)
    jobs_reap()
    record = ImportRecord.objects.get(job=job)
    assert record.status == ImportRecord.Status.FAILED
    assert Child.objects.count() == 0

    page = commissioner_client.get(reverse("imports:job", args=[job.pk]))

    text = page.content.decode()
    assert "The worker stopped while running this job" in text
    assert "nothing was written. Start it again." in text
    assert reverse("imports:restart", args=[job.pk]) in text

    with capture_on_commit(execute=True):
        response = commissioner_client.post(reverse("imports:restart", args=[job.pk]))

    assert response.status_code == 302
    new_job = Job.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("imports:job", args=[new_job.pk])
    assert new_job.status == Job.Status.SUCCEEDED
    assert Child.objects.count() == 2
    # The old job was superseded: a late redelivery of its task does nothing.
    assert import_job_run(job_id=job.pk) == Job.objects.get(pk=job.pk).result
    assert Child.objects.count() == 2


def test_only_a_failed_job_can_be_started_again(commissioner, commissioner_client):
    job = _import_job(commissioner, dry_run=True)

    response = commissioner_client.post(reverse("imports:restart", args=[job.pk]), follow=True)

    assert "Only a job that failed can be started again" in response.content.decode()
    assert Job.objects.count() == 1


def test_start_again_needs_the_import_permission(commissioner, manager_client):
    job = _running(_import_job(commissioner, dry_run=False), beat_seconds_ago=600)
    jobs_reap()

    response = manager_client.post(reverse("imports:restart", args=[job.pk]))

    assert response.status_code == 403
