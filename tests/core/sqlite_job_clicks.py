"""Several people pressing the same job button at once against a real SQLite file, as
`make demo` runs (Celery eager: a job runs inside the request that started it).

Run as `python -m tests.core.sqlite_job_clicks DB_PATH` (tests/core/test_job_clicks.py does,
with MEDIA_ROOT set). It migrates DB_PATH, then runs the scenarios of tests/core/job_clicks.py:
first with the tasks held (the job stays queued while every click lands), then with the jobs
running for real: an import of EAGER_ROWS rows, which holds SQLite's write lock while it runs,
and a recompute. Prints one JSON line: each scenario's answers, errors and jobs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(db_path: str) -> dict:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)

    from core import roles
    from tests.core import job_clicks
    from tests.factories import UserFactory

    roles.roles_ensure()
    media = Path(settings.MEDIA_ROOT)
    results: dict[str, dict] = {}

    def run(name: str, scenario, *args) -> None:
        outcome = scenario(*args)
        results[name] = {key: value for key, value in outcome.items()}
        connections.close_all()

    held = UserFactory(username="held", groups=[roles.COMMISSIONER])
    checked = job_clicks.checked_file(held, media)
    failed = job_clicks.failed_import(held, media)
    connections.close_all()
    with job_clicks.tasks_held():
        run("sen2_posts", job_clicks.sen2_posts, held)
        run("register_exports", job_clicks.register_exports, held)
        run("recompute_clicks", job_clicks.recompute_clicks, held)
        run("import_confirms", job_clicks.import_confirms, held, checked)
        run("import_restarts", job_clicks.import_restarts, held, failed)

    # The jobs run for real, inside the first click's request.
    from core.models import Job

    Job.objects.filter(status__in=["queued", "running"]).update(status="failed")
    running = UserFactory(username="running", groups=[roles.COMMISSIONER])
    big = job_clicks.checked_file(running, media, rows=job_clicks.EAGER_ROWS)
    connections.close_all()
    run("import_confirms_running", job_clicks.import_confirms, running, big)
    run("recompute_clicks_running", job_clicks.recompute_clicks, running)
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))  # noqa: T201
