"""Reads for reporting: dashboards read the latest stored snapshot and never compute on request.

`dashboard_view` turns one stored snapshot into what a page (or a download) shows: the year the
user chose, rows filtered by need, setting group and district, disclosure control for people
without casework (`disclose_table`), and labels for codes. Filtering and labelling stored rows is all it does.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from core import calendar, disclosure, money
from core.models import Job
from placements import rules

from . import metrics
from .dashboards import (
    CHILDREN,
    COUNT,
    DATE,
    DAYS,
    GROUP,
    INDEX,
    MONEY,
    NEED,
    NUMBER,
    PERCENT,
    SHARE,
    Dashboard,
    Table,
)
from .models import DashboardSnapshot, FiguresChange

GROUP_LABELS = dict(rules.SETTING_GROUP_CHOICES) | {"all": "All settings"}
NEED_LABELS = dict(rules.NEED_TYPES)
NUMERIC_KINDS = (COUNT, MONEY, SHARE, PERCENT, DAYS, NUMBER, INDEX)
DEFAULT_TOP = 10


_DECODED: OrderedDict[tuple[int, dt.datetime], Any] = OrderedDict()
_DECODED_KEPT = 32


def snapshots_forget_decoded() -> None:
    """Forget the snapshots this process decoded (tests, where one id is reused with other data)."""
    _DECODED.clear()


def snapshot_latest(dashboard: str) -> DashboardSnapshot | None:
    """The dashboard's latest snapshot. Its `data` is read-only: a process keeps the last
    snapshots it decoded (the Spend snapshot runs to megabytes at national size) and reads
    only the small row saying which is latest, unless that one has not been decoded here yet."""
    snapshot = (
        DashboardSnapshot.objects.filter(dashboard=dashboard)
        .order_by("-as_of", "-computed_at")
        .defer("data")
        .first()
    )
    if snapshot is None:
        return None
    key = (snapshot.pk, snapshot.computed_at)
    if key in _DECODED:
        _DECODED.move_to_end(key)
    else:
        _DECODED[key] = DashboardSnapshot.objects.values_list("data", flat=True).get(pk=snapshot.pk)
        while len(_DECODED) > _DECODED_KEPT:
            _DECODED.popitem(last=False)
    snapshot.data = _DECODED[key]
    return snapshot


def recompute_job_latest() -> Job | None:
    return Job.objects.filter(kind="recompute").order_by("-created_at").first()


@dataclass(frozen=True)
class Freshness:
    """What a page says about its figures: when they were computed (from the data as it was
    then), how many changes they miss since, and, when they miss any, the recompute waiting or
    running (read only then: a page with fresh figures spends one query on this)."""

    computed_at: dt.datetime | None
    changes: int

    @property
    def stale(self) -> bool:
        return self.changes > 0

    @cached_property
    def recompute(self) -> Job | None:
        return (
            Job.objects.filter(kind="recompute", status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            .order_by("-status", "pk")  # a running one first
            .first()
        )


def freshness(snapshot: DashboardSnapshot | None) -> Freshness:
    """Changes are recorded when they commit (reporting.receivers); one recorded at or after the
    moment the snapshot read the data may be missing from its figures, so it counts."""
    changes = FiguresChange.objects.all()
    if snapshot is not None:
        changes = changes.filter(at__gte=snapshot.computed_at)
    return Freshness(
        computed_at=snapshot.computed_at if snapshot is not None else None,
        changes=changes.count(),
    )


@dataclass(frozen=True)
class Filters:
    fy: int | None = None
    need: str = ""
    group: str = ""
    district: str = ""
    top: int = DEFAULT_TOP
    base: str = ""

    def query(self, **changes: Any) -> str:
        values = {
            "fy": self.fy,
            "need": self.need,
            "group": self.group,
            "district": self.district,
            "top": self.top if self.top != DEFAULT_TOP else "",
            "base": self.base,
            **changes,
        }
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})


def label(kind: str, key: str, value: Any) -> Any:
    """Codes as people read them: setting groups, needs, NCY; other values unchanged."""
    if value == disclosure.SUPPRESSED:
        return value
    if kind == GROUP:
        return GROUP_LABELS.get(value, value or "Not recorded")
    if kind == NEED:
        return NEED_LABELS.get(value, value) if value else "Not recorded"
    if key == "ncy" and value is not None:
        return rules.ncy_label(int(value))
    return value


def display(kind: str, value: Any) -> str:
    """A cell as the page shows it: money in pounds, shares and percents as %, `c` kept."""
    if value is None or value == "":
        return "–"
    if value == disclosure.SUPPRESSED:
        return disclosure.SUPPRESSED
    if kind == MONEY:
        amount = money.round_half_up(Decimal(str(value)))
        return f"{'−' if amount < 0 else ''}£{abs(amount):,.0f}"
    if kind == SHARE:
        return f"{money.round_half_up(Decimal(str(value)) * 100, 1)}%"
    if kind == PERCENT:
        return f"{money.round_half_up(Decimal(str(value)), 1)}%"
    if kind == DAYS:
        return f"{money.round_half_up(Decimal(str(value)), 1):,}"
    if kind == DATE:
        return dt.date.fromisoformat(str(value)).strftime("%-d %b %Y")
    if kind == COUNT and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _year_section(data: dict[str, Any], fy: int) -> dict[str, Any]:
    section: dict[str, Any] = data.get("by_year", {}).get(str(fy), {})
    return section


def chosen_year(data: dict[str, Any], requested: int | None) -> int | None:
    years = [int(y) for y in data.get("years", [])]
    if not years:
        return None
    if requested in years:
        return requested
    default = int(data.get("financial_year", years[-1]))
    return default if default in years else years[-1]


def _district_lines(
    table: Table, rows: list[dict[str, Any]]
) -> list[tuple[list[disclosure.Cell], disclosure.Cell | None]]:
    """The sums a reader of `table` can see or work out, as lines for `disclose_rows`: each
    count column within a district (its total is a headline figure or the county's rows), and,
    for a table broken down by district, each row's count across the districts against the
    county's row (every district of a need and setting group adds up to the county's figure)."""
    counts = table.count_keys
    lines: list[tuple[list[disclosure.Cell], disclosure.Cell | None]] = []
    by_district: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_district.setdefault(str(row.get("district", "")), []).append(index)
    for indexes in by_district.values():
        lines += [([(index, field) for index in indexes], None) for field in counts]
    if table.by_district:
        keys = [key for key in table.key_columns if key != "district"]
        county: dict[tuple[Any, ...], int] = {}
        districts: dict[tuple[Any, ...], list[int]] = {}
        for index, row in enumerate(rows):
            name = tuple(row.get(key) for key in keys)
            if row.get("district", ""):
                districts.setdefault(name, []).append(index)
            else:
                county[name] = index
        for name, indexes in districts.items():
            total = county.get(name)
            lines += [
                (
                    [(index, field) for index in indexes],
                    (total, field) if total is not None else None,
                )
                for field in counts
            ]
    return lines


def disclose_table(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A whole stored table (every district) as people without casework see it: one rule for
    the page, its chart, its downloads and `report --suppress` (`core.disclosure.disclose_rows`).
    Suppression is decided on the whole table, so a filter only picks rows of it: no choice of
    need, setting group, district or top N shows a figure another choice hides."""
    kinds = {column.key: column.kind for column in table.columns}
    shown = disclosure.disclose_rows(
        rows,
        counts=table.count_keys,
        rests_on=table.rests_on,
        money_fields=tuple(key for key, kind in kinds.items() if kind == MONEY),
        shares=tuple(key for key, kind in kinds.items() if kind == SHARE),
        percents=tuple(key for key, kind in kinds.items() if kind == PERCENT),
        lines=_district_lines(table, rows),
        row_count=CHILDREN if CHILDREN in table.count_keys else None,
    )
    for column in table.columns:
        if column.ratio_of is not None:
            numerator, denominator = column.ratio_of
            for row in shown:
                if row.get(column.key) not in (None, disclosure.SUPPRESSED):
                    percent = disclosure.rounded_percent(row[numerator], row[denominator])
                    row[column.key] = (
                        percent if percent in (None, disclosure.SUPPRESSED) else (percent / 100)
                    )
    if table.id == "concentration":
        shown = _ranked_without_hidden(shown)
    return shown


