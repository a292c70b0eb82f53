"""The home page shows each role what is waiting, from stored snapshots; recompute keeps old ones on failure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from reporting import services
from reporting.models import DashboardSnapshot
from reporting.tasks import recompute_dashboards
from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    MeetingFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    """Two INMSS placements active today among three issued EHCPs, an overdue consultation and
    an upcoming panel with one undecided request: the things the home page must surface."""
    today = timezone.localdate()
    inmss = ProviderFactory(establishment_type="Other independent special school")
    children = [ChildFactory() for _ in range(3)]
    for child in children:
        EHCPFactory(
            child=child,
            request_date=today - dt.timedelta(days=400),
            issue_date=today - dt.timedelta(days=300),
            ceased_date=None,
            status="issued",
        )
    for child in children[:2]:
        PlacementFactory(
            child=child,
            provider=inmss,
            start_date=today - dt.timedelta(days=100),
            end_date=None,
            annual_cost=Decimal("36000"),
            additional_cost=Decimal("2000"),
        )
    ConsultationFactory(
        child=children[2],
        provider=inmss,
        sent_on=today - dt.timedelta(days=20),
        due_on=today - dt.timedelta(days=5),
        response="awaiting",
    )
    meeting = MeetingFactory(date=today + dt.timedelta(days=7))
    PanelRequestFactory(meeting=meeting, child=children[2], outcome="")
    return {"today": today, "children": children, "meeting": meeting}


def test_recompute_stores_the_headline_figures(county):
    services.snapshots_recompute()

    snapshot = DashboardSnapshot.objects.get(dashboard="headline", as_of=county["today"])
    assert snapshot.data["inmss_placements"] == 2
    assert snapshot.data["ehcps"] == 3
    assert snapshot.data["inmss_share"] == pytest.approx(0.6667)
    assert snapshot.data["inmss_avg_annual_cost"] == 38000.0


def test_officer_home_shows_overdue_consultations_and_next_panel(county, officer_client):
    page = officer_client.get("/").content.decode()

    overdue_child = county["children"][2]
    assert "Consultations overdue" in page
    assert overdue_child.full_name in page
    assert str(county["meeting"]) in page


def test_manager_home_shows_figures_but_no_names(county, manager_client):
    services.snapshots_recompute()

    page = manager_client.get("/").content.decode()

    assert "INMSS placements active" in page
    for child in county["children"]:
        assert child.last_name not in page
    assert "Consultations overdue" not in page


def test_home_page_reads_snapshots_and_does_not_compute(
    county, manager_client, django_assert_max_num_queries
):
    services.snapshots_recompute()

    with django_assert_max_num_queries(10) as queries:
        manager_client.get("/")

    tables_read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "placements_placement" not in tables_read
    assert "placements_ehcp" not in tables_read


def test_a_failed_recompute_keeps_the_previous_snapshot(county, monkeypatch):
    services.snapshots_recompute()
    before = DashboardSnapshot.objects.get(dashboard="headline")

    def broken(frames, as_of):
        raise RuntimeError("the metric failed half-way")

    monkeypatch.setitem(services.DASHBOARDS, "headline", broken)
    with pytest.raises(RuntimeError):
        services.snapshots_recompute()

    after = DashboardSnapshot.objects.get(dashboard="headline")
    assert after.computed_at == before.computed_at
    assert after.data == before.data


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_recompute_runs_on_a_real_celery_worker(county, celery_worker_process):
    result = recompute_dashboards.delay(county["today"].isoformat())

    assert result.get(timeout=60) == len(services.DASHBOARDS)
    snapshot = DashboardSnapshot.objects.get(dashboard="headline", as_of=county["today"])
    assert snapshot.data["inmss_placements"] == 2


def test_small_headline_counts_are_suppressed_for_managers_only(
    county, manager_client, officer_client
):
    services.snapshots_recompute()  # 2 INMSS placements: a small number

    manager_page = manager_client.get("/").content.decode()
    officer_page = officer_client.get("/").content.decode()

    assert '<span class="app-figure__value">c</span>' in manager_page
    assert "£38,000" not in manager_page
    assert '<span class="app-figure__value">2</span>' in officer_page
