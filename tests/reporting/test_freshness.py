"""Never silently stale: every dashboard says when its figures were computed and how many changes
they miss; a change recomputes them with a worker or without one (`make demo`: Celery eager, a
thread of the web process), and "Recompute now" shows its progress instead of blocking."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.urls import reverse

from core import services as core_services
from core.models import Job
from reporting import services
from reporting.models import DashboardSnapshot, FiguresChange
from tests.factories import ChildFactory, EHCPFactory, NeedTypeFactory, PlacementFactory

STALE = "1 change since these figures were computed"


@pytest.fixture
def placements(db):
    """Six INMSS placements at £36,000 a year since September 2025, computed once."""
    made = []
    for _ in range(6):
        child = ChildFactory(date_of_birth=dt.date(2013, 5, 1), district="Northvale")
        EHCPFactory(child=child, primary_need=NeedTypeFactory(code="ASD"))
        made.append(
            PlacementFactory(
                child=child,
                start_date=dt.date(2025, 9, 1),
                end_date=None,
                annual_cost=Decimal("36000.00"),
                additional_cost=Decimal("0.00"),
                attendance_pattern="day",
            )
        )
    services.snapshots_recompute()
    return made


def _change_fee(client, placement, annual_cost: str):
    response = client.post(
        reverse("placements:placement_change", args=[placement.pk]),
        {
            "version": placement.version,
            "end_date": "",
            "attendance_pattern": "day",
            "annual_cost": annual_cost,
            "additional_cost": "0.00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _spend() -> float:
    return DashboardSnapshot.objects.filter(dashboard="headline").latest().data["inmss_spend_fy"]


def _wait_for_recomputes(timeout: float = 90) -> list[Job]:
    """Every recompute job finished (the background thread or the worker ran it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = list(Job.objects.filter(kind="recompute"))
        if jobs and all(job.finished for job in jobs):
            return jobs
        time.sleep(0.2)
    pytest.fail(f"The recompute did not finish: {list(Job.objects.filter(kind='recompute'))}")


@contextlib.contextmanager
def background_held() -> Iterator[None]:
    """Jobs run in the background wait until the block ends: the page is read while the change
    is not in the figures yet, however fast the machine."""
    with core_services._IN_BACKGROUND:
        yield


@pytest.fixture
def threads_share_the_database():
    """A recompute in a thread of the process needs a database other threads can write beside:
    the tests' in-memory SQLite database locks whole tables between threads (the demo's SQLite
    file does not). tests/reporting/sqlite_background.py runs this on a real file."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Threads cannot share the tests' in-memory SQLite database")


@pytest.fixture
def without_a_worker(settings, threads_share_the_database):
    """What `make demo` runs: Celery eager, recomputes on change in a thread of the process."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REPORTING_RECOMPUTE_ON_CHANGE = True
    settings.REPORTING_RECOMPUTE_IN_BACKGROUND = True
    settings.REPORTING_RECOMPUTE_DEBOUNCE_SECONDS = 0


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_a_fee_change_is_shown_as_missing_then_recomputed(
    placements, without_a_worker, commissioner_client, manager_client
):
    before = _spend()
    with background_held():
        started = time.monotonic()
        _change_fee(commissioner_client, placements[0], "72000.00")
        assert time.monotonic() - started < 5, "the save waited for the recompute"

        for url in ("/dashboards/", "/dashboards/spend/", "/dashboards/sufficiency/"):
            page = manager_client.get(url).content.decode()
            assert STALE in page, url
            assert "A recompute starts within a minute." in page, url
            assert "computed at" in page, url
        assert FiguresChange.objects.count() == 1
        assert Job.objects.get(kind="recompute").status == "queued"

    _wait_for_recomputes()
    assert _spend() > before
    for url in ("/dashboards/", "/dashboards/spend/", "/dashboards/sufficiency/"):
        page = manager_client.get(url).content.decode()
        assert "since these figures were computed" not in page, url
    assert not FiguresChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_many_changes_at_once_make_one_recompute_and_are_counted(
    placements, without_a_worker, commissioner_client, manager_client
):
    with background_held():
        for placement, fee in zip(
            placements[:3], ("40000.00", "41000.00", "42000.00"), strict=True
        ):
            _change_fee(commissioner_client, placement, fee)
        page = manager_client.get("/dashboards/spend/").content.decode()
        assert "3 changes since these figures were computed: they are not in them yet" in page
        assert Job.objects.filter(kind="recompute").count() == 1

    jobs = _wait_for_recomputes()
    assert [job.status for job in jobs] == ["succeeded"]
    assert "since these figures" not in manager_client.get("/dashboards/spend/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_manager_sees_the_notice_and_recomputes_now_with_its_progress_shown(
    placements, settings, commissioner_client, manager_client, threads_share_the_database
):
    """No recompute on change (it is a switch): the notice stays until someone recomputes."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REPORTING_RECOMPUTE_IN_BACKGROUND = True
    settings.REPORTING_RECOMPUTE_ON_CHANGE = False
    before = _spend()
    _change_fee(commissioner_client, placements[0], "72000.00")
    page = manager_client.get("/dashboards/spend/?fy=2026").content.decode()
    assert STALE in page
    assert "Recompute now" in page
    assert 'name="next" value="/dashboards/spend/?fy=2026"' in page

    with background_held():
        started = time.monotonic()
        response = manager_client.post(
            reverse("reporting:recompute"), {"next": "/dashboards/spend/?fy=2026"}
        )
        assert time.monotonic() - started < 5, "Recompute now waited for the recompute"
        job = Job.objects.get(kind="recompute")
        assert response.url == (
            f"/dashboards/recompute/{job.pk}/?next=%2Fdashboards%2Fspend%2F%3Ffy%3D2026"
        )
        progress = manager_client.get(response.url).content.decode()
        assert "<progress" in progress
        assert 'hx-trigger="every 1s"' in progress

    _wait_for_recomputes()
    done = manager_client.get(response.url).content.decode()
    assert "Recomputed 8 dashboards" in done
    assert 'href="/dashboards/spend/?fy=2026"' in done
    assert _spend() > before
    assert STALE not in manager_client.get("/dashboards/spend/?fy=2026").content.decode()


def test_recompute_now_returns_only_to_a_page_of_this_site(manager_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = manager_client.post(
        reverse("reporting:recompute"), {"next": "https://elsewhere.example/"}
    )
    assert response.url.endswith("?next=%2Fdashboards%2F")


@pytest.mark.django_db(transaction=True)
def test_a_recompute_whose_thread_stopped_does_not_block_the_next(
    placements, without_a_worker, manager
):
    """A restart of `make demo` loses the thread: no beat reaps the job without a worker, so
    the next recompute does."""
    silent = timezone_ago(seconds=600)
    lost = Job.objects.create(
        kind="recompute", key="requested", status="running", started_at=silent, heartbeat_at=silent
    )
    start = services.recompute_request(user=manager)
    assert start.started
    lost.refresh_from_db()
    assert lost.status == "failed"
    _wait_for_recomputes()


def timezone_ago(*, seconds: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_a_worker_a_fee_change_is_shown_as_missing_then_recomputed(
    placements, settings, commissioner_client, manager_client, celery_worker_process
):
    settings.REPORTING_RECOMPUTE_ON_CHANGE = True
    settings.REPORTING_RECOMPUTE_DEBOUNCE_SECONDS = 5  # long enough to read the page first
    before = _spend()
    _change_fee(commissioner_client, placements[0], "72000.00")
    page = manager_client.get("/dashboards/spend/").content.decode()
    assert STALE in page

    _wait_for_recomputes()
    assert _spend() > before
    assert "since these figures" not in manager_client.get("/dashboards/spend/").content.decode()
    page = manager_client.get("/dashboards/").content.decode()
    assert "since these figures" not in page
