"""Bulk writes of the generated columns, and the flush of existing domain data.

PostgreSQL gets `COPY ... FROM STDIN` (psycopg 3); other databases get `bulk_create` in batches.
Either way rows carry explicit primary keys, so foreign keys are wired without reading back ids,
and no per-row `save()` (nor simple_history) runs.
"""

from __future__ import annotations

import json
import sys

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone
from tqdm import tqdm

BATCH = 5_000
DOMAIN_APPS = ("reporting", "panel", "dps")  # every model in these apps is domain data
# The placements app's domain models, referrers first (its reference data, need types, stays).
PLACEMENTS_DOMAIN = ("PlacementCostChange", "Placement", "Provider", "EHCP", "Child")


def domain_models() -> list[type[models.Model]]:
    """Domain models and their history tables, in an order that deletes referrers first."""
    found: list[type[models.Model]] = []
    for label in DOMAIN_APPS:
        found += list(apps.get_app_config(label).get_models(include_auto_created=True))[::-1]
    ordered = []
    for model in apps.get_app_config("placements").get_models(include_auto_created=True):
        name = model._meta.object_name
        base = name.removeprefix("Historical").split("_")[0]
        if base in PLACEMENTS_DOMAIN:
            ordered.append((PLACEMENTS_DOMAIN.index(base), model))
    found += [model for _, model in sorted(ordered, key=lambda item: item[0])]
    return found


def has_domain_data() -> bool:
    from dps.models import Consultation, Framework
    from panel.models import Meeting
    from placements.models import Child, Placement, Provider
    from reporting.models import BudgetLine

    return any(
        model.objects.exists()
        for model in (Child, Provider, Placement, Framework, Consultation, Meeting, BudgetLine)
    )


def flush_domain_data() -> None:
    """Delete children, EHCPs, providers, placements, DPS, panel and reporting rows and their
    history (TRUNCATE on PostgreSQL; ordered deletes elsewhere). Call inside a transaction."""
    quote = connection.ops.quote_name
    tables = [model._meta.db_table for model in domain_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks still pending in this transaction (rows written earlier
            # in it) would make TRUNCATE fail: run them now, truncate, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (table names from the models)
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", tables)  # noqa: S608


class Writer:
    def __init__(self, *, progress: bool = True, use_copy: bool | None = None) -> None:
        self.copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        self.progress = progress
        self.now = timezone.now()
        self.models: list[type[models.Model]] = []
        self.counts: dict[str, int] = {}

    def write(self, model: type[models.Model], columns: dict[str, list], label: str) -> int:
        columns = dict(columns)
        n = len(next(iter(columns.values()))) if columns else 0
        if not n:
            self.counts[label] = 0
            return 0
        for field in model._meta.concrete_fields:
            if field.attname in columns:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                columns[field.attname] = [self.now] * n
            elif not field.primary_key:
                columns[field.attname] = [field.get_default()] * n
        with tqdm(
            total=n, desc=f"write {label}", unit=" rows", disable=not self.progress,
            file=sys.stderr, leave=False, mininterval=0.5,
        ) as bar:  # fmt: skip
            if self.copy:
                self._copy(model, columns, n, bar)
            else:
                self._bulk_create(model, columns, n, bar)
        self.models.append(model)
        self.counts[label] = n
        return n

    def _copy(self, model, columns, n, bar) -> None:
        quote = connection.ops.quote_name
        names = list(columns)
        fields = [model._meta.get_field(name) for name in names]
        values = []
        for field, name in zip(fields, names, strict=True):
            column = columns[name]
            if isinstance(field, models.JSONField):
                column = [None if v is None else json.dumps(v) for v in column]
            values.append(column)
        sql = (
            f"COPY {quote(model._meta.db_table)} "
            f"({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for start in range(0, n, BATCH):
                for row in zip(*(column[start : start + BATCH] for column in values), strict=True):
                    copy.write_row(row)
                bar.update(min(BATCH, n - start))

    def _bulk_create(self, model, columns, n, bar) -> None:
        names = list(columns)
        for start in range(0, n, BATCH):
            chunk = zip(*(columns[name][start : start + BATCH] for name in names), strict=True)
            objects = [model(**dict(zip(names, row, strict=True))) for row in chunk]
            model.objects.bulk_create(objects, batch_size=BATCH)
            bar.update(len(objects))

    def analyze(self) -> None:
        """Refresh the planner's statistics of the tables written (PostgreSQL): without them a
        freshly bulk-loaded table is planned as if empty, and searches walk the wrong index."""
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in dict.fromkeys(model._meta.db_table for model in self.models):
                cursor.execute(f"ANALYZE {quote(table)}")

    def reset_sequences(self) -> None:
        """After explicit ids, move the id sequences past them (PostgreSQL)."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
