"""The panel's reports for the `report` command (found by `core.registry.autodiscover`)."""

from __future__ import annotations

from core.errors import DomainError
from core.registry import register_report

from . import selectors


@register_report(
    "panel-summary",
    "Panel outcomes (requests, requested annual cost in £'000) and needs (requests, %) "
    "for the meetings from --from to --to; --suppress shows them as people without casework "
    "see them (whole months, small numbers hidden, rounded)",
    money_fields=(),
)
def panel_summary(*, date_from=None, date_to=None, suppress: bool = False, **_options):
    if date_from is None or date_to is None:
        raise DomainError("panel-summary needs --from and --to, as YYYY-MM-DD")
    if date_to < date_from:
        raise DomainError("--to must be the same as or after --from")
    return selectors.panel_summary(date_from=date_from, date_to=date_to, suppress=suppress)
