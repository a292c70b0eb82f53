"""The production image holds what runs and nothing it must not: the file list `.ci/check_image.py`
builds from the Dockerfile and .dockerignore, as Docker would (CI then runs `check --deploy`
from exactly those files)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_image", ROOT / ".ci" / "check_image.py")
assert _spec is not None
assert _spec.loader is not None
check_image = sys.modules["check_image"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_image)

LOCAL_APPS = sorted({app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()})


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        (".env", True),
        (".env.production", True),
        ("db.sqlite3", True),
        ("db.sqlite3-wal", True),
        (".venv/lib/python3.11/site.py", True),
        ("core/__pycache__/models.cpython-311.pyc", True),
        ("frontend/node_modules/sass/sass.js", True),
        ("node_modules/htmx/htmx.js", True),
        ("media/imports/upload.csv", True),
        ("tests/test_access.py", True),
        (".git/HEAD", True),
        ("core/models.py", False),
        ("core/templates/core/home.html", False),
        ("docs/imports.md", False),
        ("static/css/app.css", False),
        ("placements/media.py", False),  # `media` leaves out the top-level directory only
    ],
)
def test_dockerignore_leaves_out_secrets_state_and_development_files(path, ignored):
    rules = check_image.ignore_rules((ROOT / ".dockerignore").read_text())

    assert check_image.is_ignored(path, rules) is ignored


def test_an_exception_puts_back_a_file_a_directory_rule_left_out():
    rules = check_image.ignore_rules("docs\n!docs/imports.md\n**/*.md\n!README.md\n")

    assert check_image.is_ignored("docs/adr/0001.md", rules)
    assert check_image.is_ignored("docs/imports.md", rules)  # a later rule wins
    assert not check_image.is_ignored("README.md", rules)
    assert not check_image.is_ignored("core/models.py", rules)


def test_the_image_holds_every_installed_app_of_the_project_and_no_secrets(tmp_path):
    for path in [
        "manage.py",
        "pyproject.toml",
        ".env",
        "db.sqlite3",
        "tests/test_x.py",
        ".venv/bin/python",
        "media/imports/x.csv",
        "docs/imports.md",
        "templates/base.html",
        *(f"{app}/__init__.py" for app in LOCAL_APPS),
        "config/__init__.py",
    ]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")
    rules = check_image.ignore_rules((ROOT / ".dockerignore").read_text())

    image = check_image.image_files(
        (ROOT / "Dockerfile").read_text(), check_image.context_files(tmp_path, rules)
    )

    files = set(image.files)
    assert {f"/app/{app}/__init__.py" for app in LOCAL_APPS} <= files
    assert {"/app/manage.py", "/app/config/__init__.py", "/app/docs/imports.md"} <= files
    assert {"/app/templates/base.html"} <= files
    assert not {"/app/.env", "/app/db.sqlite3", "/app/tests/test_x.py"} & files
    assert not [f for f in files if f.startswith(("/app/.venv/", "/app/media/"))]
    assert image.env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert {"core", "imports", "demo"} <= set(LOCAL_APPS)
