"""One click, one job: a post while the same job (the same census date's SEN2 check, the same
checked file's import, a "recompute now", a person's register download) is queued or running
leads to that job's page, saying so, instead of starting another; posts at the same moment make
exactly one job (a partial unique constraint on Job (kind, key) over unfinished jobs,
core.services.job_start_once). Threads at once: PostgreSQL here, SQLite through a real file
in tests/core/test_sqlite_concurrency.py's way (tests/core/sqlite_job_clicks.py)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from core.services import WORKER_DIED, job_claim, job_start_once
from imports.models import ImportRecord
from reporting import services as reporting_services
from tests.core import job_clicks
from tests.sqlite_file import run_on_sqlite_file

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def on_commit_run():
    """Commit callbacks (sending the task) run as a real commit would, inside the test's
    transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def _start(key: str = "2026-01-15", kind: str = "sen2"):
    """job_start_once, its commit callbacks run as a real commit would; and what it sent."""
    sent: list[int] = []
    with on_commit_run():
        start = job_start_once(
            kind=kind, key=key, user=None, result={}, schedule=lambda job: sent.append(job.pk)
        )
    return start, sent


# --- The rule, on either database -------------------------------------------------------


@pytest.mark.django_db
def test_a_job_of_the_same_key_queued_or_running_is_given_back_and_nothing_is_sent():
    first, sent = _start()
    again, sent_again = _start()
    assert first.started
    assert not again.started
    assert again.job == first.job
    assert (sent, sent_again) == ([first.job.pk], [])

    Job.objects.filter(pk=first.job.pk).update(status=Job.Status.RUNNING)
    assert _start()[0].job == first.job
    assert _start(key="2025-01-16")[0].started  # another key: its own job
    assert _start(kind="register-export")[0].started  # another kind: its own job


@pytest.mark.django_db
def test_a_finished_job_does_not_count_a_new_one_starts():
    first, _ = _start()
    Job.objects.filter(pk=first.job.pk).update(status=Job.Status.SUCCEEDED)
    second, sent = _start()
    assert second.started
    assert second.job != first.job
    assert sent == [second.job.pk]
    Job.objects.filter(pk=second.job.pk).update(status=Job.Status.FAILED)
    assert _start()[0].started


