"""Sent after an import's transaction commits, so apps above placements can react (reporting
recomputes its dashboards) without placements importing them (ADR 0001 and ADR 0004)."""

from __future__ import annotations

import django.dispatch

import_completed = django.dispatch.Signal()
"""Sent with `kind` (the import kind's name) and `result` (the ImportResult)."""
