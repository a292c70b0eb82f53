"""The servers the browser tests drive: Django's `live_server`, or the product as deployed.

`server` is `live_server` (the test settings, in the test's own process), unless the test is
marked `production_too`: then it runs twice, once on `live_server` and once on
`production_server`: gunicorn with two workers on `config.settings.production` (DEBUG off,
WhiteNoise serving collected static files, secure cookies, HSTS, the Content-Security-Policy),
against the test's own PostgreSQL database and, with REDIS_URL, a real Celery worker.

The production server needs PostgreSQL: gunicorn runs in other processes, and pytest-django's
SQLite test database lives in the test process's memory. On SQLite those tests skip (and fail
under CI_REQUIRE_SERVICES=1, where CI runs them on PostgreSQL).
"""

from __future__ import annotations

import email
import email.policy
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, _skip_or_fail, shared_mail_dir, shared_media_root
from tests.factories import PASSWORD

GUNICORN_WORKERS = 2
START_TIMEOUT = 60.0
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
# What the test run sets that the production server must not inherit (tests/conftest.py allows
# the ORM from Playwright's event loop; production keeps Django's guard).
TEST_ONLY_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CI_REQUIRE_SERVICES",
}

PRODUCTION_SERVER = pytest.StashKey["ProductionServer"]()
LOG_OFFSET = pytest.StashKey[int]()


@dataclass(frozen=True)
class SentEmail:
    """An email the server sent, whichever server sent it."""

    to: list[str]
    subject: str
    body: str


@dataclass
class ProductionServer:
    """gunicorn serving `config.wsgi:application` on the production settings."""

    url: str
    process: subprocess.Popen
    log_path: Path
    mail_dir: Path

    def log_since(self, offset: int = 0) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")[-8000:]

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def sent_emails(self) -> list[SentEmail]:
        """The emails written by the file-based backend (EMAIL_FILE_PATH), oldest first."""
        sent = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for raw in path.read_bytes().split(MAIL_SEPARATOR):
                if not raw.strip():
                    continue
                message = email.message_from_bytes(raw, policy=email.policy.default)
                body = message.get_body(preferencelist=("plain",))
                sent.append(
                    SentEmail(
                        to=[address.strip() for address in message["To"].split(",")],
                        subject=str(message["Subject"]),
                        body=body.get_content() if body is not None else "",
                    )
                )
        return sent

    def forget_emails(self) -> None:
        for path in self.mail_dir.glob("*.log"):
            path.unlink()


