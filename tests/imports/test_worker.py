"""An import a user starts runs as a Celery job on a real worker, against the same database."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Job
from imports.models import ImportRecord
from imports.services import import_start
from placements.models import Placement
from tests.factories import ChildFactory, ProviderFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(job: Job, timeout: float = 60.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(
        f"Job {job.pk} did not finish in {timeout:.0f} s: {job.status} {job.message}"
    )


def test_a_checked_file_is_imported_by_the_worker(celery_worker_process, commissioner):
    ChildFactory(child_ref="WK1")
    ChildFactory(child_ref="WK2")
    ProviderFactory(urn=128001)
    text = (
        "child_ref,provider_urn,start_date,annual_cost,attendance_pattern\n"
        "WK1,128001,2025-09-01,36000,day\n"
        "WK2,128001,2025-09-01,41000,weekly\n"
    )
    upload = SimpleUploadedFile("worker.csv", text.encode(), content_type="text/csv")

    check = _wait_for(import_start(kind="placements", uploaded_file=upload, user=commissioner))
    assert check.status == Job.Status.SUCCEEDED
    assert Placement.objects.count() == 0

    record = ImportRecord.objects.get(job=check)
    job = _wait_for(
        import_start(kind="placements", user=commissioner, dry_run=False, record=record)
    )

    assert job.status == Job.Status.SUCCEEDED
    assert job.percent == 100
    assert sorted(Placement.objects.values_list("child__child_ref", flat=True)) == ["WK1", "WK2"]
    assert ImportRecord.objects.get(job=job).created == 2
