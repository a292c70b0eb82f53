"""Local development and `make demo`: SQLite and in-process tasks unless the environment says otherwise."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
