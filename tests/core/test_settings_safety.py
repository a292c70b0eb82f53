"""Nothing falls back to settings with a fixed secret key and DEBUG on; production's settings pass
`check --deploy`; the demo commands refuse to run with DEBUG off."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parent.parent.parent

# What a real deployment names, with dummy values: check --deploy must find nothing to say.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-secret-key-for-the-deploy-check-" + "x7Qp2vR9sT4w" * 4,
    "ALLOWED_HOSTS": "sen.example.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://sen.example.gov.uk",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "entry",
    [
        "import sys, manage; sys.argv = ['manage.py', 'version']; manage.main()",
        "import config.wsgi",
        "import config.asgi",
        "import config.celery",
    ],
)
def test_entry_points_default_to_production_settings(entry):
    """With no settings named and no secrets, each entry point picks production's settings
    (and WSGI/ASGI, which load them at once, refuse to start without a SECRET_KEY)."""
    code = (
        f"import os\ntry:\n    {entry}\nfinally:\n    print(os.environ['DJANGO_SETTINGS_MODULE'])"
    )

    result = _run(code, {})

    assert result.stdout.strip().splitlines()[-1] == "config.settings.production"
    if "wsgi" in entry or "asgi" in entry:
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_manage_py_without_settings_or_secrets_refuses_to_start():
    result = _run(
        "import sys, manage; sys.argv = ['manage.py', 'check']; manage.main()",
        {"ALLOWED_HOSTS": "x"},
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_makemigrations_check_runs_without_settings_or_secrets_and_finds_nothing_missing():
    """A fresh checkout: every model change has its migration, checked as a newcomer would."""
    result = _run(
        "import sys, manage; "
        "sys.argv = ['manage.py', 'makemigrations', '--check', '--dry-run']; manage.main()",
        {},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_production_settings_pass_check_deploy():
    result = _run(
        "import django, sys\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')\n"
        "from django.conf import settings\n"
        "print('DEBUG', settings.DEBUG)\n",
        PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr
    assert "System check identified no issues" in result.stdout
    assert "DEBUG False" in result.stdout


@pytest.mark.django_db
def test_create_demo_users_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("create_demo_users", stdout=StringIO())

    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_seed_demo_flush_refuses_with_debug_off(settings, officer):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo", "--size", "small", "--flush", "--no-progress", stdout=StringIO())


def test_make_targets_and_ci_name_their_settings():
    makefile = (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()

    assert "export DJANGO_SETTINGS_MODULE" in makefile
    assert "DJANGO_SETTINGS_MODULE ?= config.settings.local" in makefile
    assert "test: export DJANGO_SETTINGS_MODULE = config.settings.test" in makefile
    assert "export DJANGO_SETTINGS_MODULE=config.settings.test" in ci
