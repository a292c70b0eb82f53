"""Identical submissions at the same moment never answer 500: the unique constraint that stops
the duplicate surfaces as the ordinary "already exists" message beside the field, and one row is
kept. On PostgreSQL (CI) the threads post in process, and two checks-before-save can both pass,
so the second save meets the constraint; on SQLite they run against a real file in a separate
process (tests/panel/identical_posts.py), where IMMEDIATE transactions make them take turns."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from tests.panel.identical_posts import POSTS, scenarios
from tests.sqlite_file import run_on_sqlite_file


def _on_sqlite_file(tmp_path: Path) -> dict:
    return run_on_sqlite_file("tests.panel.identical_posts", str(tmp_path / "db.sqlite3"))


@pytest.mark.django_db(transaction=True)
def test_identical_posts_at_once_answer_the_form_again_and_keep_one_row(commissioner, tmp_path):
    on_sqlite = connection.vendor == "sqlite"
    result = _on_sqlite_file(tmp_path) if on_sqlite else scenarios(commissioner)

    assert result["meeting_posts"] == [200] * (POSTS - 1) + [302]
    assert result["meetings"] == 1
    assert result["request_posts"] == [200] * (POSTS - 1) + [302]
    assert result["requests"] == 1
