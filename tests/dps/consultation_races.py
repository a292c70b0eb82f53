"""Officers' consultation posts at the same moment, from threads, each on its own connection.

Used by tests/dps/test_consultation_races.py: in process on PostgreSQL, and on SQLite as
`python -m tests.dps.consultation_races DB_PATH` against a real SQLite file (the tests' own
SQLite database lives in memory, which threads cannot share as the product's file is shared).
Prints one JSON line: what each scenario's posts got and the rows and emails they left.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
from decimal import Decimal

CONSULT_POSTS = 10
ACCEPT_ROUNDS = 3


def _at_once(user, posts: list[tuple[str, dict]]) -> list[tuple[int, str, str]]:
    """Each (url, data) posted by its own signed-in client, all released together. Returns,
    in the order given, (status, the page the post answered, the page its redirect shows)."""
    from django.db import connections
    from django.test import Client

    clients = []
    for _ in posts:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    connections.close_all()
    answers: list[object] = [None] * len(posts)
    barrier = threading.Barrier(len(posts))

    def post(index: int) -> None:
        try:
            url, data = posts[index]
            barrier.wait(timeout=30)
            answers[index] = clients[index].post(url, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    results = []
    for client, response in zip(clients, answers, strict=True):
        if response is None:
            results.append((0, "", ""))
            continue
        shown = ""
        if response.status_code == 302:
            shown = client.get(response["Location"]).content.decode()
        results.append((response.status_code, response.content.decode(), shown))
    return results


def consult_at_once(user) -> dict:
    """Ten identical Consult posts for one child and three schools."""
    from django.core import mail
    from django.urls import reverse

    from dps import services
    from dps.models import Consultation, ConsultationEmail
    from tests.factories import ChildFactory, EHCPFactory, ProviderFactory

    child = ChildFactory(child_ref="RACE-CONSULT")
    EHCPFactory(child=child)
    schools = [
        ProviderFactory(name=f"{name} School", sen_contact_email=f"sen@{name.lower()}.example")
        for name in ("Ash", "Birch", "Cedar")
    ]
    services.shortlist_add(child=child, providers=schools, user=user)
    mail.outbox = []
    data = {"urn": [str(s.urn) for s in schools], "attendance_pattern": "day"}
    url = reverse("dps:consult", args=[child.child_ref])
    answers = _at_once(user, [(url, data)] * CONSULT_POSTS)
    return {
        "statuses": sorted(status for status, _, _ in answers),
        "consulted_pages": sum(" schools consulted." in shown for _, _, shown in answers),
        "already_pages": sum(
            "Already consulted and awaiting a response" in shown for _, _, shown in answers
        ),
        "consultations_per_school": sorted(
            Consultation.objects.filter(child=child, provider=s).count() for s in schools
        ),
        "emails_per_school": sorted(
            ConsultationEmail.objects.filter(consultation__child=child, to=s.sen_contact_email)
            .filter(status="sent")
            .count()
            for s in schools
        ),
        "mail_sent_to": sorted(m.to[0] for m in mail.outbox),
    }


def accept_at_once(user) -> dict:
    """Two officers accept two different offers for the same child at once, a few times."""
    from django.urls import reverse

    from dps.models import Consultation
    from placements.models import Placement
    from tests.factories import ChildFactory, EHCPFactory, ProviderFactory

    rounds = []
    for n in range(ACCEPT_ROUNDS):
        child = ChildFactory(child_ref=f"RACE-ACCEPT-{n}")
        EHCPFactory(child=child)
        offers = [
            Consultation.objects.create(
                child=child,
                provider=ProviderFactory(name=f"{name} School {n}"),
                sent_on=dt.date(2026, 1, 5),
                response=Consultation.Response.OFFER,
                responded_on=dt.date(2026, 1, 9),
                offered_fee=Decimal(fee),
                offered_start=dt.date(2026, 4, 13),
            )
            for name, fee in (("Oak", "40000"), ("Elm", "41000"))
        ]
        posts = [
            (
                reverse("dps:accept", args=[offer.pk]),
                {
                    f"offer-{offer.pk}-version": str(offer.version),
                    f"offer-{offer.pk}-start_date": "2026-04-13",
                },
            )
            for offer in offers
        ]
        answers = _at_once(user, posts)
        placements = list(Placement.objects.filter(child=child).select_related("provider"))
        told = [
            page
            for status, page, _ in answers
            if status == 409 and "already been accepted" in page and "See the placement" in page
        ]
        rounds.append(
            {
                "statuses": sorted(status for status, _, _ in answers),
                "placements": len(placements),
                "loser_told_the_placement": bool(placements)
                and len(told) == 1
                and f"a placement at {placements[0].provider.name} from 13 April 2026" in told[0],
                "open_offers_left": Consultation.objects.filter(
                    child=child, response="offer", placement__isnull=True
                ).count(),
            }
        )
    return {"rounds": rounds}


def scenarios(user) -> dict:
    return {"consult": consult_at_once(user), "accept": accept_at_once(user)}


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
    user = UserFactory(username="officer", groups=[roles.OFFICER])
    return scenarios(user)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
