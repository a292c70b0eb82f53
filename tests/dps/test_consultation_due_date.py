"""A consultation's due date: CONSULTATION_RESPONSE_DAYS calendar days, or working days
(weekends and England's bank holidays skipped) with CONSULTATION_WORKING_DAYS on.
Every expected date below was counted by hand on a calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from dps.models import Consultation
from dps.rules import consultation_due_date, is_working_day
from tests.factories import ChildFactory, ProviderFactory


@override_settings(CONSULTATION_RESPONSE_DAYS=15, CONSULTATION_WORKING_DAYS=False)
def test_calendar_days_by_default():
    assert consultation_due_date(dt.date(2026, 3, 2)) == dt.date(2026, 3, 17)
    # Across Christmas and the new year, holidays count like any other day.
    assert consultation_due_date(dt.date(2026, 12, 21)) == dt.date(2027, 1, 5)
    # Across the end of February in a non-leap year.
    assert consultation_due_date(dt.date(2027, 2, 20)) == dt.date(2027, 3, 7)


@override_settings(CONSULTATION_RESPONSE_DAYS=15, CONSULTATION_WORKING_DAYS=True)
def test_working_days_skip_weekends_and_christmas_bank_holidays():
    # Sent Monday 21 December 2026. Working days: 22, 23, 24 Dec (1–3); Fri 25 Dec Christmas,
    # the weekend, Mon 28 Dec Boxing Day (observed) skipped; 29, 30, 31 Dec (4–6); Fri 1 Jan
    # 2027 New Year's Day skipped; 4–8 Jan (7–11); 11–14 Jan (12–15).
    assert consultation_due_date(dt.date(2026, 12, 21)) == dt.date(2027, 1, 14)


@override_settings(CONSULTATION_RESPONSE_DAYS=15, CONSULTATION_WORKING_DAYS=True)
def test_working_days_across_easter():
    # Sent Wednesday 1 April 2026: Thu 2 Apr (1); Good Friday 3 Apr and Easter Monday 6 Apr
    # skipped; 7–10 Apr (2–5); 13–17 Apr (6–10); 20–24 Apr (11–15).
    assert consultation_due_date(dt.date(2026, 4, 1)) == dt.date(2026, 4, 24)


@override_settings(CONSULTATION_RESPONSE_DAYS=5, CONSULTATION_WORKING_DAYS=True)
def test_working_days_from_a_saturday_start_on_monday():
    # Sent Saturday 7 March 2026: Mon 9 – Fri 13 March are the five working days.
    assert consultation_due_date(dt.date(2026, 3, 7)) == dt.date(2026, 3, 13)


@override_settings(CONSULTATION_RESPONSE_DAYS=10, CONSULTATION_WORKING_DAYS=False)
def test_the_number_of_days_comes_from_settings():
    assert consultation_due_date(dt.date(2026, 3, 2)) == dt.date(2026, 3, 12)


def test_bank_holidays_are_englands():
    assert not is_working_day(dt.date(2026, 12, 28))  # Boxing Day (observed)
    assert not is_working_day(dt.date(2026, 8, 31))  # Late Summer Bank Holiday, England only
    assert not is_working_day(dt.date(2026, 3, 7))  # Saturday
    assert is_working_day(dt.date(2026, 1, 2))  # Scotland's 2 January is not England's
    assert is_working_day(dt.date(2026, 3, 17))  # St Patrick's Day is Northern Ireland's


@pytest.mark.django_db
@override_settings(CONSULTATION_RESPONSE_DAYS=15, CONSULTATION_WORKING_DAYS=True)
def test_a_consultation_saved_without_a_due_date_gets_the_rules_date():
    consultation = Consultation.objects.create(
        child=ChildFactory(), provider=ProviderFactory(), sent_on=dt.date(2026, 12, 21)
    )
    consultation.refresh_from_db()
    assert consultation.due_on == dt.date(2027, 1, 14)
