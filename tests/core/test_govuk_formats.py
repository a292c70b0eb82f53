"""One date style and thousands separators on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.templatetags.govuk import govuk_date, govuk_date_short, number
from imports.models import ImportRecord
from tests.factories import ChildFactory, PlacementFactory


def test_long_date_is_the_page_style():
    assert govuk_date(dt.date(2026, 11, 23)) == "23 November 2026"
    assert govuk_date(dt.date(2026, 1, 5)) == "5 January 2026"
    assert govuk_date(None) == "–"


def test_short_date_is_for_dense_tables():
    assert govuk_date_short(dt.date(2026, 11, 23)) == "23 Nov 2026"
    assert govuk_date_short(None) == "–"


def test_datetimes_show_in_uk_time():
    # 23:30 UTC on 30 June is 00:30 BST on 1 July.
    moment = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert govuk_date(moment) == "1 July 2026"
    assert govuk_date(moment, "time") == "1 July 2026 00:30"
    assert govuk_date_short(moment, "time") == "1 Jul 2026 00:30"
    winter = dt.datetime(2026, 12, 1, 9, 5, tzinfo=ZoneInfo("Europe/London"))
    assert govuk_date_short(winter, "time") == "1 Dec 2026 09:05"
    assert govuk_date(dt.date(2026, 12, 1), "time") == "1 December 2026"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(17558, "17,558"), (8367, "8,367"), (0, "0"), (4, "4"), (1234567, "1,234,567")],
)
def test_counts_get_thousands_separators(value, shown):
    assert number(value) == shown


def test_suppressed_and_missing_counts_stay_as_they_are():
    assert number("c") == "c"
    assert number(None) == "–"
    assert number(Decimal("12.5")) == "12.5"


@pytest.mark.django_db
def test_import_history_shows_separators_and_short_dates(commissioner_client, commissioner):
    ImportRecord.objects.create(
        kind="children",
        file_name="children.xlsx",
        user=commissioner,
        status=ImportRecord.Status.SUCCEEDED,
        rows_read=17558,
        created=12001,
        updated=5557,
    )
    body = commissioner_client.get(reverse("imports:start")).content.decode()
    assert "17,558" in body
    assert "12,001" in body
    assert "5,557" in body
    assert "17558" not in body


@pytest.mark.django_db
def test_register_uses_short_dates_and_child_page_long_dates(commissioner_client):
    child = ChildFactory(date_of_birth=dt.date(2015, 3, 7))
    PlacementFactory(child=child, start_date=dt.date(2024, 9, 2))
    register = commissioner_client.get(reverse("placements:placement_list")).content.decode()
    assert "2 Sep 2024" in register
    assert "1 placement." in register
    detail = commissioner_client.get(
        reverse("placements:child_detail", args=[child.child_ref])
    ).content.decode()
    assert "7 March 2015" in detail
    assert "2 September 2024" in detail
