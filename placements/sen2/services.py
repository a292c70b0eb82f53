"""Checking the SEN2 return for the commissioners' page: a Job, because at county size reading
every record takes longer than a page should (about 12 seconds for 13,000 children).

The job keeps what it made under MEDIA_ROOT/sen2/: the XML (downloaded from the page exactly as
it was checked), the working extract (the same records as a zip of CSVs) and the list of records
that break a rule (read page by page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from core.models import Job
from core.services import JobProgress, JobStart, job_claim, job_fail, job_start_once, job_succeed

from . import extract, prepare_return

logger = logging.getLogger(__name__)

JOB_KIND = "sen2"
STORE_DIR = "sen2"
SCHEMA_ERRORS_KEPT = 50


def job_file(job: Job, suffix: str) -> Path:
    return Path(settings.MEDIA_ROOT) / STORE_DIR / f"job-{job.pk}{suffix}"


def sen2_check_start(*, census_date: dt.date, user: User | None) -> JobStart:
    """Schedule a check of the return for `census_date`; the job page shows its progress. One
    check per census date at a time: while one is queued or running, that one (its key is the
    census date), so posts at once, or again while it runs, write one set of files."""
    from placements.tasks import run_sen2_check

    return job_start_once(
        kind=JOB_KIND,
        key=census_date.isoformat(),
        user=user,
        result={"census_date": census_date.isoformat()},
        schedule=lambda job: run_sen2_check.delay(job.pk),
    )


def sen2_check_run(*, job_id: int) -> dict[str, Any]:
    """Build and check the return a Job stands for. A finished job is left as it is."""
    job = job_claim(job_id=job_id)
    if job is None:
        finished: dict[str, Any] = Job.objects.get(pk=job_id).result
        return finished
    census_date = dt.date.fromisoformat(job.result["census_date"])
    progress = JobProgress(job)
    try:
        sen2 = prepare_return(census_date, progress=progress)
        xml_path = job_file(job, ".xml")
        xml_path.parent.mkdir(parents=True, exist_ok=True)
        xml_path.write_bytes(sen2.to_bytes())
        progress(100, 100, "Writing the working extract")
        job_file(job, "-extract.zip").write_bytes(extract.working_extract_zip(sen2.persons))
        issues = [
            {**dataclasses.asdict(issue), "child_ref": issue.child_ref} for issue in sen2.issues
        ]
        job_file(job, "-issues.json").write_text(json.dumps(issues), encoding="utf-8")
    except Exception as error:
        logger.exception("SEN2 check %s failed", job_id)
        job_fail(job=job, error=error, message="The return could not be built")
        return {**job.result, "ok": False}
    finally:
        progress.close()
    result = {
        **job.result,
        "ok": True,
        "la_code": sen2.la_code,
        "persons": len(sen2.persons),
        "schema_valid": not sen2.schema_errors,
        "schema_error_count": len(sen2.schema_errors),
        "schema_errors": sen2.schema_errors[:SCHEMA_ERRORS_KEPT],
        "issue_count": len(sen2.issues),
        "issue_counts": sen2.issue_counts,
    }
    job_succeed(job=job, result=result, message="Checked")
    return result
