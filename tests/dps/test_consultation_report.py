"""`report consultations`: per provider, worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import ConsultationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "consultations", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def consultations():
    oak = ProviderFactory(urn=100100, name="Oak School")
    elm = ProviderFactory(urn=100200, name="Elm School")
    sent = dt.date(2026, 1, 5)  # due 20 January
    ConsultationFactory(
        provider=oak, sent_on=sent, response="offer", responded_on=dt.date(2026, 1, 9)
    )  # 4 days
    ConsultationFactory(
        provider=oak,
        sent_on=sent,
        response="decline",
        decline_reason="no_vacancy",
        responded_on=dt.date(2026, 1, 25),
    )  # 20 days, late
    ConsultationFactory(provider=oak, sent_on=sent, response="awaiting")  # overdue by 1 Feb
    ConsultationFactory(provider=oak, sent_on=sent, response="not_needed")
    ConsultationFactory(
        provider=oak,
        sent_on=dt.date(2025, 12, 1),
        response="offer",
        responded_on=dt.date(2025, 12, 3),
    )  # outside
    ConsultationFactory(
        provider=elm, sent_on=dt.date(2026, 1, 31), response="awaiting"
    )  # due 15 Feb


def test_report_by_hand_in_json(consultations):
    rows = json.loads(
        _report(
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--as-of",
            "2026-02-01",
            "--format",
            "json",
        )
    )
    assert rows == [
        {
            "urn": 100200,
            "provider": "Elm School",
            "consulted": 1,
            "offers": 0,
            "declines": 0,
            "no_response": 1,
            "overdue": 0,
            "median_response_days": None,
        },
        {
            "urn": 100100,
            "provider": "Oak School",
            "consulted": 4,
            "offers": 1,
            "declines": 1,
            "no_response": 1,
            "overdue": 2,
            "median_response_days": 12,
        },
    ]


def test_report_in_csv_has_the_keys(consultations):
    rows = list(
        csv.DictReader(
            io.StringIO(
                _report("--from", "2026-01-01", "--to", "2026-01-31", "--as-of", "2026-02-01")
            )
        )
    )
    assert list(rows[0]) == [
        "urn",
        "provider",
        "consulted",
        "offers",
        "declines",
        "no_response",
        "overdue",
        "median_response_days",
    ]
    assert rows[1]["median_response_days"] == "12"


def test_report_needs_a_period(db):
    with pytest.raises(CommandError, match="--from and --to"):
        _report()
