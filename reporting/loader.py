"""Read each table once per recompute into pandas: one query per table, no per-row ORM objects.

The fast path: on PostgreSQL the rows come through `COPY (query) TO STDOUT` (psycopg's
`cursor.copy`) straight into `pandas.read_csv`; elsewhere (SQLite in tests and the demo) one plain
SELECT whose tuples go straight into a frame. Either way the query is the queryset's own SQL, so
what counts (not withdrawn, the setting group rule) is defined once, in the selectors.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
import pyarrow as pa
from django.db import connection
from django.db.models import QuerySet
from pyarrow import csv as pa_csv

from core import calendar
from dps.models import BlockContract, Consultation, UpliftRequest
from panel.models import PanelRequest
from placements import rules
from placements.models import EHCP, Child, PlacementCostChange, Provider
from placements.selectors import placements_with_setting_group

from . import metrics
from .models import BudgetLine, DashboardSnapshot


def read_frame(
    queryset: QuerySet[Any],
    columns: list[str],
    names: list[str] | None = None,
    *,
    text: tuple[str, ...] = (),
    numbers: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The queryset's `values_list(*columns)` as a frame named `names`, read in one pass, with
    `text` columns as strings ("" for none), `numbers` as floats, `dates` as datetimes (NaT
    for none) and `categories` as text held once per distinct value (categories in sorted
    order); other columns come as the database gives them."""
    names = names or columns
    # In primary-key order: deterministic, and cheap for PostgreSQL (a million-row sort on the
    # models' own orderings tripled the read).
    sql, params = queryset.order_by("pk").values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            frame = _read_copy(
                cursor.cursor, sql, params, names, text + categories, numbers, dates, categories
            )
        else:
            cursor.execute(sql, params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
    _numbers(frame, *numbers)
    _text(frame, *text)
    _categories(frame, *categories)
    return _dates(frame, *dates)


def _read_copy(  # noqa: PLR0913
    raw: Any,
    sql: str,
    params: Any,
    names: list[str],
    text: tuple[str, ...],
    numbers: tuple[str, ...],
    dates: tuple[str, ...],
    categories: tuple[str, ...],
) -> pd.DataFrame:
    """PostgreSQL's CSV straight into Arrow's parser, typed as it is parsed: a million rows in
    a second or two, without a Python object per value."""
    buffer = io.BytesIO()
    with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:  # noqa: S608
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pd.DataFrame(columns=names)
    buffer.seek(0)
    types = {name: pa.string() for name in text}
    types.update({name: pa.float64() for name in numbers})
    # As calendar dates, which hold any year a date column can: `_dates` clips them.
    types.update({name: pa.date32() for name in dates})
    types.update({name: pa.dictionary(pa.int32(), pa.string()) for name in categories})
    table = pa_csv.read_csv(
        buffer,
        read_options=pa_csv.ReadOptions(column_names=names),
        convert_options=pa_csv.ConvertOptions(
            column_types=types,
            true_values=["t", "true"],
            false_values=["f", "false"],
            strings_can_be_null=False,
        ),
    )
    buffer.close()
    return table.to_pandas(split_blocks=True, self_destruct=True, date_as_object=False)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Date columns as nanosecond datetimes (NaT for none), within `core.calendar.likely_dates`.

    A date stored before the forms and imports kept to that range (a block contract ending on
    9999-12-31) is beyond what a nanosecond datetime holds (the year 2262); clipped to the
    range's last day, it still ends after every year the dashboards compute or forecast."""
    first, last = (pd.Timestamp(day) for day in calendar.likely_dates())
    for column in columns:
        values = pd.to_datetime(frame[column], errors="coerce")
        frame[column] = values.clip(lower=first, upper=last).astype("datetime64[ns]")
    return frame


def _numbers(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def _categories(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        values = frame[column]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object).where(values.notna(), "").astype(str).astype("category")
        frame[column] = values.cat.reorder_categories(sorted(values.cat.categories))
    return frame


def _text(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].fillna("").astype(str)
    return frame


PLACEMENT_COLUMNS = [
    "id",
    "child_id",
    "provider_id",
    "provider__urn",
    "provider__name",
    "provider__local_authority",
    "group",
    "start_date",
    "end_date",
    "annual_cost",
    "additional_cost",
    "attendance_pattern",
    "reason",
]
PLACEMENT_NAMES = [
    "id",
    "child_id",
    "provider_id",
    "urn",
    "provider",
    "provider_la",
    "group",
    "start_date",
    "end_date",
    "annual_cost",
    "additional_cost",
    "attendance_pattern",
    "reason",
]


def load_placements() -> pd.DataFrame:
    """Placements that count (not withdrawn), with `cost` = base fee + additional funding (from
    the latest change of fee or funding on) and the costs before each change (ADR 0008)."""
    frame = read_frame(
        placements_with_setting_group(),
        PLACEMENT_COLUMNS,
        PLACEMENT_NAMES,
        numbers=("annual_cost", "additional_cost", "id", "child_id", "provider_id", "urn"),
        categories=("group", "attendance_pattern", "reason", "provider", "provider_la"),
        dates=("start_date", "end_date"),
    )
    frame["cost"] = frame["annual_cost"] + frame["additional_cost"].fillna(0.0)
    return rules.with_cost_segments(frame, load_cost_changes())


def load_cost_changes() -> pd.DataFrame:
    """Each change of a placement's fee or funding from a date, with the cost before it."""
    frame = read_frame(
        PlacementCostChange.objects.filter(placement__withdrawn=False),
        [
            "placement_id",
            "effective_from",
            "annual_cost",
            "additional_cost",
            "previous_annual_cost",
            "previous_additional_cost",
        ],
        numbers=(
            "placement_id",
            "annual_cost",
            "additional_cost",
            "previous_annual_cost",
            "previous_additional_cost",
        ),
        dates=("effective_from",),
    )
    frame["cost"] = frame["annual_cost"] + frame["additional_cost"]
    frame["previous_cost"] = frame["previous_annual_cost"] + frame["previous_additional_cost"]
    return frame


EHCP_COLUMNS = [
    "child_id",
    "request_date",
    "issue_date",
    "ceased_date",
    "primary_need_id",
    "secondary_need_id",
    "week20_exception",
]
EHCP_NAMES = [
    "child_id",
    "request_date",
    "issue_date",
    "ceased_date",
    "need",
    "secondary_need",
    "week20_exception",
]


def load_ehcps() -> pd.DataFrame:
    frame = read_frame(
        EHCP.objects.all(),
        EHCP_COLUMNS,
        EHCP_NAMES,
        numbers=("child_id",),
        dates=("request_date", "issue_date", "ceased_date"),
    )
    if frame["week20_exception"].dtype != bool:
        frame["week20_exception"] = frame["week20_exception"].map(
            lambda value: str(value).lower() in ("1", "true", "t")
        )
    return frame


def load_children() -> pd.DataFrame:
    return read_frame(
        Child.objects.all(),
        ["id", "date_of_birth", "district"],
        ["child_id", "date_of_birth", "district"],
        numbers=("child_id",),
        text=("district",),
        dates=("date_of_birth",),
    )


def load_providers() -> pd.DataFrame:
    columns = [
        "id",
        "urn",
        "name",
        "setting_group",
        "capacity",
        "local_authority",
        "status",
        "low_age",
        "high_age",
        "resourced_provision_capacity",
    ]
    names = ["provider_id", "urn", "provider", "group", "capacity", "provider_la", "status"]
    names += ["low_age", "high_age", "resourced_provision_capacity"]
    return read_frame(
        Provider.objects.all(),
        columns,
        names,
        numbers=(
            "provider_id",
            "urn",
            "capacity",
            "low_age",
            "high_age",
            "resourced_provision_capacity",
        ),
        text=("provider", "group", "provider_la", "status"),
    )


PANEL_COLUMNS = [
    "id",
    "child_id",
    "request_type",
    "provider_id",
    "provider__setting_group",
    "outcome",
    "agreed_cost",
    "requested_base_cost",
    "requested_additional_cost",
    "expected_start",
    "placement_id",
    "meeting__date",
    "decided_at",
]
PANEL_NAMES = [
    "id",
    "child_id",
    "request_type",
    "provider_id",
    "group",
    "outcome",
    "agreed_cost",
    "requested_base_cost",
    "requested_additional_cost",
    "expected_start",
    "placement_id",
    "meeting_date",
    "decided_at",
]


def load_panel_requests() -> pd.DataFrame:
    frame = read_frame(
        PanelRequest.objects.all(),
        PANEL_COLUMNS,
        PANEL_NAMES,
        numbers=(
            "id",
            "child_id",
            "provider_id",
            "placement_id",
            "agreed_cost",
            "requested_base_cost",
            "requested_additional_cost",
        ),
        text=("request_type", "group", "outcome", "decided_at"),
        dates=("expected_start", "meeting_date"),
    )
    frame["decided_at"] = pd.to_datetime(
        frame["decided_at"].replace("", None), errors="coerce", utc=True, format="ISO8601"
    )
    frame["decided_on"] = frame["decided_at"].dt.tz_convert(None).dt.normalize()
    return frame


CONSULTATION_COLUMNS = [
    "id",
    "child_id",
    "provider_id",
    "sent_on",
    "due_on",
    "response",
    "responded_on",
    "offered_start",
    "placement_id",
]


def load_consultations() -> pd.DataFrame:
    return read_frame(
        Consultation.objects.all(),
        CONSULTATION_COLUMNS,
        numbers=("id", "child_id", "provider_id", "placement_id"),
        text=("response",),
        dates=("sent_on", "due_on", "responded_on", "offered_start"),
    )


def load_budget_lines() -> pd.DataFrame:
    return read_frame(
        BudgetLine.objects.all(),
        ["financial_year", "line", "amount"],
        ["fy", "line", "budget"],
        numbers=("fy", "budget"),
        text=("line",),
    )


def load_block_contracts() -> pd.DataFrame:
    columns = [
        "id",
        "provider_id",
        "provider__urn",
        "provider__name",
        "places_reserved",
        "price_per_place",
        "start_date",
        "end_date",
    ]
    names = [
        "id",
        "provider_id",
        "urn",
        "provider",
        "places_reserved",
        "price_per_place",
        "start_date",
        "end_date",
    ]
    return read_frame(
        BlockContract.objects.all(),
        columns,
        names,
        numbers=("id", "provider_id", "urn", "places_reserved", "price_per_place"),
        text=("provider",),
        dates=("start_date", "end_date"),
    )


def load_uplifts() -> pd.DataFrame:
    columns = ["provider_id", "academic_year", "requested_percent", "agreed_percent", "status"]
    return read_frame(
        UpliftRequest.objects.all(),
        columns,
        numbers=("provider_id", "academic_year", "requested_percent", "agreed_percent"),
        text=("status",),
    )


def load_budget_history() -> pd.DataFrame:
    """The forecast outturn each earlier Budget snapshot stored, for the month-by-month chart."""
    rows = [
        {
            "as_of": pd.Timestamp(as_of),
            "fy": data.get("financial_year"),
            "forecast": data.get("forecast_total"),
        }
        for as_of, data in DashboardSnapshot.objects.filter(dashboard="budget").values_list(
            "as_of", "data"
        )
        if isinstance(data, dict)
    ]
    return pd.DataFrame(rows, columns=["as_of", "fy", "forecast"])


@dataclass
class Frames:
    """Every table a recompute reads, each read once."""

    placements: pd.DataFrame
    ehcps: pd.DataFrame
    children: pd.DataFrame
    providers: pd.DataFrame
    panel_requests: pd.DataFrame
    consultations: pd.DataFrame
    budget_lines: pd.DataFrame
    block_contracts: pd.DataFrame
    uplifts: pd.DataFrame
    budget_history: pd.DataFrame = field(default_factory=pd.DataFrame)

    @cached_property
    def placements_detailed(self) -> pd.DataFrame:
        """Placements with the child's primary `need`, `district` and `date_of_birth`, the
        grouping columns as categories: worked out once for every dashboard that needs them."""
        return metrics.with_key_categories(
            metrics.add_child_details(self.placements, self.ehcps, self.children),
            ("need", "district"),
        )

    @cached_property
    def ehcps_with_district(self) -> pd.DataFrame:
        """EHCPs with the child's `district` (a category)."""
        return metrics.with_key_categories(
            metrics.add_district(self.ehcps, self.children), ("district",)
        )


def load_all() -> Frames:
    return Frames(
        placements=load_placements(),
        ehcps=load_ehcps(),
        children=load_children(),
        providers=load_providers(),
        panel_requests=load_panel_requests(),
        consultations=load_consultations(),
        budget_lines=load_budget_lines(),
        block_contracts=load_block_contracts(),
        uplifts=load_uplifts(),
        budget_history=load_budget_history(),
    )
