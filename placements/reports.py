"""The placements app's reports for the `report` command (found by `core.registry.autodiscover`)."""

from __future__ import annotations

from typing import Any

from core import disclosure
from core.errors import DomainError
from core.registry import register_report

from . import selectors


@register_report(
    "ehcp-timeliness",
    "EHCP 20-week timeliness of plans issued from --from to --to: issued, excepted (20-week "
    "exception applies), counted, within_20_weeks and percent_within_20_weeks, in total and by "
    "month of issue; --suppress gives them as people without casework see them (whole months, "
    "small numbers hidden, rounded)",
)
def ehcp_timeliness(
    *, date_from=None, date_to=None, suppress: bool = False, **_options: Any
) -> dict[str, list[dict[str, Any]]]:
    if date_from is None or date_to is None:
        raise DomainError("ehcp-timeliness needs --from and --to, as YYYY-MM-DD")
    if date_to < date_from:
        raise DomainError("--to must be the same as or after --from")
    if suppress:
        date_from, date_to = disclosure.whole_months(date_from, date_to)
    tables = selectors.ehcp_timeliness(date_from=date_from, date_to=date_to)
    if suppress:
        tables = _disclosed(tables)
    return tables


COUNTS = ["issued", "excepted", "counted", "within_20_weeks"]


def _disclosed(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The total and the months as people without casework see them (core.disclosure): the
    months of each count are protected against the total's."""
    rows = [*tables["total"], *tables["months"]]
    months = range(len(tables["total"]), len(rows))
    lines: list[tuple[list[disclosure.Cell], disclosure.Cell | None]] = [
        ([(index, field) for index in months], (0, field)) for field in COUNTS
    ]
    shown = disclosure.disclose_rows(
        rows,
        counts=COUNTS,
        rests_on={"percent_within_20_weeks": "counted"},
        percents=("percent_within_20_weeks",),
        lines=lines,
    )
    return {"total": shown[: len(tables["total"])], "months": shown[len(tables["total"]) :]}
