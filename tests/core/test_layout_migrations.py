"""Moving `Job` to core and `ImportRecord` to imports keeps every row: a database holding data
from the previous layout (both models in placements) is migrated forward and checked."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

OLD_LAYOUT = [("placements", "0003_importrecord")]
NEW_LAYOUT = [
    ("placements", "0004_job_and_importrecord_moved_out"),
    ("core", "0001_job_moved_from_placements"),
    ("imports", "0001_importrecord_moved_from_placements"),
]


def test_jobs_import_records_and_their_permission_survive_the_move(migrator):
    old = migrator.apply_initial_migration(OLD_LAYOUT)
    User = old.apps.get_model("auth", "User")
    Group = old.apps.get_model("auth", "Group")
    Permission = old.apps.get_model("auth", "Permission")
    ContentType = old.apps.get_model("contenttypes", "ContentType")
    OldJob = old.apps.get_model("placements", "Job")
    OldRecord = old.apps.get_model("placements", "ImportRecord")

    commissioner = User.objects.create(username="c.jones")
    job = OldJob.objects.create(
        kind="import",
        status="succeeded",
        progress_done=7,
        progress_total=7,
        created_by=commissioner,
    )
    record = OldRecord.objects.create(
        kind="placements",
        file_name="placements-2026.csv",
        job=job,
        user=commissioner,
        status="succeeded",
        rows_read=7,
        created=5,
        updated=2,
        errors=[{"row": 3, "column": "start_date", "value": "x", "reason": "is not a date"}],
    )
    child_type, _ = ContentType.objects.get_or_create(app_label="placements", model="child")
    job_type, _ = ContentType.objects.get_or_create(app_label="placements", model="job")
    ContentType.objects.get_or_create(app_label="placements", model="importrecord")
    import_data = Permission.objects.create(
        content_type=child_type, codename="import_data", name="Can import and export"
    )
    view_job = Permission.objects.create(content_type=job_type, codename="view_job", name="View")
    commissioners = Group.objects.create(name="commissioner")
    commissioners.permissions.add(import_data, view_job)

    new = migrator.apply_tested_migration(NEW_LAYOUT)
    Job = new.apps.get_model("core", "Job")
    ImportRecord = new.apps.get_model("imports", "ImportRecord")
    ContentType = new.apps.get_model("contenttypes", "ContentType")
    Group = new.apps.get_model("auth", "Group")

    moved_job = Job.objects.get(pk=job.pk)
    assert (moved_job.kind, moved_job.status, moved_job.progress_done) == ("import", "succeeded", 7)
    assert moved_job.created_by.username == "c.jones"
    moved_record = ImportRecord.objects.get(pk=record.pk)
    assert moved_record.job_id == job.pk
    assert (moved_record.created, moved_record.updated, moved_record.rows_read) == (5, 2, 7)
    assert moved_record.errors[0]["reason"] == "is not a date"

    assert not ContentType.objects.filter(app_label="placements", model__in=["job", "importrecord"])
    assert ContentType.objects.filter(app_label="core", model="job").exists()
    assert ContentType.objects.filter(app_label="imports", model="importrecord").exists()
    kept = {
        (p.content_type.app_label, p.codename)
        for p in Group.objects.get(name="commissioner").permissions.all()
    }
    assert kept == {("imports", "import_data"), ("core", "view_job")}

    migrator.reset()
