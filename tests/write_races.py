"""People saving the same thing at the same moment through the pages, from threads, each thread
on its own database connection.

Used by tests/test_write_races.py: in process on PostgreSQL, and on SQLite as
`python -m tests.write_races DB_PATH` against a real SQLite file (the tests' own SQLite database
lives in memory, where neither locking nor transactions behave as in the product's file). Prints
one JSON line: for each kind of race and each record, what the posts answered and what the
database kept.

Two scenarios:
- two people change one record (a placement, a panel decision, a fee, a child's SEN2 details) at
  the version their form showed: one save lands, the other is refused as stale (409), never both;
- several identical "add" posts (a framework, lot, membership, fee, uplift request, contract):
  one row is made, every other post gets the form back with the "already exists" message.
"""

from __future__ import annotations

import html
import json
import os
import sys
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

IDENTICAL_POSTS = 5


def posts_at_once(user, posts: list[tuple[str, dict[str, str]]]) -> list[tuple[int, str]]:
    """Each (url, data) posted by `user` from its own thread, all released together. Returns
    (status, page text) in the order given."""
    from django.db import connections
    from django.test import Client

    clients = []
    for _ in posts:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    connections.close_all()  # each thread opens its own
    answers: list[tuple[int, str]] = [(0, "")] * len(posts)
    start = threading.Barrier(len(posts))

    def post(index: int) -> None:
        try:
            start.wait(timeout=30)
            url, data = posts[index]
            response = clients[index].post(url, data)
            answers[index] = (response.status_code, html.unescape(response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


# --- Two saves at one version ---------------------------------------------------------------


@dataclass
class SameVersionRace:
    """Two forms opened at one version of `record`, posted to `url` with different values of
    `field`."""

    record: Any
    url: str
    forms: list[dict[str, str]]
    field: str
    values: list[Any]
    stale_message: str


def _placement_change() -> SameVersionRace:
    from django.urls import reverse

    from tests.factories import PlacementFactory

    placement = PlacementFactory()
    form = {"version": "1", "end_date": "", "attendance_pattern": "day", "additional_cost": "0"}
    return SameVersionRace(
        record=placement,
        url=reverse("placements:placement_change", args=[placement.pk]),
        forms=[{**form, "annual_cost": "41000"}, {**form, "annual_cost": "42000"}],
        field="annual_cost",
        values=[Decimal(41000), Decimal(42000)],
        stale_message="Someone else changed this placement",
    )


def _panel_decision() -> SameVersionRace:
    from django.urls import reverse

    from tests.factories import PanelRequestFactory

    item = PanelRequestFactory()
    prefix = f"r{item.pk}-"
    form = {f"{prefix}version": "1", f"{prefix}outcome": "agreed", f"{prefix}reason": ""}
    return SameVersionRace(
        record=item,
        url=reverse("panel:decision_record", args=[item.pk]),
        forms=[
            {**form, f"{prefix}agreed_cost": "38000"},
            {**form, f"{prefix}agreed_cost": "39000"},
        ],
        field="agreed_cost",
        values=[Decimal(38000), Decimal(39000)],
        stale_message="Someone else changed this decision",
    )


def _fee_change() -> SameVersionRace:
    from django.urls import reverse

    from tests.factories import FeeScheduleFactory

    fee = FeeScheduleFactory()
    return SameVersionRace(
        record=fee,
        url=reverse("dps:fee_edit", args=[fee.pk]),
        forms=[{"version": "1", "annual_fee": "37000"}, {"version": "1", "annual_fee": "37500"}],
        field="annual_fee",
        values=[Decimal(37000), Decimal(37500)],
        stale_message="Someone else saved this record",
    )


def _sen2_details_change() -> SameVersionRace:
    """The SEN2 page locks the child, then the plan: two saves take the locks in one order."""
    import datetime as dt

    from django.urls import reverse

    from tests.factories import ChildFactory, EHCPFactory

    child = ChildFactory(child_ref="WS-RACE", ethnicity="")
    EHCPFactory(child=child, request_date=dt.date(2025, 2, 3))
    form = {
        "child_version": "1",
        "ehcp_version": "1",
        "request_date": "2025-02-03",
        "assessment_decision": "pending",
    }
    return SameVersionRace(
        record=child,
        url=reverse("placements:child_sen2_change", args=["WS-RACE"]),
        forms=[{**form, "ethnicity": "WBRI"}, {**form, "ethnicity": "AIND"}],
        field="ethnicity",
        values=["WBRI", "AIND"],
        stale_message="Someone else changed these SEN2 details",
    )


SAME_VERSION = {
    "placement change": _placement_change,
    "panel decision": _panel_decision,
    "fee change": _fee_change,
    "SEN2 details change": _sen2_details_change,
}


def same_version_races(user) -> dict[str, dict[str, Any]]:
    """For each record: the two posts' statuses, whether the value kept is the one whose post
    landed, its version and its number of history rows (made, then changed once)."""
    results = {}
    for name, make in SAME_VERSION.items():
        race = make()
        answers = posts_at_once(user, [(race.url, form) for form in race.forms])
        statuses = [status for status, _page in answers]
        kept = type(race.record).objects.get(pk=race.record.pk)
        landed = [race.values[i] for i, status in enumerate(statuses) if status == 302]
        results[name] = {
            "statuses": sorted(statuses),
            "kept_the_landed_value": landed == [getattr(kept, race.field)],
            "version": kept.version,
            "history_rows": kept.history.count(),
            "refusal_says_why": all(
                race.stale_message in page for status, page in answers if status == 409
            ),
        }
    return results


# --- Identical creates ---------------------------------------------------------------------


def _identical_creates() -> dict[str, tuple[str, dict[str, str], str, Any]]:
    """name: (url, data, the "already exists" message, the rows it may make)."""
    from django.urls import reverse

    from dps.models import Contract, FeeSchedule, Framework, Lot, Membership, UpliftRequest
    from tests.factories import FrameworkFactory, LotFactory, ProviderFactory

    framework = FrameworkFactory()
    lot = LotFactory()
    member = ProviderFactory(urn=170001)
    ProviderFactory(urn=170002)
    ProviderFactory(urn=170003)
    return {
        "framework": (
            reverse("dps:framework_create"),
            {
                "name": "Wealdshire DPS 2031",
                "start_date": "2031-09-01",
                "initial_term_years": "4",
                "max_extension_years": "4",
            },
            "There is already a framework with this name",
            Framework.objects.filter(name="Wealdshire DPS 2031"),
        ),
        "lot": (
            reverse("dps:lot_create", args=[framework.pk]),
            {"number": "3", "name": "Residential"},
            f"{framework} already has a lot 3",
            Lot.objects.filter(framework=framework, number=3),
        ),
        "membership": (
            reverse("dps:membership_create"),
            {"provider_urn": "170001", "lot": str(lot.pk), "applied_on": "2025-05-01"},
            f"{member.name} already has a membership of {lot.framework}",
            Membership.objects.filter(provider=member),
        ),
        "fee schedule": (
            reverse("dps:fee_create"),
            {
                "provider_urn": "170002",
                "academic_year": "2025/26",
                "attendance_pattern": "day",
                "band": "",
                "annual_fee": "41000",
            },
            "This provider already has a fee for this year, pattern and band",
            FeeSchedule.objects.filter(provider__urn=170002),
        ),
        "uplift request": (
            reverse("dps:uplift_create"),
            {
                "provider_urn": "170003",
                "academic_year": "2026/27",
                "requested_percent": "2",
                "justification": "Teachers' pay award",
                "received_on": "2026-03-02",
            },
            "This provider already has an uplift request for this year",
            UpliftRequest.objects.filter(provider__urn=170003),
        ),
        "contract": (
            reverse("dps:contract_create"),
            {
                "reference": "SEN-2031-001",
                "title": "Residential placements",
                "value": "250000",
                "start_date": "2031-09-01",
                "end_date": "2033-08-31",
                "status": "active",
            },
            "There is already a contract with reference SEN-2031-001",
            Contract.objects.filter(reference="SEN-2031-001"),
        ),
    }


def identical_create_races(user) -> dict[str, dict[str, Any]]:
    """For each "add" page: the identical posts' statuses, how many answered with the
    "already exists" message, and the rows made."""
    results = {}
    for name, (url, data, message, rows) in _identical_creates().items():
        answers = posts_at_once(user, [(url, data)] * IDENTICAL_POSTS)
        results[name] = {
            "statuses": sorted(status for status, _page in answers),
            "told_it_exists": sum(
                1 for status, page in answers if status == 200 and message in page
            ),
            "rows": rows.count(),
        }
    return results


RACES = {"same_version": same_version_races, "identical_creates": identical_create_races}


def main(db_path: str) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from core import roles
    from tests.factories import UserFactory

    roles.roles_ensure()
    user = UserFactory(username="commissioner", groups=[roles.COMMISSIONER])
    return {kind: run(user) for kind, run in RACES.items()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))  # noqa: T201