def pytest_generate_tests(metafunc):
    """A test marked `production_too` runs on `live_server` and on `production_server`."""
    if metafunc.definition.get_closest_marker("production_too") is None:
        return
    if "server" not in metafunc.fixturenames:
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid} is marked production_too but uses neither `server` "
            "nor `signed_in_page`"
        )
    metafunc.parametrize(
        "server", ["live_server", "production_server"], indirect=True, ids=["live", "production"]
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test on the production server shows what gunicorn logged meanwhile."""
    outcome = yield
    report = outcome.get_result()
    production = item.config.stash.get(PRODUCTION_SERVER, None)
    if report.failed and production is not None and LOG_OFFSET in item.stash:
        report.sections.append(
            (f"gunicorn log ({call.when})", production.log_since(item.stash[LOG_OFFSET]))
        )


# --- The server a browser test drives -----------------------------------------------


@pytest.fixture
def server(request):
    """The server under test: `live_server`, or `production_server` for `production_too` tests.
    Either has `.url`."""
    return request.getfixturevalue(getattr(request, "param", "live_server"))


@pytest.fixture
def signed_in_page(page, server):
    """`signed_in_page(user)` signs `user` in through the real login form and returns the page,
    so a browser test starts where the user's journey does: signed in, on the home page."""

    def sign_in(user, password: str = PASSWORD):
        page.goto(f"{server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()
        if "/accounts/login/" in page.url:
            raise AssertionError(f"Signing in as {user.username!r} failed: still on {page.url}")
        return page

    return sign_in


@pytest.fixture
def violations(page):
    """Every Content-Security-Policy violation the browser reports, from the console and the
    DOM event."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => {"
        " console.error('Content Security Policy violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI); });"
    )
    return found


@pytest.fixture
def sent_emails(server):
    """`sent_emails()`: what the server under test has emailed during this test."""
    from django.core import mail

    if isinstance(server, ProductionServer):
        return server.sent_emails

    def outbox() -> list[SentEmail]:
        return [SentEmail(to=list(m.to), subject=m.subject, body=m.body) for m in mail.outbox]

    return outbox


# --- The production server ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database)."""
    user = urllib.parse.quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = user + (":" + urllib.parse.quote(password, safe="") if password else "")
    host = urllib.parse.quote(settings_dict.get("HOST") or "127.0.0.1", safe="")
    port = settings_dict.get("PORT") or "5432"
    name = urllib.parse.quote(settings_dict["NAME"], safe="")
    options = {
        key: value
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if isinstance(value, str | int)
    }
    query = f"?{urllib.parse.urlencode(options)}" if options else ""
    return f"postgres://{credentials}@{host}:{port}/{name}{query}"


def _production_env(**overrides: str) -> dict[str, str]:
    """The environment production needs, with dummy secrets and nothing from the test settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in TEST_ONLY_ENV and not key.startswith("PYTEST")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory) -> Path:
    """`collectstatic` on the production settings (hashed names, compressed copies), once."""
    static_root = tmp_path_factory.mktemp("production-static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_production_env(STATIC_ROOT=str(static_root)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"collectstatic failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return static_root


@pytest.fixture(scope="session")
def _production_server_process(request, tmp_path_factory):
    from django.conf import settings
    from django.db import connection

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _skip_or_fail(
            "the production server needs a PostgreSQL DATABASE_URL: gunicorn runs in other "
            "processes and cannot see pytest-django's in-memory SQLite test database"
        )
    # Creates test_<name> and points the connection at it; read the name only after that.
    request.getfixturevalue("django_db_setup")
    static_root = request.getfixturevalue("production_static_root")
    directory = tmp_path_factory.mktemp("production-server")
    mail_dir = Path(shared_mail_dir())
    log_path = directory / "gunicorn.log"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))

    for _attempt in range(3):  # another process may take the free port before gunicorn binds it
        port = _free_port()
        origins = f"http://127.0.0.1:{port},http://localhost:{port}"
        env = _production_env(
            DATABASE_URL=_database_url(connection.settings_dict),
            REDIS_URL=settings.REDIS_URL,
            CSRF_TRUSTED_ORIGINS=origins,
            # Plain HTTP here: in production a proxy terminates TLS and the redirect stays on.
            SECURE_SSL_REDIRECT="False",
            STATIC_ROOT=str(static_root),
            MEDIA_ROOT=shared_media_root(),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
            # A recompute queued a minute after a save would land in a later test's data.
            REPORTING_RECOMPUTE_ON_CHANGE="False",
        )
        command = [gunicorn, "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
        command += ["-w", str(GUNICORN_WORKERS), "--timeout", "120", "--graceful-timeout", "5"]
        command += ["--access-logfile", "-", "--error-logfile", "-"]
        log = log_path.open("ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        server = ProductionServer(
            url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, mail_dir=mail_dir
        )
        try:
            if _wait_until_healthy(server):
                break
        except BaseException:
            _stop(process)
            raise
    else:
        pytest.fail(f"gunicorn could not bind a port in three tries:\n{server.log_since()}")

    request.config.stash[PRODUCTION_SERVER] = server
    try:
        yield server
    finally:
        del request.config.stash[PRODUCTION_SERVER]
        _stop(process)


def _wait_until_healthy(server: ProductionServer) -> bool:
    """True once /health/ answers 200; False if gunicorn exited because the port was taken."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = server.log_since()
            if "Address already in use" in log:
                return False
            pytest.fail(f"gunicorn exited with {server.process.returncode}:\n{log}")
        try:
            health = f"{server.url}/health/"
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310 - http only
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer /health/ in {START_TIMEOUT:.0f} s:\n{server.log_since()}")


def _stop(process: subprocess.Popen) -> None:
    """Stop gunicorn's master and its workers: the whole process group it leads."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _forget_production_cache(redis_url: str) -> None:
    """Delete the production server's cache entries (KEY_PREFIX "sen") from Redis, leaving the
    broker's keys in the same database alone."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match="sen:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def production_server(request, _production_server_process, transactional_db, settings):
    """The product as deployed (gunicorn, production settings), on this test's database.

    The test's rows must be committed for gunicorn to see them, so this uses
    `transactional_db`. With REDIS_URL, jobs run on a real Celery worker. A page the test
    drives must report no Content-Security-Policy violation.
    """
    from django.conf import global_settings
    from django.contrib.auth import get_user_model

    server = _production_server_process
    request.node.stash[LOG_OFFSET] = server.log_size()
    server.forget_emails()
    if settings.REDIS_URL:
        _forget_production_cache(settings.REDIS_URL)
        request.getfixturevalue("celery_worker_process")

    # Production checks passwords with Django's default hashers; the test settings' fast MD5
    # hashes would not sign anyone in. Hash with production's first, and rehash the users made
    # already (checking a password with a non-preferred hasher rehashes it).
    settings.PASSWORD_HASHERS = [
        *global_settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    for user in get_user_model().objects.all():
        user.check_password(PASSWORD)

    found = request.getfixturevalue("violations") if "page" in request.fixturenames else []
    yield server
    assert found == [], "the production server's pages broke its Content-Security-Policy"
