"""A worker killed in the middle of a dashboard recompute: the reaper marks the job failed and the
dashboards keep the figures they had (the recompute writes its snapshots in one transaction at
the end). Needs REDIS_URL and PostgreSQL (CI)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest

from core.models import Job
from core.services import WORKER_DIED, jobs_reap
from demo.generator import seed
from placements import rules
from placements.models import NeedType
from reporting import services
from reporting.models import DashboardSnapshot
from tests.conftest import FAULT_QUEUE
from tests.imports.test_worker_faults import _children_of, _wait

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_killed_mid_recompute_keeps_the_previous_figures(
    celery_worker_to_kill, manager, settings
):
    settings.RECOMPUTE_QUEUE = FAULT_QUEUE  # only the killable worker reads it
    for order, (code, label) in enumerate(rules.NEED_TYPES):  # flushed by earlier tests
        NeedType.objects.get_or_create(code=code, defaults={"label": label, "sort_order": order})
    seed("kent", 1, dt.date.today(), progress=False)  # noqa: DTZ011 - a calendar date
    services.snapshots_recompute(user=None)
    before = {s.dashboard: (s.computed_at, s.data) for s in DashboardSnapshot.objects.all()}
    assert before

    worker = celery_worker_to_kill(JOB_HEARTBEAT_SECONDS="1")
    job = services.recompute_request(user=manager).job

    def running() -> bool:
        job.refresh_from_db()
        assert job.status != Job.Status.SUCCEEDED, "the recompute finished before the kill"
        return job.status == Job.Status.RUNNING

    _wait(running, "the recompute to start", timeout=120)
    time.sleep(0.3)
    for pid in [*_children_of(worker.pid), worker.pid]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)

    settings.JOB_HEARTBEAT_TIMEOUT = 2
    _wait(jobs_reap, "the reaper to find the job", timeout=30)
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, WORKER_DIED)
    after = {s.dashboard: (s.computed_at, s.data) for s in DashboardSnapshot.objects.all()}
    assert after == before
