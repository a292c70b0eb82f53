"""Reads for the commissioners' SEN2 page: the checks run and what each found."""

from __future__ import annotations

import json
from typing import Any

from core.models import Job

from .checks import RULES
from .services import JOB_KIND, job_file


def sen2_check_get(*, job_id: int) -> Job:
    return Job.objects.get(pk=job_id, kind=JOB_KIND)


def sen2_checks_recent(*, limit: int = 5) -> list[Job]:
    return list(
        Job.objects.filter(kind=JOB_KIND)
        .select_related("created_by")
        .order_by("-created_at")[:limit]
    )


def sen2_check_files_kept(*, job: Job) -> bool:
    """Whether the check's files (the XML, the working extract, the list of records) are still
    kept: the retention rule (core.retention) deletes them FILE_RETENTION_DAYS after the check."""
    return job_file(job, "-extract.zip").is_file()


def sen2_check_issues(*, job: Job, rule: str = "") -> list[dict[str, Any]]:
    """The records that break a rule, as the check found them (one rule's, if `rule` is given)."""
    path = job_file(job, "-issues.json")
    if not path.exists():
        return []
    issues: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    if rule:
        issues = [issue for issue in issues if issue["rule"] == rule]
    return issues


def sen2_check_counts(*, job: Job) -> list[dict[str, Any]]:
    """Rows for the counts table and chart: every rule, its description and count."""
    counts: dict[str, int] = job.result.get("issue_counts", {})
    return [
        {"rule": rule, "description": description, "count": counts.get(rule, 0)}
        for rule, description in RULES.items()
    ]


def sen2_counts_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    broken = [row for row in rows if row["count"]]
    if not broken:
        return None
    return {
        "type": "bar",
        "indexAxis": "y",
        "labels": [row["description"] for row in broken],
        "datasets": [{"label": "Records", "data": [row["count"] for row in broken]}],
    }