def _ranked_without_hidden(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Providers whose spend is shown, ranked among themselves; those whose spend is hidden
    after them, ranked `c`: a hidden spend keeps no place between two figures shown."""
    shown = [row for row in rows if row.get("spend") != disclosure.SUPPRESSED]
    hidden = [row for row in rows if row.get("spend") == disclosure.SUPPRESSED]
    return [
        *({**row, "rank": rank} for rank, row in enumerate(shown, start=1)),
        *({**row, "rank": disclosure.SUPPRESSED} for row in hidden),
    ]


_DISCLOSED: OrderedDict[tuple[str, int], tuple[list[dict[str, Any]], list[dict[str, Any]]]] = (
    OrderedDict()
)


def _disclosed_kept(table: Table, stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`disclose_table` of a stored table, kept while its decoded snapshot is (`_DECODED`): a
    national Spend table runs to thousands of rows, and each page view and download reads it."""
    key = (table.id, id(stored))
    kept = _DISCLOSED.get(key)
    if kept is not None and kept[0] is stored:
        _DISCLOSED.move_to_end(key)
        return kept[1]
    shown = disclose_table(table, stored)
    _DISCLOSED[key] = (stored, shown)
    while len(_DISCLOSED) > _DECODED_KEPT * 4:
        _DISCLOSED.popitem(last=False)
    return shown


def table_rows(
    dashboard: Dashboard,
    table: Table,
    data: dict[str, Any],
    filters: Filters,
    *,
    suppress: bool,
) -> list[dict[str, Any]]:
    """The table's stored rows for the chosen year, disclosed (for people without casework),
    then filtered and rebased."""
    source = (
        _year_section(data, filters.fy or 0).get("tables", {})
        if table.per_year
        else data.get("tables", {})
    )
    stored: list[dict[str, Any]] = source.get(table.id, [])
    rows = _disclosed_kept(table, stored) if suppress else list(stored)
    keys = {column.key for column in table.columns}
    if table.by_district:
        rows = [row for row in rows if row.get("district", "") == filters.district]
    if filters.need and "need" in keys:
        rows = [row for row in rows if row.get("need") == filters.need]
    if filters.group and "setting_group" in keys:
        rows = [row for row in rows if row.get("setting_group") == filters.group]
    if table.id == "concentration":
        rows = rows[: filters.top]
    if table.id == "growth" and rows:
        rows = metrics.rebase(rows, filters.base or rows[0]["date"])
    return rows


def _chart(table: Table, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Chart.js data from the rows shown (suppressed cells left out, so a chart never shows
    what the table hides); rows sharing a label are added together."""
    spec = table.chart
    if spec is None or not rows:
        return None
    kinds = {column.key: column.kind for column in table.columns}
    labels: list[str] = []
    values: dict[str, dict[str, float | None]] = {key: {} for key, _ in spec.series}
    for row in rows:
        kind = kinds.get(spec.label_key, "")
        raw = row.get(spec.label_key)
        if kind == NEED:  # the code: a chart axis has no room for the whole name
            text = str(raw or "Not recorded")
        elif kind == DATE:
            text = display(DATE, raw)
        else:
            text = str(label(kind, spec.label_key, raw))
        if text not in labels:
            labels.append(text)
        for key, _ in spec.series:
            value = row.get(key)
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                number = float(value) * (100 if kinds.get(key) == SHARE else 1)
                values[key][text] = (values[key].get(text) or 0.0) + number
            else:
                values[key].setdefault(text, None)
    return {
        "type": spec.type,
        "labels": labels,
        "datasets": [
            {"label": name, "data": [values[key].get(text) for text in labels]}
            for key, name in spec.series
        ],
        "money": spec.money,
        "stacked": spec.stacked,
        "indexAxis": spec.index_axis,
    }


def register_url(group: str, active_on: str) -> str:
    """The placements register filtered to a setting group's placements active on a date."""
    params = {"active_on": active_on, "group": group}
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{reverse('placements:placement_list')}?{query}"


def active_date(data: dict[str, Any], filters: Filters) -> str:
    """The date the page's "active" figures are on: the as-of date, or a past year's last day."""
    as_of = str(data.get("as_of", ""))
    if filters.fy is None:
        return as_of
    fy_end = calendar.financial_year_bounds(filters.fy)[1].isoformat()
    return min(as_of, fy_end) if as_of else fy_end


def table_view(
    dashboard: Dashboard,
    table: Table,
    data: dict[str, Any],
    filters: Filters,
    *,
    suppress: bool,
    casework: bool = False,
) -> dict[str, Any]:
    """The table as the page shows it. For casework roles a setting group cell of a table of
    active placements links to the placements behind it in the register."""
    rows = table_rows(dashboard, table, data, filters, suppress=suppress)
    links = casework and "placements" in table.count_keys
    on = active_date(data, filters)
    cells = [
        [
            {
                "text": display(column.kind, label(column.kind, column.key, row.get(column.key))),
                "sort": row.get(column.key) if column.kind in NUMERIC_KINDS else None,
                "numeric": column.kind in NUMERIC_KINDS,
                "href": register_url(row[column.key], on)
                if links and column.kind == GROUP and row.get(column.key) in rules.SETTING_GROUPS
                else None,
            }
            for column in table.columns
        ]
        for row in rows
    ]
    query = filters.query()
    downloads = {
        fmt: reverse("reporting:download", args=[dashboard.slug, table.id, fmt])
        + (f"?{query}" if query else "")
        for fmt in ("csv", "xlsx")
    }
    return {
        "id": table.id,
        "title": table.title,
        "description": table.description,
        "columns": [
            {"label": column.label, "numeric": column.kind in NUMERIC_KINDS}
            for column in table.columns
        ],
        "rows": cells,
        # A district is chosen but this table is not broken down by district.
        "every_district": bool(filters.district) and not table.by_district,
        "chart": _chart(table, rows),
        "downloads": downloads,
    }


def download_rows(
    dashboard: Dashboard, table: Table, data: dict[str, Any], filters: Filters, *, suppress: bool
) -> tuple[list[str], list[list[Any]], list[int]]:
    """Header, rows (numbers as numbers, `c` where suppressed, codes as labels) and the money
    columns, for core.downloads."""
    rows = table_rows(dashboard, table, data, filters, suppress=suppress)
    header = [column.label for column in table.columns]
    body = [
        [label(column.kind, column.key, row.get(column.key)) for column in table.columns]
        for row in rows
    ]
    money_at = [i for i, column in enumerate(table.columns) if column.kind == MONEY]
    return header, body, money_at


def _top_share(data: dict[str, Any], table_id: str, filters: Filters) -> tuple[Any, int]:
    """The share of the year's spend held by the first `filters.top` rows of the ranked table,
    and how many rows that is (fewer when fewer are ranked)."""
    ranked = _year_section(data, filters.fy or 0).get("tables", {}).get(table_id, [])
    chosen = ranked[: filters.top]
    if not chosen:
        return None, filters.top
    return round(sum(row.get("share") or 0 for row in chosen), 4), len(chosen)


def figures_view(
    dashboard: Dashboard,
    data: dict[str, Any],
    filters: Filters,
    *,
    suppress: bool,
    casework: bool,
) -> list[dict[str, Any]]:
    """The headline row: each figure with its drill-down (the table behind it; for casework
    roles, the placements register filtered to the placements behind it)."""
    year_figures = _year_section(data, filters.fy or 0).get("figures", {})
    active_on = active_date(data, filters)
    result = []
    for figure in dashboard.figures:
        source = year_figures if figure.per_year else data.get("figures", {})
        value = source.get(figure.key)
        label_text = figure.label
        if figure.top_share_of is not None:
            value, shown = _top_share(data, figure.top_share_of, filters)
            label_text = figure.label.format(top=shown)
        if suppress:
            value = disclose_figure(figure.kind, value, source.get(figure.count or ""))
        link = f"#table-{figure.table}"
        if casework and figure.register_group is not None:
            link = register_url(figure.register_group, active_on)
        result.append(
            {
                "label": label_text,
                "text": display(figure.kind, value),
                "link": link,
                "to_register": casework and figure.register_group is not None,
            }
        )
    return result


def disclose_figure(kind: str, value: Any, count: Any = None) -> Any:
    """A headline figure as people without casework see it, by the rule of the tables: `c` when
    it is a small count or rests on one (`count`), else rounded like a cell of its kind."""
    if disclosure.is_small_number(count) or (kind == COUNT and disclosure.is_small_number(value)):
        return disclosure.SUPPRESSED
    if kind == COUNT:
        return disclosure.round_count(value)
    if kind == MONEY:
        return disclosure.round_money(value)
    if kind == SHARE:
        return disclosure.round_share(value)
    if kind == PERCENT:
        return disclosure.round_percent(value)
    return value


def dashboard_page(
    dashboard: Dashboard,
    snapshot: DashboardSnapshot,
    filters: Filters,
    *,
    suppress: bool,
    casework: bool,
) -> dict[str, Any]:
    data = snapshot.data
    return {
        "figures": figures_view(dashboard, data, filters, suppress=suppress, casework=casework),
        "tables": [
            table_view(dashboard, table, data, filters, suppress=suppress, casework=casework)
            for table in dashboard.tables
        ],
    }


def filter_choices(dashboard: Dashboard, data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, from the snapshot."""
    choices: dict[str, list[tuple[str, str]]] = {}
    if "fy" in dashboard.filters:
        choices["fy"] = [
            (str(y), calendar.financial_year_label(int(y))) for y in reversed(data.get("years", []))
        ]
    if "need" in dashboard.filters:
        choices["need"] = [("", "Every need"), *rules.NEED_TYPES]
    if "group" in dashboard.filters:
        choices["group"] = [("", "Every setting group"), *rules.SETTING_GROUP_CHOICES]
    if "district" in dashboard.filters:
        choices["district"] = [("", "Every district")] + [(d, d) for d in data.get("districts", [])]
    if "base" in dashboard.filters:
        choices["base"] = [
            (row["date"], dt.date.fromisoformat(row["date"]).strftime("%-d %B %Y"))
            for row in data.get("tables", {}).get("growth", [])
            if not row.get("district")  # one choice a date: the rows for every district
        ]
    return choices
