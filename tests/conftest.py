"""Fixtures shared by every test: role users and clients, the browser, a real Celery worker.

By default the tests run on SQLite with Celery eager and need nothing installed. With
`DATABASE_URL` (PostgreSQL) and `REDIS_URL` set they run against the real services, and the
worker tests start a real worker. With `CI_REQUIRE_SERVICES=1` (set by `.ci/run`) a missing
browser or worker fails the run instead of skipping tests, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import factory.random
import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from
# such a thread unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth.models import Group  # noqa: E402
from django.test import Client  # noqa: E402

from core import roles  # noqa: E402
from tests.factories import PASSWORD, UserFactory  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
E2E_DIR = Path(__file__).resolve().parent / "e2e"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WORKER_START_TIMEOUT = 30.0

__all__ = ["PASSWORD"]


def _services_required() -> bool:
    return os.environ.get("CI_REQUIRE_SERVICES", "") not in ("", "0", "false", "False")


def _chromium_found() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def shared_media_root() -> str:
    """The MEDIA_ROOT a Celery worker and the production server share with each other: where
    one stores an upload, the other reads it."""
    return os.environ.get("MEDIA_ROOT") or str(ROOT / "media")


_MAIL_DIR: list[str] = []


def shared_mail_dir() -> str:
    """Where the production server and the Celery worker write the emails they send (the
    file-based backend), so a browser test reads what either sent. One per test run."""
    if not _MAIL_DIR:
        _MAIL_DIR.append(tempfile.mkdtemp(prefix="sen-test-mail-"))
    return _MAIL_DIR[0]


def _skip_or_fail(reason: str) -> None:
    if _services_required():
        pytest.fail(f"{reason} (CI_REQUIRE_SERVICES=1, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _reproducible_factories():
    """Reseed factory_boy and Faker for every test, so a failure shows the same names and
    dates when the test is rerun alone or in another order."""
    factory.random.reseed_random("sen-placements")


@pytest.fixture(autouse=True, scope="session")
def _locking_reads_need_a_transaction_on_sqlite():
    """On SQLite, refuse `select_for_update()` outside a transaction, as PostgreSQL does.

    SQLite ignores the lock, so a service that lost its transaction would pass every SQLite
    test while failing every save on PostgreSQL, and two saves at one version would both
    succeed. With this, the tests outside a test transaction (tests/test_write_paths.py) fail on
    SQLite too. The static check is tests/test_locking_reads_are_atomic.py."""
    from django.db.models.sql.compiler import SQLCompiler
    from django.db.transaction import TransactionManagementError

    compile_select = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        if (
            self.query.select_for_update
            and self.connection.vendor == "sqlite"
            and self.connection.get_autocommit()
        ):
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        return compile_select(self, *args, **kwargs)

    SQLCompiler.as_sql = as_sql
    yield
    SQLCompiler.as_sql = compile_select


@pytest.fixture(autouse=True)
def _empty_cache():
    """What one test kept (the worklist's children needing a school) is not another's."""
    from django.core.cache import cache

    from reporting.selectors import snapshots_forget_decoded

    cache.clear()
    snapshots_forget_decoded()


# --- Collection -----------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Mark browser tests `e2e`; skip them, with the fix in the reason, when there is no Chromium.

    Under CI_REQUIRE_SERVICES=1 they are left to run and fail loudly instead.
    """
    skip_e2e = None
    if not _chromium_found() and not _services_required():
        skip_e2e = pytest.mark.skip(
            reason=f"Chromium not found at {CHROMIUM}; install it with apt-get install chromium"
        )
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
            if skip_e2e is not None:
                item.add_marker(skip_e2e)


# --- Browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium: Playwright cannot download its own browser on these machines,
    and without the networking flags Chromium keeps dialling out to a closed network."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# --- Users and roles ------------------------------------------------------------------


@pytest.fixture
def role_groups(db) -> dict[str, Group]:
    """The four role groups with their permissions. A post_migrate hook makes them, but a test
    must not depend on that having run against this database (a flush, a reused DB)."""
    roles.roles_ensure()
    return {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}


@pytest.fixture
def officer(role_groups):
    """An SEN officer: casework (children's names), consultations, panel requests."""
    return UserFactory(username="officer", groups=[role_groups[roles.OFFICER]])


@pytest.fixture
def commissioner(role_groups):
    """A commissioner: runs the panel and the DPS, imports data."""
    return UserFactory(username="commissioner", groups=[role_groups[roles.COMMISSIONER]])


@pytest.fixture
def manager(role_groups):
    """A manager: aggregates only, no children's names (small numbers suppressed)."""
    return UserFactory(username="manager", groups=[role_groups[roles.MANAGER]])


@pytest.fixture
def admin_user(role_groups):
    """Overrides pytest-django's `admin_user` on purpose: ours is a superuser AND in our `admin`
    group, with the shared PASSWORD, so it behaves like the administrators the council has."""
    return UserFactory(
        username="admin",
        is_staff=True,
        is_superuser=True,
        groups=[role_groups[roles.ADMIN]],
    )


def _client_for(user) -> Client:
    """A fresh client per user, so a test can hold two roles' clients at once."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(officer) -> Client:
    """A test client signed in as the officer."""
    return _client_for(officer)


@pytest.fixture
def commissioner_client(commissioner) -> Client:
    """A test client signed in as the commissioner."""
    return _client_for(commissioner)


@pytest.fixture
def manager_client(manager) -> Client:
    """A test client signed in as the manager."""
    return _client_for(manager)


@pytest.fixture
def admin_client(admin_user) -> Client:
    """Overrides pytest-django's `admin_client` so it signs in as our `admin_user`."""
    return _client_for(admin_user)


# --- Celery worker ------------------------------------------------------------------


def _test_database_url(test_name: str) -> str:
    """DATABASE_URL with its database swapped for pytest-django's test database."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path="/" + urllib.parse.quote(test_name)))


@pytest.fixture(scope="session")
def celery_worker_process(request):
    """A real Celery worker on Redis, talking to the same test database as the tests.

    Eager mode runs a task inside the test's own transaction and process, so it cannot show
    that a task survives serialisation, the broker and a separate database connection. Tests
    using this must be `django_db(transaction=True)`, so the worker sees committed rows.
    Skipped without REDIS_URL and PostgreSQL (failing under CI_REQUIRE_SERVICES=1).
    It consumes both queues: `celery` and `imports` (CELERY_TASK_ROUTES).
    """
    yield from _celery_worker(request, node=f"pytest-{os.getpid()}@localhost")


FAULT_QUEUE = "imports-faults"


@pytest.fixture
def celery_worker_to_kill(request, settings):
    """`start(**env)`: a real worker of its own (prefork, one child) that a fault test may kill;
    `start` returns the worker's Popen. Imports are sent to a queue only this worker reads, so
    the session's shared worker (`celery_worker_process`) cannot take the job instead."""
    settings.IMPORTS_QUEUE = FAULT_QUEUE
    workers = []

    def start(**extra_env: str) -> subprocess.Popen:
        node = f"pytest-kill-{os.getpid()}-{len(workers)}@localhost"
        worker = _celery_worker(
            request, node=node, pool="prefork", env=extra_env, queues=(FAULT_QUEUE,)
        )
        workers.append(worker)
        return next(worker)

    yield start
    for worker in workers:
        next(worker, None)


def _celery_worker(
    request,
    *,
    node: str,
    pool: str = "solo",
    env: dict | None = None,
    queues: tuple[str, ...] = ("celery", "imports"),
):
    from django.conf import settings

    from config.celery import app as celery_app

    if not settings.REDIS_URL:
        _skip_or_fail("needs REDIS_URL and a live Celery worker")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _skip_or_fail("needs a PostgreSQL DATABASE_URL: a worker cannot share SQLite's test DB")

    # Creates test_<name> and points settings at it; read the name only after that.
    request.getfixturevalue("django_db_setup")
    test_db_name = settings.DATABASES["default"]["NAME"]

    # Messages left in the queue by an earlier run would run first, against a dropped database.
    with celery_app.connection_for_write() as broker:
        for queue in queues:
            broker.default_channel.queue_purge(queue)

    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(test_db_name),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": shared_media_root(),
        "TEST_EMAIL_FILE_PATH": shared_mail_dir(),
        **(env or {}),
    }
    celery = str(Path(sys.executable).with_name("celery"))
    command = [celery, "-A", "config", "worker", f"--pool={pool}", "--concurrency=1"]
    command += ["-l", "info", "-Q", ",".join(queues), "-n", node]
    command += ["--without-gossip", "--without-mingle"]
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in the teardown below
        mode="w+", prefix="celery-worker-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        command, cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT
    )

    def worker_log() -> str:
        log.flush()
        return Path(log.name).read_text(errors="replace")[-4000:]

    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"The Celery worker exited with {process.returncode}:\n{worker_log()}")
            if celery_app.control.ping(destination=[node], timeout=1.0):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The Celery worker did not answer a ping in {WORKER_START_TIMEOUT:.0f} s:\n"
                    f"{worker_log()}"
                )
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        os.unlink(log.name)


@pytest.fixture(autouse=True)
def celery_in_process_unless_worker(request):
    """Tasks run in the test's own process and transaction, unless the test asks for the real
    worker. With REDIS_URL set (CI) a view test would otherwise queue its job on Redis where no
    worker is listening; the worker tests prove the broker path with `celery_worker_process`."""
    from config.celery import app as celery_app

    if {"celery_worker_process", "celery_worker_to_kill"} & set(request.fixturenames):
        yield
        return
    was = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was
