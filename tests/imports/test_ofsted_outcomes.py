"""ofsted-outcomes: old-style judgements and report cards, and the search filter on both."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.models import Provider
from tests.factories import ProviderFactory
from tests.imports.conftest import errors_by_row

pytestmark = pytest.mark.django_db

HEADER = [
    "urn",
    "inspection_date",
    "overall_effectiveness",
    "inclusion",
    "curriculum",
    "achievement",
    "attendance_behaviour",
    "personal_development",
    "leadership",
    "safeguarding",
]


def test_both_shapes_are_imported(run_import, write_file):
    ProviderFactory(urn=100001, ofsted_grade=4, ofsted_date=dt.date(2023, 5, 1))
    ProviderFactory(urn=100002)
    path = write_file(
        "ofsted.csv",
        HEADER,
        [
            [
                "100001",
                "2026-01-20",
                "",
                "Strong standard",
                "expected standard",
                "Expected-standard",
                "needs attention",
                "strong standard",
                "expected standard",
                "Met",
            ],
            ["100002", "2025-06-10", "Requires improvement", "", "", "", "", "", "", ""],
        ],
    )
    result = run_import("ofsted-outcomes", path)
    assert result.errors == []
    card = Provider.objects.get(urn=100001)
    assert card.ofsted_shape == "report_card"
    assert card.ofsted_report_card_date == dt.date(2026, 1, 20)
    assert card.ofsted_areas["inclusion"] == 2
    assert card.ofsted_lowest_area_grade == 4
    assert card.ofsted_safeguarding_met is True
    assert card.ofsted_grade == 4  # the old judgement is kept, but no longer current
    assert card.version == 2  # a form opened on the school before the import is now stale
    old = Provider.objects.get(urn=100002)
    assert old.ofsted_shape == "judgement"
    assert (old.ofsted_grade, old.ofsted_rating, old.ofsted_date) == (
        3,
        "Requires improvement",
        dt.date(2025, 6, 10),
    )


def test_bad_rows_write_nothing_and_are_listed(run_import, write_file):
    ProviderFactory(urn=100001)
    path = write_file(
        "ofsted.csv",
        HEADER,
        [
            ["100001", "2026-01-20", "Good", "strong standard", "", "", "", "", "", "met"],
            ["999999", "2026-01-20", "Good", "", "", "", "", "", "", ""],
            ["100001", "2026-01-20", "", "brilliant", "", "", "", "", "", ""],
            ["100001", "2026-01-20", "", "", "", "", "", "", "", ""],
        ],
    )
    result = run_import("ofsted-outcomes", path)
    rows = errors_by_row(result)
    assert "not both" in rows[2][0][1]
    assert rows[3] == [("urn", "is not a known provider URN")]
    assert rows[4][0][0] == "inclusion"
    assert "give the overall effectiveness" in rows[5][0][1]
    assert Provider.objects.get(urn=100001).ofsted_report_card_date is None
