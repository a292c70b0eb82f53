"""The `sufficiency` report and the shaping of stored sufficiency results into rows.

Registered from ReportingConfig.ready(). Pure functions over the snapshot's JSON (and a
scenario's stored result): nothing here computes the forecast.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from core import calendar, disclosure, money
from core.errors import DomainError
from core.registry import register_report
from placements import rules

from . import sufficiency
from .sufficiency_services import PRESETS

ALL = "ALL"


def _round1(value: float) -> float | int:
    """One decimal, and a whole number without its `.0` (1195, not 1195.0)."""
    rounded = money.round_half_up(Decimal(str(value)), 1)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def whole(value: float | None) -> int | None:
    return None if value is None else int(money.round_half_up(Decimal(str(value)), 0))


def totals(
    result: dict[str, Any],
    *,
    need: str | None = None,
    phase: str | None = None,
    group: str | None = None,
    by_need: bool = False,
) -> dict[tuple[Any, ...], dict[str, float | None]]:
    """Children (demand, forecast) and places by (academic year, group[, need]), filtered.
    Places are for all needs (a school's places are not reserved by need), in the phase filter."""
    out: dict[tuple[Any, ...], dict[str, float | None]] = defaultdict(
        lambda: {"capacity": None, "demand": 0.0, "forecast": 0.0}
    )
    for row in result["rows"]:
        if (need and row["need"] != need) or (phase and row["phase"] != phase):
            continue
        if group and row["group"] != group:
            continue
        key = (row["academic_year"], row["group"], row["need"]) if by_need else (
            row["academic_year"], row["group"]
        )  # fmt: skip
        cell = out[key]
        cell["demand"] = (cell["demand"] or 0.0) + row["demand"]
        cell["forecast"] = (cell["forecast"] or 0.0) + row["forecast"]
    for row in result["capacity"]:
        if (phase and row["phase"] != phase) or (group and row["group"] != group):
            continue
        key = (row["academic_year"], row["group"], ALL) if by_need else (
            row["academic_year"], row["group"]
        )  # fmt: skip
        cell = out[key]
        cell["capacity"] = (cell["capacity"] or 0.0) + row["places"]
    return dict(out)


def _disclosed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as people without casework see them (core.disclosure): whole children, `c` when
    small, rounded to 5; the needs of a group and year against its `ALL` row, so that no `c`
    is the `ALL` row less the others."""
    counted = [{**r, "demand": whole(r["demand"]), "forecast": whole(r["forecast"])} for r in rows]
    groups: dict[tuple[str, str], tuple[list[int], int | None]] = {}
    for index, row in enumerate(counted):
        members, total = groups.get((row["academic_year"], row["setting_group"]), ([], None))
        if row["need"] == ALL:
            total = index
        else:
            members = [*members, index]
        groups[(row["academic_year"], row["setting_group"])] = (members, total)
    lines: list[tuple[list[disclosure.Cell], disclosure.Cell | None]] = [
        ([(index, field) for index in members], (total, field) if total is not None else None)
        for members, total in groups.values()
        for field in ("demand", "forecast")
    ]
    return disclosure.disclose_rows(
        counted, counts=["demand", "forecast"], rests_on={}, lines=lines
    )


def report_rows(
    data: dict[str, Any],
    scenario: dict[str, Any] | None = None,
    scenario_name: str | None = None,
    *,
    need: str | None = None,
    phase: str | None = None,
    group: str | None = None,
    suppress: bool = False,
) -> list[dict[str, Any]]:
    """Rows of academic_year, setting_group, need, capacity, demand, forecast (and scenario):
    one row per need, and an `ALL` row per group carrying the group's places."""
    result = scenario if scenario is not None else data["baseline"]
    by_need = totals(result, need=need, phase=phase, group=group, by_need=True)
    by_group = totals(result, need=need, phase=phase, group=group)
    for (year, grp), cell in by_group.items():
        all_row = by_need.setdefault((year, grp, ALL), {"capacity": None})
        all_row["demand"] = cell["demand"]
        all_row["forecast"] = cell["forecast"]
    order = {g: i for i, g in enumerate(sufficiency.GROUPS)}
    rows = []
    for (year, grp, nd), cell in sorted(
        by_need.items(),
        key=lambda item: (item[0][0], order.get(item[0][1], 99), item[0][2] != ALL, item[0][2]),
    ):
        row: dict[str, Any] = {
            "academic_year": calendar.academic_year_label(year),
            "setting_group": grp,
            "need": nd,
            "capacity": whole(cell["capacity"]) if cell["capacity"] is not None else None,
            "demand": _round1(cell.get("demand") or 0.0),
            "forecast": _round1(cell.get("forecast") or 0.0),
        }
        if scenario_name is not None:
            row["scenario"] = scenario_name
        rows.append(row)
    if suppress:
        rows = _disclosed(rows)
    return rows


ALL_NEEDS = "All needs"
NEED_LABELS = dict(rules.NEED_TYPES)
DOWNLOAD_COLUMNS = {
    "academic_year": "Academic year",
    "setting_group": "Setting group",
    "need": "Primary need",
    "capacity": "Places",
    "demand": "Children before moves to added places",
    "forecast": "Children",
    "scenario": "Scenario",
}


def _count(value: Any) -> Any:
    return whole(value) if isinstance(value, (int, float)) else value


def labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`report_rows` for people: setting groups and needs by name, column headings in words and
    children in whole numbers, as on the page."""
    out = []
    for row in rows:
        named = {
            **row,
            "setting_group": sufficiency.GROUP_LABELS.get(
                row["setting_group"], row["setting_group"]
            ),
            "need": ALL_NEEDS if row["need"] == ALL else NEED_LABELS.get(row["need"], row["need"]),
            "demand": _count(row["demand"]),
            "forecast": _count(row["forecast"]),
        }
        out.append({DOWNLOAD_COLUMNS[key]: value for key, value in named.items()})
    return out


def backtest_rows(data: dict[str, Any], *, suppress: bool = False) -> list[dict[str, Any]]:
    """The back-test by academic year and setting group, for download: the census count, the
    forecast made a year before, and the absolute percentage error. Without the casework role,
    a row whose census count is 1 to 4 shows `c` for its figures."""
    order = {g: i for i, g in enumerate(sufficiency.GROUPS)}
    rows = []
    for r in sorted(
        data["backtest"], key=lambda r: (r["academic_year"], order.get(r["group"], 99))
    ):
        actual = whole(r["actual"])
        hidden = suppress and disclosure.is_small_number(actual)
        rows.append(
            {
                "Academic year": calendar.academic_year_label(r["academic_year"]),
                "Setting group": sufficiency.GROUP_LABELS.get(r["group"], r["group"]),
                "Children (census)": disclosure.SUPPRESSED if hidden else actual,
                "Forecast a year before": disclosure.SUPPRESSED
                if hidden
                else _round1(r["forecast"]),
                "Absolute percentage error (%)": disclosure.SUPPRESSED
                if hidden
                else (None if r["ape"] is None else _round1(r["ape"])),
            }
        )
    return rows


@register_report(
    "sufficiency",
    "Places (capacity) against children with EHCPs (demand, forecast) by academic year, setting "
    "group and need, from the latest sufficiency snapshot on or before --as-of; --scenario NAME "
    "gives that scenario's forecast; --suppress hides small numbers",
)
def sufficiency_report(
    *, as_of: dt.date | None = None, scenario: str | None = None, suppress: bool = False, **_: Any
) -> list[dict[str, Any]]:
    from .models import DashboardSnapshot, SufficiencyScenario

    snapshots = DashboardSnapshot.objects.filter(dashboard="sufficiency")
    if as_of is not None:
        snapshots = snapshots.filter(as_of__lte=as_of)
    snapshot = snapshots.order_by("-as_of", "-computed_at").first()
    if snapshot is None:
        raise DomainError(
            "No sufficiency figures yet: run `python manage.py recompute_dashboards` first"
        )
    if scenario is None:
        return report_rows(snapshot.data, suppress=suppress)
    found = SufficiencyScenario.objects.filter(name__iexact=scenario.strip()).first()
    if found is None:
        names = ", ".join(SufficiencyScenario.objects.values_list("name", flat=True)) or "none yet"
        raise DomainError(f"No scenario called '{scenario}'. Scenarios: {names}")
    result = found.result
    if found.as_of != snapshot.as_of or result is None:
        # The scenario was computed against another snapshot: compute it against this one.
        from .sufficiency_services import scenario_result

        result = scenario_result(found, snapshot)
    return report_rows(snapshot.data, result, found.name, suppress=suppress)


# --- The page's cost and preset tables (reporting/views/sufficiency.py shows them) ----------


def shown(count: int | None, suppress: bool) -> int | str | None:
    """A count as this page shows it: for people without casework `c` when small, else
    rounded to 5 (core.disclosure)."""
    return disclosure.disclose_count(count) if suppress else count


def pounds(value: float) -> float:
    return float(money.round_half_up(Decimal(str(value)), 0))


def scenario_cost_rows(
    data: dict[str, Any],
    result: dict[str, Any],
    inmss_rows: list[dict[str, Any]],
    labels: list[str],
    suppress: bool,
) -> list[dict[str, Any]]:
    """The scenario's net saving by year, for all needs and phases (docs/sufficiency.md). A year
    whose INMSS figures are hidden (small numbers) hides its costs too."""
    rows = []
    costs = sufficiency.scenario_costs(data["baseline"], result, data["average_costs"])
    for cost, label, inmss in zip(costs, labels, inmss_rows, strict=False):
        hidden = disclosure.SUPPRESSED in (inmss["baseline"], inmss["scenario"])
        rows.append(
            {
                "year": label,
                "actual": inmss["actual"],
                "moved": shown(whole(cost["moved"]), suppress),
                "empty_places": whole(cost["empty_places"]),
                **{
                    field: disclosure.SUPPRESSED if hidden else pounds(cost[field])
                    for field in (
                        "inmss_avoided",
                        "other_settings",
                        "empty_places_cost",
                        "net_saving",
                    )
                },
            }
        )
    return rows


def preset_rows(data: dict[str, Any] | None, suppress: bool) -> list[dict[str, Any]]:
    """Each preset with its assumptions and, from the snapshot, its INMSS figure and net saving
    in the last forecast year against the baseline."""
    rows = []
    for preset in PRESETS.values():
        row: dict[str, Any] = {"preset": preset}
        result = (data or {}).get("presets", {}).get(preset.slug)
        if data is not None and result:
            final = int(data["base_year"]) + sufficiency.HORIZON
            baseline_cell = totals(data["baseline"]).get((final, rules.INMSS))
            preset_cell = totals(result).get((final, rules.INMSS))
            baseline_inmss = shown(
                whole(baseline_cell["forecast"] if baseline_cell else 0), suppress
            )
            preset_inmss = shown(whole(preset_cell["forecast"] if preset_cell else 0), suppress)
            net = sufficiency.scenario_costs(data["baseline"], result, data["average_costs"])[-1]
            hidden = disclosure.SUPPRESSED in (baseline_inmss, preset_inmss)
            row.update(
                final_year=calendar.academic_year_label(final),
                inmss_baseline=baseline_inmss,
                inmss=preset_inmss,
                net_saving=disclosure.SUPPRESSED if hidden else pounds(net["net_saving"]),
            )
        rows.append(row)
    return rows
