"""The dashboards through real layers: the `report` names, stored snapshots, the pages, their
downloads and suppression, "recompute now" and the recompute scheduled after a change."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import load_workbook

from core.models import AuditEvent, Job
from placements import services as placement_services
from reporting import services, tasks
from reporting.dashboards import DASHBOARDS
from reporting.models import DashboardSnapshot, FiguresChange
from tests.factories import (
    BudgetLineFactory,
    ChildFactory,
    EHCPFactory,
    NeedTypeFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 3, 31)  # the last day of FY 2024


def _child(need: str):
    child = ChildFactory(date_of_birth=dt.date(2013, 5, 1), district="Northvale")
    EHCPFactory(child=child, primary_need=NeedTypeFactory(code=need))
    return child


@pytest.fixture
def county():
    """FY 2024 (365 days). Alder (INMSS, in Wealdshire): 6 ASD children all year at £36,500.
    Birch (INMSS, in Kent): 1 SEMH child from 1 October (182 days) at £73,000 = £36,400.
    Oakfield (maintained special): 2 ASD children all year at £18,250. Every child is in Year 7."""
    alder = ProviderFactory(name="Alder School")
    birch = ProviderFactory(name="Birch School", local_authority="Kent")
    oakfield = ProviderFactory(
        name="Oakfield School", establishment_type="Community special school"
    )
    for _ in range(6):
        PlacementFactory(
            child=_child("ASD"),
            provider=alder,
            start_date=dt.date(2023, 9, 1),
            annual_cost=Decimal("36500"),
        )
    PlacementFactory(
        child=_child("SEMH"),
        provider=birch,
        start_date=dt.date(2024, 10, 1),
        annual_cost=Decimal("70000"),
        additional_cost=Decimal("3000"),
    )
    for _ in range(2):
        PlacementFactory(
            child=_child("ASD"),
            provider=oakfield,
            start_date=dt.date(2024, 4, 1),
            annual_cost=Decimal("18250"),
        )
    BudgetLineFactory(financial_year=2024, line="INMSS placements", amount=Decimal("300000"))
    return {"alder": alder, "birch": birch, "oakfield": oakfield}


def _report(*args: str):
    out = StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def _json(*args: str):
    return json.loads(_report(*args, "--format", "json"))


# --- The report command ---------------------------------------------------------------


def test_spend_report_per_need_and_setting_group(county):
    assert _json("spend", "--fy", "2024") == [
        {
            "need": "ASD",
            "setting_group": "inmss",
            "children": 6,
            "placements": 6,
            "spend": 219000.0,
            "avg_annual_cost": 36500.0,
        },
        {
            "need": "ASD",
            "setting_group": "special",
            "children": 2,
            "placements": 2,
            "spend": 36500.0,
            "avg_annual_cost": 18250.0,
        },
        {
            "need": "SEMH",
            "setting_group": "inmss",
            "children": 1,
            "placements": 1,
            "spend": 36400.0,
            "avg_annual_cost": 73000.0,
        },
    ]


def test_spend_report_suppressed_and_as_csv(county):
    rows = _json("spend", "--fy", "2024", "--suppress")
    # Counts to the nearest 5, money to the nearest £5,000 (docs/security.md).
    assert (rows[0]["children"], rows[0]["placements"], rows[0]["spend"]) == (5, 5, 220000)
    assert rows[1] == {
        "need": "ASD",
        "setting_group": "special",
        "children": "c",
        "placements": "c",
        "spend": "c",
        "avg_annual_cost": "c",
    }

    lines = _report("spend", "--fy", "2024", "--format", "csv").splitlines()
    assert lines[0] == "need,setting_group,children,placements,spend,avg_annual_cost"
    assert lines[1] == "ASD,inmss,6,6,219000.00,36500.00"


def test_spend_report_as_of_a_date_inside_the_year(county):
    # On 30 September 2024 the SEMH child has not started: spend is still the whole year's.
    rows = _json("spend", "--fy", "2024", "--as-of", "2024-09-30")
    semh = next(row for row in rows if row["need"] == "SEMH")
    assert semh == {
        "need": "SEMH",
        "setting_group": "inmss",
        "children": 1,
        "placements": 0,
        "spend": 36400.0,
        "avg_annual_cost": None,
    }


def test_concentration_report_top_n_with_share_of_inmss_spend(county):
    assert _json("concentration", "--fy", "2024", "--top", "1") == [
        {
            "rank": 1,
            "urn": county["alder"].urn,
            "provider": "Alder School",
            "spend": 219000.0,
            "children": 6,
            "placements": 6,
            "avg_annual_cost": 36500.0,
            "share": 0.8575,  # 219,000 of 255,400
        }
    ]


def test_ncy_inmss_share_budget_and_new_placements_reports(county):
    assert _json("ncy", "--fy", "2024") == [
        {"ncy": 7, "setting_group": "inmss", "placements": 7},
        {"ncy": 7, "setting_group": "special", "placements": 2},
    ]
    assert _json("inmss-share", "--as-of", "2025-03-31") == [
        {"inmss_placements": 7, "ehcps": 9, "share": 0.7778}
    ]
    assert _json("budget", "--fy", "2024") == [
        {
            "line": "INMSS placements",
            "budget": 300000.0,
            "spent_to_date": 255400.0,
            "committed": 0.0,
            "spend_in_year": 255400.0,
            "agreed_not_started": 0.0,
            "forecast_outturn": 255400.0,
            "variance": -44600.0,
        },
        {
            "line": "Spend with no budget line (Maintained or academy special)",
            "budget": None,
            "spent_to_date": 36500.0,
            "committed": 0.0,
            "spend_in_year": 36500.0,
            "agreed_not_started": 0.0,
            "forecast_outturn": 36500.0,
            "variance": None,
        },
    ]
    assert _json("new-placements", "--fy", "2024") == [
        {
            "setting_group": "inmss",
            "new_placements": 1,
            "in_area": 0,
            "out_of_area": 1,
            "avg_annual_cost": 73000.0,
            "median_annual_cost": 73000.0,
        },
        {
            "setting_group": "special",
            "new_placements": 2,
            "in_area": 2,
            "out_of_area": 0,
            "avg_annual_cost": 18250.0,
            "median_annual_cost": 18250.0,
        },
    ]


# --- Snapshots and pages ------------------------------------------------------------


@pytest.fixture
def computed(county):
    return services.snapshots_recompute(as_of=AS_OF)


def test_recompute_stores_one_snapshot_per_dashboard(computed):
    stored = set(DashboardSnapshot.objects.filter(as_of=AS_OF).values_list("dashboard", flat=True))
    assert stored == {"headline", "sufficiency", *(d.slug for d in DASHBOARDS)}
    spend = DashboardSnapshot.objects.get(dashboard="spend").data
    assert spend["by_year"]["2024"]["figures"]["spend"] == 291900.0


def test_index_lists_every_dashboard_and_the_nav_links_it(computed, manager_client):
    page = manager_client.get("/dashboards/").content.decode()
    for dashboard in DASHBOARDS:
        assert f'href="/dashboards/{dashboard.slug}/"' in page
    assert "6. Sufficiency" in page
    assert 'href="/dashboards/"' in manager_client.get("/").content.decode()


@pytest.mark.parametrize("slug", [d.slug for d in DASHBOARDS])
def test_each_dashboard_shows_figures_tables_charts_and_downloads(computed, manager_client, slug):
    response = manager_client.get(f"/dashboards/{slug}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Figures as of 31 March 2025, computed at" in page
    assert 'class="app-figures"' in page
    assert f"/dashboards/{slug}/" in page
    assert ".csv" in page
    assert ".xlsx" in page


def test_manager_sees_small_numbers_suppressed_and_an_officer_sees_them(
    computed, manager_client, officer_client
):
    manager_page = manager_client.get("/dashboards/spend/?fy=2024&group=special").content.decode()
    officer_page = officer_client.get("/dashboards/spend/?fy=2024&group=special").content.decode()

    assert ">c</td>" in manager_page
    assert "£18,250" not in manager_page
    assert "£18,250" in officer_page


def test_filters_pick_the_year_and_setting_group(computed, officer_client):
    page = officer_client.get("/dashboards/spend/?fy=2024&group=inmss&need=SEMH").content.decode()

    assert "£36,400" in page  # SEMH at Birch
    assert "£219,000" not in page  # the ASD row is filtered out
    assert "showing 2024-25" in page


def test_a_bad_filter_is_explained_not_a_crash(computed, manager_client):
    response = manager_client.get("/dashboards/providers/?fy=1999&top=abc")

    assert response.status_code == 400
    assert "Select one of the choices in the list" in response.content.decode()


def test_download_csv_and_xlsx_suppress_for_managers(computed, manager_client, officer_client):
    url = "/dashboards/spend/need_group.csv?fy=2024"
    manager_rows = list(
        csv.reader(
            io.StringIO(b"".join(manager_client.get(url).streaming_content).decode("utf-8-sig"))
        )
    )
    officer_rows = list(
        csv.reader(
            io.StringIO(b"".join(officer_client.get(url).streaming_content).decode("utf-8-sig"))
        )
    )

    assert manager_rows[0] == [
        "Need",
        "Setting group",
        "Children",
        "Placements active",
        "Spend in the year",
        "Average annual cost",
    ]
    special = "Maintained or academy special"
    assert [r for r in manager_rows if r[1] == special][0][2:] == ["c", "c", "c", "c"]
    assert [r for r in officer_rows if r[1] == special][0][2:] == [
        "2",
        "2",
        "36500.00",
        "18250.00",
    ]

    response = manager_client.get("/dashboards/providers/concentration.xlsx?fy=2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Rank", "URN", "Provider")
    # Birch's spend is hidden (one child); Alder's with it, or the INMSS spend on the page
    # minus Alder's would give Birch's. Neither keeps a rank between figures shown.
    assert [row[2] for row in rows[1:]] == ["Alder School", "Birch School"]
    assert [(row[0], row[3], row[4]) for row in rows[1:]] == [("c", "c", "c")] * 2


def test_a_dashboard_download_is_audited_as_an_export(computed, manager_client):
    response = manager_client.get("/dashboards/spend/need_group.xlsx?fy=2024")
    refused = manager_client.get("/dashboards/spend/no_such_table.csv")

    assert response.status_code == 200
    assert refused.status_code == 404
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.object_type) == (
        "manager",
        AuditEvent.Action.EXPORT,
        "dashboard_table",
    )
    assert event.label.startswith("spend-need_group-as-of-")
    assert event.label in response["Content-Disposition"]
    assert event.path == "/dashboards/spend/need_group.xlsx?fy=2024"


def test_casework_roles_drill_down_to_the_placements_register(
    computed, officer_client, manager_client
):
    officer_page = officer_client.get("/dashboards/spend/?fy=2024").content.decode()
    manager_page = manager_client.get("/dashboards/spend/?fy=2024").content.decode()

    assert "/placements/?active_on=2025-03-31&amp;group=inmss" in officer_page
    # Each setting group row of the table leads to its placements too.
    assert "/placements/?active_on=2025-03-31&amp;group=special" in officer_page
    assert "/placements/?" not in manager_page
    assert 'href="#table-need_group"' in manager_page


@pytest.mark.parametrize("slug", [d.slug for d in DASHBOARDS])
def test_a_dashboard_page_reads_only_its_snapshot_whatever_the_data_size(
    county, manager_client, django_assert_max_num_queries, slug
):
    services.snapshots_recompute(as_of=AS_OF)
    manager_client.get("/session/")  # renews the session, written once a minute at most
    with django_assert_max_num_queries(12) as small:
        manager_client.get(f"/dashboards/{slug}/")
    for _ in range(30):
        PlacementFactory(
            child=_child("MLD"), provider=county["birch"], start_date=dt.date(2024, 5, 1)
        )
    services.snapshots_recompute(as_of=AS_OF)
    with django_assert_max_num_queries(12) as large:
        manager_client.get(f"/dashboards/{slug}/")

    assert len(large.captured_queries) == len(small.captured_queries)
    sql = " ".join(query["sql"] for query in large.captured_queries)
    for table in (
        "placements_placement",
        "placements_ehcp",
        "panel_panelrequest",
        "dps_consultation",
    ):
        assert table not in sql


def test_no_snapshot_yet_says_so(manager_client):
    page = manager_client.get("/dashboards/budget/").content.decode()
    assert "have not been computed yet" in page


# --- Recompute now, failures and the debounced recompute ------------------------------------


def test_recompute_now_runs_a_job_whose_progress_page_shows_success(
    county, manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/dashboards/recompute/")

    job = Job.objects.get(kind="recompute")
    assert response.url == f"/dashboards/recompute/{job.pk}/?next=%2Fdashboards%2F"
    assert job.status == "succeeded"
    assert "Recomputed 8 dashboards" in manager_client.get(response.url).content.decode()
    assert DashboardSnapshot.objects.filter(dashboard="budget").exists()


def test_a_failed_recompute_job_shows_its_error_and_keeps_the_previous_figures(
    computed, manager_client, monkeypatch, django_capture_on_commit_callbacks
):
    before = DashboardSnapshot.objects.get(dashboard="spend", as_of=AS_OF)

    def broken(frames, as_of):
        raise RuntimeError("the metric failed half-way")

    monkeypatch.setitem(services.DASHBOARDS, "providers", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/dashboards/recompute/")

    job = Job.objects.get(kind="recompute")
    assert job.status == "failed"
    page = manager_client.get(response.url).content.decode()
    assert "The recompute failed" in page
    assert "the metric failed half-way" in page
    # Nothing of the failed recompute was written: not even the dashboards computed before it.
    assert set(DashboardSnapshot.objects.values_list("as_of", flat=True)) == {AS_OF}
    assert (
        DashboardSnapshot.objects.get(dashboard="spend", as_of=AS_OF).computed_at
        == before.computed_at
    )
    assert "failed" in manager_client.get("/dashboards/").content.decode()


@override_settings(REPORTING_RECOMPUTE_ON_CHANGE=True)
def test_changes_schedule_one_recompute_a_minute_later(
    county, commissioner, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.run_recompute_job, "apply_async", lambda **kw: queued.append(kw))
    placement = PlacementFactory(
        child=_child("ASD"), provider=county["alder"], start_date=dt.date(2025, 1, 6)
    )

    for cost in ("40000", "41000"):
        with django_capture_on_commit_callbacks(execute=True):
            placement = placement_services.placement_update(
                placement=placement,
                version=placement.version,
                annual_cost=Decimal(cost),
                user=commissioner,
            )

    job = Job.objects.get(kind="recompute")
    assert job.status == "queued"
    assert queued == [{"args": [job.pk], "countdown": 60, "queue": "celery"}]


@override_settings(REPORTING_RECOMPUTE_ON_CHANGE=True)
def test_fee_and_uplift_decisions_in_the_dps_screens_schedule_a_recompute(
    county, commissioner, monkeypatch, django_capture_on_commit_callbacks
):
    from dps import market_services
    from tests.factories import FeeScheduleFactory, UpliftRequestFactory

    queued = []
    monkeypatch.setattr(tasks.run_recompute_job, "apply_async", lambda **kw: queued.append(kw))
    fee = FeeScheduleFactory(provider=county["alder"])
    with django_capture_on_commit_callbacks(execute=True):
        market_services.fee_schedule_update(
            fee_id=fee.pk, version=fee.version, annual_fee=Decimal("41000"), user=commissioner
        )
    assert len(queued) == 1

    Job.objects.filter(kind="recompute").delete()
    uplift = UpliftRequestFactory(provider=county["alder"], requested_percent=Decimal("2.00"))
    with django_capture_on_commit_callbacks(execute=True):
        market_services.uplift_decide(
            uplift_id=uplift.pk,
            version=uplift.version,
            outcome="rejected",
            decided_on=uplift.received_on or dt.date(2025, 9, 1),
            cost_breakdown="",
            user=commissioner,
        )
    assert len(queued) == 2


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_only_one_recompute_runs_at_a_time(county, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.run_recompute_job, "apply_async", lambda **kw: queued.append(kw))
    running = Job.objects.create(
        kind="recompute", status="running", started_at=dt.datetime.now(dt.UTC)
    )
    waiting = Job.objects.create(kind="recompute")

    assert services.recompute_job_run(job_id=waiting.pk) is False

    waiting.refresh_from_db()
    assert waiting.status == "queued"
    assert queued == [{"args": [waiting.pk], "countdown": 60, "queue": "celery"}]
    running.delete()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_recompute_now_on_a_real_celery_worker(county, manager, celery_worker_process):
    import time

    job = services.recompute_request(user=manager).job
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.5)

    assert job.status == "succeeded", job.error
    assert DashboardSnapshot.objects.filter(dashboard="providers").exists()


@override_settings(REPORTING_RECOMPUTE_ON_CHANGE=True)
def test_a_panel_decision_schedules_a_recompute(
    county, commissioner, monkeypatch, django_capture_on_commit_callbacks
):
    from panel import services as panel_services
    from tests.factories import PanelRequestFactory

    queued = []
    monkeypatch.setattr(tasks.run_recompute_job, "apply_async", lambda **kw: queued.append(kw))
    item = PanelRequestFactory(provider=county["alder"])

    with django_capture_on_commit_callbacks(execute=True):
        panel_services.decision_record(
            request_id=item.pk,
            version=item.version,
            outcome="agreed",
            agreed_cost=None,
            user=commissioner,
        )

    job = Job.objects.get(kind="recompute", status="queued")
    assert queued == [{"args": [job.pk], "countdown": 60, "queue": "celery"}]
    assert "decided" in job.result["reason"]


@override_settings(REPORTING_RECOMPUTE_ON_CHANGE=False)
def test_with_the_recompute_on_change_switched_off_a_change_is_only_recorded(
    county, commissioner, django_capture_on_commit_callbacks
):
    """The pages still say the figures miss it (tests/reporting/test_freshness.py)."""
    placement = PlacementFactory(
        child=_child("ASD"), provider=county["alder"], start_date=dt.date(2025, 1, 6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        placement_services.placement_withdraw(
            placement=placement, version=placement.version, user=commissioner
        )

    assert not Job.objects.filter(kind="recompute").exists()
    assert list(FiguresChange.objects.values_list("what", flat=True)) == [
        f"placement {placement.pk} withdrawn"
    ]


def test_an_empty_database_recomputes_and_every_page_says_there_is_nothing(manager_client):
    services.snapshots_recompute(as_of=AS_OF)

    for dashboard in DASHBOARDS:
        response = manager_client.get(f"/dashboards/{dashboard.slug}/")
        assert response.status_code == 200
    assert (
        "Nothing to show for these filters."
        in manager_client.get("/dashboards/spend/").content.decode()
    )
    assert _json("spend", "--fy", "2024") == []
    assert _json("inmss-share", "--fy", "2024") == [
        {"inmss_placements": 0, "ehcps": 0, "share": None}
    ]
