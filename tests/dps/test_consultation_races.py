"""Officers' posts at the same moment never answer 500 nor leave doubles behind.

Ten identical Consult posts make one consultation and one email per school; the other posts land
on the same result page, told the school was already consulted. Two officers accepting two offers
for one child at once make one placement, and the second is told which one (no deadlock). On
PostgreSQL (CI) the threads post in process, outside a test transaction; on SQLite they run
against a real file in a separate process (tests/dps/consultation_races.py), where IMMEDIATE
transactions make them take turns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from tests.dps.consultation_races import ACCEPT_ROUNDS, CONSULT_POSTS, scenarios
from tests.sqlite_file import run_on_sqlite_file


def _on_sqlite_file(tmp_path: Path) -> dict:
    return run_on_sqlite_file("tests.dps.consultation_races", str(tmp_path / "db.sqlite3"))


@pytest.fixture
def race_results(officer, tmp_path) -> dict:
    """Both scenarios run once for the module's tests: threads are slow on two cores."""
    return _on_sqlite_file(tmp_path) if connection.vendor == "sqlite" else scenarios(officer)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_consult_once_and_place_once(race_results):
    consult = race_results["consult"]
    assert consult["statuses"] == [302] * CONSULT_POSTS
    assert consult["consultations_per_school"] == [1, 1, 1]
    assert consult["emails_per_school"] == [1, 1, 1]
    assert consult["mail_sent_to"] == ["sen@ash.example", "sen@birch.example", "sen@cedar.example"]
    assert consult["consulted_pages"] == 1
    assert consult["already_pages"] == CONSULT_POSTS - 1

    assert len(race_results["accept"]["rounds"]) == ACCEPT_ROUNDS
    for outcome in race_results["accept"]["rounds"]:
        assert outcome["statuses"] == [302, 409]
        assert outcome["placements"] == 1
        assert outcome["loser_told_the_placement"] is True
        assert outcome["open_offers_left"] == 0
