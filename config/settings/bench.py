"""The benchmark (`make bench`): production's behaviour (DEBUG off, no query log) over plain HTTP
on this machine, with the database and broker from the environment."""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# Every signed-in client of the load test signs in: keep django-axes' sign-in log quiet.
LOGGING = {**LOGGING, "loggers": {"axes": {"level": "WARNING"}}}  # noqa: F405
