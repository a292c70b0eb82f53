"""Numbers typed into search boxes and sent as form values."""

from __future__ import annotations

import pytest

from core.numbers import whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("123456", 123456), (" 42 ", 42), ("0", 0), ("123456789", 123456789)],
)
def test_plain_digits_are_a_number(text, expected):
    assert whole_number(text) == expected


@pytest.mark.parametrize("text", ["", "1234567890", "9" * 5000, "²", "٣", "-1", "1.5", "1e3", "x1"])
def test_anything_else_is_not(text):
    assert whole_number(text) is None


@pytest.mark.django_db
@pytest.mark.parametrize("meeting", ["9" * 5000, "²", "99999999999999999999"])
def test_a_panel_summary_for_an_impossible_meeting_is_not_an_error(manager_client, meeting):
    assert manager_client.get("/panel/summary/", {"meeting": meeting}).status_code in (200, 404)
