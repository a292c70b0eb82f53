"""The placements app's reports for the `report` command (found by `core.registry.autodiscover`)."""

from __future__ import annotations

from typing import Any

from core.disclosure import suppress_rows
from core.errors import DomainError
from core.registry import register_report

from . import selectors


@register_report(
    "ehcp-timeliness",
    "EHCP 20-week timeliness of plans issued from --from to --to: issued, excepted (20-week "
    "exception applies), counted, within_20_weeks and percent_within_20_weeks, in total and by "
    "month of issue; --suppress hides small numbers",
)
def ehcp_timeliness(
    *, date_from=None, date_to=None, suppress: bool = False, **_options: Any
) -> dict[str, list[dict[str, Any]]]:
    if date_from is None or date_to is None:
        raise DomainError("ehcp-timeliness needs --from and --to, as YYYY-MM-DD")
    if date_to < date_from:
        raise DomainError("--to must be the same as or after --from")
    tables = selectors.ehcp_timeliness(date_from=date_from, date_to=date_to)
    if suppress:
        tables = {
            name: suppress_rows(
                rows,
                count_fields=["issued", "excepted", "counted", "within_20_weeks"],
                figure_fields=["percent_within_20_weeks"],
            )
            for name, rows in tables.items()
        }
    return tables
