"""The DPS's reports for the `report` command (found by `core.registry.autodiscover`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core import money
from core.errors import DomainError
from core.registry import register_report
from dps.selectors import market
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


@register_report(
    "uplift-savings",
    "Negotiation savings of the decided fee uplift requests of --ay: per request, the provider, "
    "its placements active on 1 September, requested and agreed % (a refusal is 0%) and the saving",
    money_fields=("saving",),
)
def uplift_savings(*, ay=None, **_options):
    if ay is None:
        raise DomainError("uplift-savings needs --ay, the academic year, like 2025 or 2025/26")
    return [
        {**row, "saving": money.round_money(row["saving"])}
        for row in market.uplift_savings_rows(academic_year=ay)
    ]
