"""Signals any app may send so that apps above it can react without being imported (ADR 0004).

`figures_changed` says data behind the figures changed (a placement, a panel decision, a fee, a
budget): reporting recomputes its dashboards shortly after. Send it with `figures_changed_on_commit`
from inside the service's transaction, so nothing reacts to a write that is rolled back.
`jobs_reaped` says the reaper marked running jobs failed because their worker died.
`kept_files_deleted` says the retention rule deleted files (core.retention)."""

from __future__ import annotations

import django.dispatch
from django.db import transaction

figures_changed = django.dispatch.Signal()
"""Sent with `what`: a short description, e.g. "placement 12 updated"."""

jobs_reaped = django.dispatch.Signal()
"""Sent with `job_ids` after the reaper marked those running jobs failed (their worker died)."""


kept_files_deleted = django.dispatch.Signal()
"""Sent with `paths` (relative to MEDIA_ROOT) after core.retention deleted those files."""


def figures_changed_on_commit(sender: type, what: str) -> None:
    transaction.on_commit(lambda: figures_changed.send(sender=sender, what=what))
