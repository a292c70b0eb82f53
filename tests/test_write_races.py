"""Two people saving at the same moment, through the pages, on real connections: never a lost
update, never a 500.

On PostgreSQL (CI) the threads post in process, outside a test transaction. On SQLite they run
against a real file in a separate process (tests/write_races.py): the tests' own SQLite
database is in memory, where neither locking nor transactions behave as in `make demo`.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.sqlite_file import run_on_sqlite_file
from tests.write_races import IDENTICAL_POSTS, RACES, SAME_VERSION

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def sqlite_file_races(tmp_path_factory) -> dict:
    """Every race, run once on a SQLite file in another process (it migrates once)."""
    db_path = tmp_path_factory.mktemp("races") / "db.sqlite3"
    return run_on_sqlite_file("tests.write_races", str(db_path))


@pytest.fixture
def race(request, commissioner):
    """`race(kind)`: what each record's posts got in one kind of race (tests/write_races.RACES),
    run on this database when it is PostgreSQL, or on a SQLite file."""

    def run(kind: str) -> dict:
        if connection.vendor == "sqlite":
            return request.getfixturevalue("sqlite_file_races")[kind]
        return RACES[kind](commissioner)

    return run


def test_two_saves_at_one_version_one_lands_and_the_other_is_refused_as_stale(race):
    """A placement, a panel decision, a fee and SEN2 details, each changed by two people at once from forms
    opened at one version: one save lands, the other answers 409 saying why, and the record holds
    the value of the save that landed, changed once."""
    results = race("same_version")

    assert set(results) == set(SAME_VERSION)
    for name, result in results.items():
        assert result == {
            "statuses": [302, 409],
            "kept_the_landed_value": True,
            "version": 2,
            "history_rows": 2,
            "refusal_says_why": True,
        }, name


def test_identical_adds_at_once_make_one_row_and_tell_the_others_it_exists(race):
    """Frameworks, lots, memberships, fees, uplift requests and contracts, each added by
    identical posts at the same moment: one row, and every other post gets the form back with
    the "already exists" message beside the field, as a second post a minute later does."""
    results = race("identical_creates")

    assert len(results) == 6
    for name, result in results.items():
        assert result == {
            "statuses": [200] * (IDENTICAL_POSTS - 1) + [302],
            "told_it_exists": IDENTICAL_POSTS - 1,
            "rows": 1,
        }, name
