"""Two people saving at once on SQLite (`make demo`) wait their turn instead of seeing
"database is locked".

The writes run in a separate process against a temporary SQLite file (see
tests/core/sqlite_writers.py): the tests' own database is in memory, where SQLite's file
locking and journal modes do not apply. Without the SQLite options in config/settings/base.py
most of those threads fail with `OperationalError: database is locked`. CI runs on PostgreSQL,
where this is skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

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
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    finished = subprocess.run(
        [sys.executable, "-m", "tests.core.sqlite_writers", str(tmp_path / "db.sqlite3")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-4000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])

    assert result["errors"] == [], "\n".join(result["errors"])
    assert result["journal_mode"] == "wal"
    assert result["meetings_created"] == result["meetings_expected"]
    assert result["decided"] == result["decided_expected"]
    assert result["requests_added"] == result["requests_expected"]