@pytest.mark.django_db
def test_the_database_refuses_a_second_unfinished_job_of_a_key():
    Job.objects.create(kind="sen2", key="2026-01-15")
    Job.objects.create(kind="sen2", key="2026-01-15", status=Job.Status.SUCCEEDED)
    Job.objects.create(kind="sen2")  # no key: not covered
    Job.objects.create(kind="sen2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="sen2", key="2026-01-15", status=Job.Status.RUNNING)


@pytest.mark.django_db
def test_a_late_redelivery_of_a_dead_job_whose_key_was_taken_since_does_nothing():
    dead = Job.objects.create(
        kind="sen2", key="2026-01-15", status=Job.Status.FAILED, error=WORKER_DIED
    )
    again, _ = _start()
    assert again.started

    assert job_claim(job_id=dead.pk) is None

    dead.refresh_from_db()
    assert dead.status == Job.Status.FAILED


# --- The pages, one click after another ---------------------------------------------------------


@pytest.mark.django_db
def test_a_second_sen2_check_of_the_same_date_while_one_runs_leads_to_it(commissioner_client):
    url = reverse("placements:sen2_return")
    with job_clicks.tasks_held() as sent, on_commit_run():
        first = commissioner_client.post(url, {"census_date": "2026-01-15"})
        Job.objects.filter(kind="sen2").update(status=Job.Status.RUNNING)
        second = commissioner_client.post(url, {"census_date": "2026-01-15"}, follow=True)
        other_date = commissioner_client.post(url, {"census_date": "2025-01-16"})

    assert second.redirect_chain[-1][0] == first["Location"]
    assert "A check of the return for 15 January 2026 is already running" in second.content.decode()
    assert other_date["Location"] != first["Location"]
    assert Job.objects.filter(kind="sen2").count() == 2
    assert [name for name, _ in sent] == ["sen2", "sen2"]


@pytest.mark.django_db
def test_recompute_now_while_one_runs_says_so_and_shows_its_progress(manager_client):
    url = reverse("reporting:recompute")
    with job_clicks.tasks_held() as sent, on_commit_run():
        first = manager_client.post(url)
        Job.objects.filter(kind="recompute").update(
            status=Job.Status.RUNNING, started_at=timezone.now()
        )
        second = manager_client.post(url, follow=True)

    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "A recompute is already running: this is its progress." in second.content.decode()
    assert Job.objects.filter(kind="recompute").count() == 1
    assert len(sent) == 1


@pytest.mark.django_db
def test_recompute_now_runs_a_recompute_a_data_change_left_waiting(manager):
    waiting = reporting_services.recompute_schedule(reason="placement 1 updated")
    with job_clicks.tasks_held() as sent, on_commit_run():
        start = reporting_services.recompute_request(user=manager)
    assert start.job == waiting
    assert not start.started
    assert sent == [("recompute", waiting.pk)]


@pytest.mark.django_db
def test_a_recompute_sent_twice_at_once_runs_once_and_the_second_is_no_error(manager):
    job = Job.objects.create(
        kind="recompute", status=Job.Status.RUNNING, heartbeat_at=timezone.now()
    )
    assert reporting_services.recompute_job_run(job_id=job.pk) is False


@pytest.mark.django_db
def test_a_second_register_download_while_one_is_written_leads_to_it(
    commissioner_client, officer_client
):
    url = reverse("placements:placement_export_start")
    with job_clicks.tasks_held(), on_commit_run():
        first = commissioner_client.post(url)
        second = commissioner_client.post(url, follow=True)
        someone_else = officer_client.post(url)

    assert second.redirect_chain[-1][0] == first["Location"]
    assert "Your register download is already being written" in second.content.decode()
    assert someone_else["Location"] != first["Location"]


@pytest.mark.django_db
def test_importing_a_checked_file_twice_makes_one_import(
    commissioner, commissioner_client, settings
):
    checked = job_clicks.checked_file(commissioner, Path(settings.MEDIA_ROOT))
    url = reverse("imports:confirm", args=[checked.pk])
    with job_clicks.tasks_held() as sent, on_commit_run():
        first = commissioner_client.post(url)
        second = commissioner_client.post(url, follow=True)
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "This file is already being imported" in second.content.decode()
    assert len(sent) == 1

    job = Job.objects.get(pk=sent[0][1])
    from imports.services import import_job_run

    import_job_run(job_id=job.pk)
    third = commissioner_client.post(url, follow=True)  # the Back button, then Import again
    assert third.redirect_chain[-1][0] == first["Location"]
    assert "This file has already been imported" in third.content.decode()
    assert ImportRecord.objects.filter(dry_run=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_import_again_after_the_import_succeeded_leads_to_it_and_starts_nothing(
    commissioner, commissioner_client, settings
):
    """Outside a test transaction, Celery eager: the import finishes within the first click."""
    checked = job_clicks.checked_file(commissioner, Path(settings.MEDIA_ROOT))
    url = reverse("imports:confirm", args=[checked.pk])
    first = commissioner_client.post(url)
    imported = ImportRecord.objects.get(stored_file=checked.stored_file, dry_run=False)
    assert imported.job is not None
    assert imported.job.status == Job.Status.SUCCEEDED
    assert imported.created == 3

    again = commissioner_client.post(url, follow=True)

    assert again.redirect_chain[-1][0] == first["Location"]
    assert "This file has already been imported" in again.content.decode()
    assert Job.objects.filter(kind="import", key=imported.job.key).count() == 1
    assert ImportRecord.objects.filter(dry_run=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_click_that_saw_no_import_just_before_it_succeeded_starts_none(
    commissioner, commissioner_client, settings
):
    """The race a tester met: a second post reads "not imported yet", the first import then
    commits and succeeds, and only then does the second post start its job. The check's
    confirmation, taken with the job's creation, turns it back to the import that was done."""
    from imports import services

    checked = job_clicks.checked_file(commissioner, Path(settings.MEDIA_ROOT))
    url = reverse("imports:confirm", args=[checked.pk])
    first = commissioner_client.post(url)
    real = services._confirmed_import
    reads = iter([None])  # the second post's first read is from before the first committed

    with mock.patch.object(
        services, "_confirmed_import", lambda record: next(reads, None) or real(record)
    ):
        late = commissioner_client.post(url, follow=True)

    assert late.redirect_chain[-1][0] == first["Location"]
    assert "This file has already been imported" in late.content.decode()
    assert Job.objects.filter(kind="import", key__startswith="import:").count() == 1
    assert ImportRecord.objects.filter(dry_run=False).count() == 1


@pytest.mark.django_db
def test_import_again_after_the_import_failed_leads_to_it_and_start_again_still_works(
    commissioner, commissioner_client, settings
):
    checked = job_clicks.checked_file(commissioner, Path(settings.MEDIA_ROOT))
    url = reverse("imports:confirm", args=[checked.pk])
    with job_clicks.tasks_held(), on_commit_run():
        first = commissioner_client.post(url)
    imports = Job.objects.filter(kind="import", key__startswith="import:")
    failed = imports.get()
    Job.objects.filter(pk=failed.pk).update(status=Job.Status.FAILED, error=WORKER_DIED)

    again = commissioner_client.post(url, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "The import of this file failed" in again.content.decode()
    assert imports.count() == 1

    with job_clicks.tasks_held() as sent, on_commit_run():
        restarted = commissioner_client.post(reverse("imports:restart", args=[failed.pk]))
    assert len(sent) == 1
    restart_url = restarted["Location"]
    assert restart_url != first["Location"]
    after_restart = commissioner_client.post(url, follow=True)  # leads to the job started again
    assert after_restart.redirect_chain[-1][0] == restart_url
    assert "This file is already being imported" in after_restart.content.decode()
    assert imports.count() == 2


@pytest.mark.django_db
def test_start_again_twice_makes_one_job_and_the_second_click_lands_on_it(
    commissioner, commissioner_client, settings
):
    failed = job_clicks.failed_import(commissioner, Path(settings.MEDIA_ROOT))
    url = reverse("imports:restart", args=[failed.pk])
    with job_clicks.tasks_held() as sent, on_commit_run():
        first = commissioner_client.post(url)
        second = commissioner_client.post(url, follow=True)
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "This import was already started again" in second.content.decode()
    assert len(sent) == 1
    assert (
        Job.objects.filter(kind="import", key=failed.key).count() == 2
    )  # the failed one and its restart


# --- At the same moment: threads, each on its own connection --------------------------------


def _one_job_for_every_click(outcome: dict, threads: int = job_clicks.THREADS) -> None:
    assert outcome["errors"] == [], "\n".join(outcome["errors"])
    assert outcome["jobs"] == 1, outcome
    assert len(outcome["answers"]) == threads
    assert {(status, location) for status, location, _ in outcome["answers"]} == {
        (302, outcome["urls"][0])
    }
    told = [shown for _, _, shown in outcome["answers"] if shown]
    assert len(told) == threads - 1, outcome["answers"]


THREADS_NEED_POSTGRES = (
    "threads at once on PostgreSQL only (the tests' SQLite database is in memory): SQLite is "
    "tested on a real file by test_clicks_at_once_on_a_sqlite_file"
)


@pytest.mark.skipif(not ON_POSTGRES, reason=THREADS_NEED_POSTGRES)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scenario", ["sen2_posts", "register_exports", "recompute_clicks"])
def test_clicks_at_once_make_one_job_on_postgresql(scenario, commissioner):
    with job_clicks.tasks_held() as sent:
        outcome = getattr(job_clicks, scenario)(commissioner)
    _one_job_for_every_click(outcome)
    assert len(sent) == 1


@pytest.mark.skipif(not ON_POSTGRES, reason=THREADS_NEED_POSTGRES)
@pytest.mark.django_db(transaction=True)
def test_import_confirms_and_restarts_at_once_make_one_job_on_postgresql(commissioner, settings):
    checked = job_clicks.checked_file(commissioner, Path(settings.MEDIA_ROOT))
    failed = job_clicks.failed_import(commissioner, Path(settings.MEDIA_ROOT))
    with job_clicks.tasks_held() as sent:
        confirms = job_clicks.import_confirms(commissioner, checked)
        restarts = job_clicks.import_restarts(commissioner, failed)
    _one_job_for_every_click(confirms)
    _one_job_for_every_click(restarts)
    assert len(sent) == 2


@pytest.mark.skipif(not ON_POSTGRES, reason=THREADS_NEED_POSTGRES)
@pytest.mark.django_db(transaction=True)
def test_import_confirms_at_once_while_the_import_finishes_make_one_import_on_postgresql(
    commissioner, settings
):
    """Celery eager: the first click's import of 3 rows finishes within its request, while the
    other clicks land one after another over a fraction of a second (before, during and just
    after it). Several rounds, each a new checked file."""
    for round_number in range(6):
        checked = job_clicks.checked_file(commissioner, Path(settings.MEDIA_ROOT))
        confirms = job_clicks.import_confirms(commissioner, checked, threads=10, spread=0.4)
        _one_job_for_every_click(confirms, threads=10)
        assert confirms["statuses"] == ["succeeded"]
        assert confirms["created"] == [3 if round_number == 0 else 0]  # the same 3 children
        jobs_of_the_file = Job.objects.filter(
            kind="import", key=f"import:{checked.stored_file}"
        ).count()
        assert jobs_of_the_file == 1


# --- SQLite: a real file, threads in a subprocess ---------------------------------------------


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite locking only: the tests run on PostgreSQL")
def test_clicks_at_once_on_a_sqlite_file(tmp_path):
    """As `make demo` runs: SQLite, Celery eager (the job runs inside the first click's
    request). Clicks at once make one job and none answers 500 ("database is locked", JobBusy)."""
    results = run_on_sqlite_file(
        "tests.core.sqlite_job_clicks",
        str(tmp_path / "db.sqlite3"),
        timeout=600,
        MEDIA_ROOT=str(tmp_path / "media"),
    )

    recompute = results.pop("recompute_clicks_running")
    for name, outcome in results.items():
        assert outcome["errors"] == [], f"{name}:\n" + "\n".join(outcome["errors"])
        _one_job_for_every_click(outcome)
    assert results["import_confirms_running"]["statuses"] == ["succeeded"]
    assert results["import_confirms_running"]["created"] == [job_clicks.EAGER_ROWS]
    # A recompute of an empty county takes a fraction of a second: a click that comes after it
    # finished rightly starts another. What matters is that none meets JobBusy or a 500.
    assert recompute["errors"] == [], "\n".join(recompute["errors"])
    assert {status for status, _, _ in recompute["answers"]} == {302}
    assert {location for _, location, _ in recompute["answers"]} == set(recompute["urls"])
    assert set(recompute["statuses"]) == {"succeeded"}
    told = [shown for _, _, shown in recompute["answers"] if shown]
    assert len(told) == job_clicks.THREADS - recompute["jobs"]
