"""The DPS's reports for the `report` command (found by `core.registry.autodiscover`)."""

from __future__ import annotations

from core import money
from core.errors import DomainError
from core.registry import register_report

from .selectors import market


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
