"""The demo data generator behind `manage.py seed_demo` (see `generator.seed`).

It lives in `reporting`, the top app, because it writes rows in every app and imports may only
point down the layers (DESIGN.md §4).
"""

from __future__ import annotations
