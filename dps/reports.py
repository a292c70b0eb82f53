"""The DPS's reports for the `report` command (found by `core.registry.autodiscover`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.errors import DomainError
from core.registry import register_report
from dps.selectors.consultations import consultation_report


@register_report(
    "consultations",
    "Per provider, consultations sent from --from to --to: consulted, offers, declines, "
    "no response, overdue (as of --as-of, else today) and median response days",
)
def consultations(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    as_of: dt.date | None = None,
    **_options: Any,
) -> list[dict[str, Any]]:
    if date_from is None or date_to is None:
        raise DomainError("consultations needs --from and --to, as YYYY-MM-DD")
    if date_to < date_from:
        raise DomainError("--to must be the same as or after --from")
    return consultation_report(
        date_from=date_from, date_to=date_to, today=as_of or timezone.localdate()
    )
