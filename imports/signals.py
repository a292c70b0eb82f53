"""Sent after an import's transaction commits, so apps above placements can react (reporting
recomputes its dashboards) without placements importing them (DESIGN.md §4)."""

from __future__ import annotations

import django.dispatch

import_completed = django.dispatch.Signal()
"""Sent with `kind` (the import kind's name) and `result` (the ImportResult)."""
