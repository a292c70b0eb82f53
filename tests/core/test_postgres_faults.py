"""Faults of the database itself, on the real PostgreSQL (CI): the connection dies in the middle
of a save, and a dump restored elsewhere holds every record. Skipped on SQLite, unless
CI_REQUIRE_SERVICES=1 turns the skip into a failure."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from placements import services as placement_services
from placements.models import Child, Placement
from tests.conftest import _skip_or_fail
from tests.factories import ChildFactory, EHCPFactory, MeetingFactory, PlacementFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        _skip_or_fail("needs PostgreSQL (DATABASE_URL): these are faults of the database server")


def _connect(dbname: str) -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def test_a_connection_killed_during_a_save_gives_a_clear_error_and_loses_nothing(
    commissioner, monkeypatch
):
    kept = PlacementFactory(annual_cost=Decimal("20000.00"))
    placement = PlacementFactory(
        start_date=dt.date(2025, 9, 1), annual_cost=Decimal("36000.00"), attendance_pattern="day"
    )
    original_check = placement_services._check_dates

    def server_goes_away(current):
        # Half-way through the save, inside its transaction: the server ends this connection.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with _connect(settings.DATABASES["default"]["NAME"]) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return original_check(current)

    monkeypatch.setattr(placement_services, "_check_dates", server_goes_away)
    client = Client(raise_request_exception=False)
    client.force_login(commissioner)
    response = client.post(
        reverse("placements:placement_change", args=[placement.pk]),
        {
            "version": placement.version,
            "end_date": "",
            "attendance_pattern": "day",
            "annual_cost": "99000.00",
            "additional_cost": "0.00",
        },
    )

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    monkeypatch.undo()
    placement.refresh_from_db()
    assert placement.annual_cost == Decimal("36000.00")  # nothing half-written
    assert placement.version == 1
    assert Placement.objects.get(pk=kept.pk).annual_cost == Decimal("20000.00")
    # The next request gets a new connection and works.
    assert client.get(reverse("placements:placement_list")).status_code == 200


def _counts(dbname: str) -> dict[str, int]:
    tables = sorted({model._meta.db_table for model in apps.get_models()})
    with _connect(dbname) as conn:
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def _digest(dbname: str) -> tuple:
    with _connect(dbname) as conn:
        return (
            conn.execute(
                "SELECT sum(annual_cost + additional_cost), count(*) FROM placements_placement"
            ).fetchone(),
            conn.execute(
                "SELECT string_agg(child_ref, ',' ORDER BY child_ref) FROM placements_child"
            ).fetchone(),
        )


def test_a_dump_restored_into_a_new_database_holds_every_record(commissioner):
    children = ChildFactory.create_batch(5)
    for child in children:
        EHCPFactory(child=child)
        PlacementFactory(child=child)
    MeetingFactory()
    placement_services.placement_end(
        placement=Placement.objects.first(),
        version=1,
        end_date=dt.date(2026, 8, 31),
        user=commissioner,
    )
    source = settings.DATABASES["default"]["NAME"]
    restored = f"test_restore_{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    where = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    where += ["-U", db["USER"] or "postgres"]
    dump = subprocess.run(
        ["pg_dump", *where, "-Fc", source], check=True, capture_output=True, env=env
    ).stdout
    with _connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", *where, "--no-owner", "-d", restored],
            input=dump,
            check=True,
            capture_output=True,
            env=env,
        )
        before = _counts(source)
        assert before["placements_child"] == Child.objects.count() == 5
        assert before["placements_historicalplacement"] > 0
        assert _counts(restored) == before
        assert _digest(restored) == _digest(source)
    finally:
        with _connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
