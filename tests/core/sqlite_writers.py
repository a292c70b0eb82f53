"""Several people saving at once against a real SQLite file, with the project's settings.

Run as `python -m tests.core.sqlite_writers DB_PATH` (tests/core/test_sqlite_concurrency.py
does). It points DATABASE_URL at DB_PATH, migrates, then starts threads together: some create
panel meetings, some record panel decisions, some add panel requests while others read, each
through the panel services, each on its own connection. It prints one JSON line: the errors
the threads met and the rows they left. A separate process, because the tests' own SQLite
database lives in memory, where neither locking nor the journal mode behaves like the file
`make demo` uses.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import traceback

MEETING_THREADS = 4
MEETINGS_PER_THREAD = 3
DECISION_THREADS = 4
REQUEST_THREADS = 4
READER_THREADS = 2
FIRST_MEETING = dt.date(2030, 1, 7)


def main(db_path: str) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0, interactive=False)

    from core import roles
    from panel import services
    from panel.models import Meeting, PanelRequest
    from placements.models import Provider
    from tests.factories import (
        EHCPFactory,
        MeetingFactory,
        PanelRequestFactory,
        UserFactory,
    )

    roles.roles_ensure()
    user = UserFactory(username="commissioner", groups=[roles.COMMISSIONER])
    agenda = MeetingFactory(date=dt.date(2029, 12, 3))
    to_decide = [PanelRequestFactory(meeting=agenda) for _ in range(DECISION_THREADS)]
    to_request = [EHCPFactory().child for _ in range(REQUEST_THREADS)]
    journal_mode = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    connections.close_all()

    start = threading.Barrier(MEETING_THREADS + DECISION_THREADS + REQUEST_THREADS + READER_THREADS)
    writers_done = threading.Event()
    errors: list[str] = []

    def run(work) -> None:
        try:
            start.wait()
            work()
        except Exception:  # noqa: BLE001 - every failure is reported, whatever it is
            errors.append(traceback.format_exc(limit=3))
        finally:
            connection.close()

    def create_meetings(thread: int) -> None:
        for n in range(MEETINGS_PER_THREAD):
            day = FIRST_MEETING + dt.timedelta(weeks=thread * MEETINGS_PER_THREAD + n)
            services.meeting_create(date=day, panel_type=agenda.panel_type, user=user)

    def decide(item: PanelRequest) -> None:
        services.decision_record(
            request_id=item.pk,
            version=item.version,
            outcome=PanelRequest.Outcome.AGREED,
            agreed_cost=None,
            user=user,
        )

    def add_request(child) -> None:
        services.request_create(
            meeting=agenda,
            child=child,
            request_type=PanelRequest.RequestType.NEW_PLACEMENT,
            provider=Provider.objects.order_by("?").first(),
            requested_base_cost=to_decide[0].requested_base_cost,
            user=user,
        )

    def read_suggestions() -> None:
        # The provider suggestions panel: reads, again and again, while others save.
        while not writers_done.is_set():
            list(Provider.objects.order_by("name")[:20])
            PanelRequest.objects.filter(meeting=agenda).count()

    writers = [
        *(
            threading.Thread(target=run, args=(lambda t=t: create_meetings(t),))
            for t in range(MEETING_THREADS)
        ),
        *(threading.Thread(target=run, args=(lambda i=i: decide(i),)) for i in to_decide),
        *(threading.Thread(target=run, args=(lambda c=c: add_request(c),)) for c in to_request),
    ]
    readers = [
        threading.Thread(target=run, args=(read_suggestions,)) for _ in range(READER_THREADS)
    ]
    for thread in writers + readers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    writers_done.set()
    for thread in readers:
        thread.join(timeout=120)

    return {
        "errors": errors,
        "journal_mode": journal_mode,
        "meetings_created": Meeting.objects.filter(date__gte=FIRST_MEETING).count(),
        "meetings_expected": MEETING_THREADS * MEETINGS_PER_THREAD,
        "decided": PanelRequest.objects.filter(
            pk__in=[item.pk for item in to_decide], outcome=PanelRequest.Outcome.AGREED
        ).count(),
        "decided_expected": DECISION_THREADS,
        "requests_added": PanelRequest.objects.filter(child__in=to_request).count(),
        "requests_expected": REQUEST_THREADS,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))  # noqa: T201
