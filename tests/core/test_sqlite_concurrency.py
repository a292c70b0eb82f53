"""Two people saving at once on SQLite (`make demo`) wait their turn instead of seeing
"database is locked".

The writes run in a separate process against a temporary SQLite file (see
tests/core/sqlite_writers.py): the tests' own database is in memory, where SQLite's file
locking and journal modes do not apply. Without the SQLite options in config/settings/base.py
most of those threads fail with `OperationalError: database is locked`. CI runs on PostgreSQL,
where this is skipped.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.sqlite_file import run_on_sqlite_file

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite locking only: the tests run on another database",
)


def test_sqlite_gets_immediate_transactions_a_wait_and_wal():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]


def test_saves_from_several_threads_at_once_all_land(tmp_path):
    result = run_on_sqlite_file("tests.core.sqlite_writers", str(tmp_path / "db.sqlite3"))

    assert result["errors"] == [], "\n".join(result["errors"])
    assert result["journal_mode"] == "wal"
    assert result["meetings_created"] == result["meetings_expected"]
    assert result["decided"] == result["decided_expected"]
    assert result["requests_added"] == result["requests_expected"]
