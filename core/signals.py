"""Signals core sends, so the apps above it can react without core importing them."""

from __future__ import annotations

import django.dispatch

jobs_reaped = django.dispatch.Signal()
"""Sent with `job_ids` after the reaper marked those running jobs failed (their worker died)."""
