"""Imports of the council's existing data (CSV/XLSX) and the placements app's import kinds.

`placements.registry.autodiscover` imports this package at start-up; importing `kinds`
registers `providers-gias`, `children` and `placements`. Other apps register theirs in their
own `imports.py`.
"""

from __future__ import annotations

from . import kinds  # noqa: F401  (registers the kinds)
