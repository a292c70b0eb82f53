"""Ten identical form posts at the same moment, from threads, each on its own connection.

Used by tests/panel/test_identical_posts.py: in process on PostgreSQL, and on SQLite as
`python -m tests.panel.identical_posts DB_PATH` against a real SQLite file (the tests' own
SQLite database lives in memory, which threads cannot share as the product's file is shared).
Prints one JSON line: the statuses each scenario's posts got and the rows left.
"""

from __future__ import annotations

import json
import os
import sys
import threading

POSTS = 10


def post_at_once(user, url: str, data: dict) -> list[int]:
    from django.db import connections
    from django.test import Client

    clients = []
    for _ in range(POSTS):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    connections.close_all()
    statuses: list[int] = []
    barrier = threading.Barrier(POSTS)

    def post(client) -> None:
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def scenarios(user) -> dict:
    """Identical "new meeting" and "new request" posts; what they answered, what they left."""
    from django.urls import reverse

    from panel.models import Meeting, PanelRequest
    from tests.factories import ChildFactory, MeetingFactory, NeedTypeFactory

    meeting_posts = post_at_once(
        user,
        reverse("panel:meeting_create"),
        {"date": "2031-01-08", "panel_type": "independent_placement"},
    )
    meetings = Meeting.objects.filter(date="2031-01-08").count()

    meeting = MeetingFactory()
    child = ChildFactory(child_ref="RACE1")
    need = NeedTypeFactory(code="ASD")
    request_posts = post_at_once(
        user,
        reverse("panel:request_create", args=[meeting.pk]),
        {
            "child_ref": child.child_ref,
            "request_type": PanelRequest.RequestType.NEW_PLACEMENT,
            "primary_need": str(need.pk),
            "requested_base_cost": "36000",
            "requested_additional_cost": "0",
            "case_summary": "Needs a specialist ASD setting.",
        },
    )
    requests = PanelRequest.objects.filter(meeting=meeting).count()
    return {
        "meeting_posts": sorted(meeting_posts),
        "meetings": meetings,
        "request_posts": sorted(request_posts),
        "requests": requests,
    }


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
    return scenarios(user)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
