"""Test settings: the same database and broker switches as local, fast password hashing."""

from __future__ import annotations

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The tests' Celery worker is another process: it writes what it sends where the browser tests
# read the production server's emails (tests/conftest.py, shared_mail_dir).
if env("TEST_EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH")
# Each test starts with an empty cache (tests/conftest.py); clearing a Redis cache would flush
# the broker's database too.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests run a recompute where they ask for one: after every save of every test it would slow
# the suite, and a thread could not see a test's uncommitted data. The tests of the recompute
# after a change, and of the set-up without a worker, turn these on.
REPORTING_RECOMPUTE_ON_CHANGE = False
REPORTING_RECOMPUTE_IN_BACKGROUND = False
