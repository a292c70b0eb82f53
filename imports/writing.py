"""Bulk writes that keep record histories: simple_history's bulk helpers with who and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connections, router
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from core.history import keep_first_versions

BATCH_SIZE = 1000
UPDATE_BATCH_SIZE = 200  # bulk_update is one CASE per column: quadratic in the batch size


def _history_user(context):
    user = context.user
    return user if getattr(user, "is_authenticated", False) else None


def _has_history(model) -> bool:
    return hasattr(model, "history")


def bulk_create(model, objs: list, context) -> list:
    if not objs:
        return []
    if _has_history(model):
        return bulk_create_with_history(
            objs,
            model,
            batch_size=BATCH_SIZE,
            default_user=_history_user(context),
            default_change_reason=context.change_reason,
        )
    return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)


def bulk_update(model, objs: list, fields: list[str] | set[str], context) -> int:
    """Write changed records (and their history rows). On PostgreSQL one `UPDATE … FROM unnest()`
    per batch: Django's `bulk_update` builds a CASE expression per row and column in Python,
    which made a 100,000-row re-import take minutes.

    A record with a `version` (one edited through a form that checks it) has its version
    raised by one in the database, whatever it was when the import read it, so a form opened
    before the import is refused as stale rather than overwriting what the import wrote."""
    if not objs:
        return 0
    if _has_history(model):
        # A record written without history (the demo) keeps its value before this import.
        keep_first_versions(model, [obj.pk for obj in objs])
    concrete = {f.name for f in model._meta.concrete_fields}
    fields = set(fields) - {"version"}
    if "updated_at" in concrete:
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        fields.add("updated_at")
    versioned = "version" in concrete
    if versioned:
        for obj in objs:
            obj.version += 1  # what the history row records
    fields = sorted(fields)
    connection = connections[router.db_for_write(model)]
    for start in range(0, len(objs), BATCH_SIZE):
        batch = objs[start : start + BATCH_SIZE]
        if connection.vendor == "postgresql":
            _update_from_arrays(connection, model, batch, fields)
        else:
            model.objects.bulk_update(batch, fields, batch_size=UPDATE_BATCH_SIZE)
        if versioned:
            model.objects.filter(pk__in=[obj.pk for obj in batch]).update(version=F("version") + 1)
    if _has_history(model):
        get_history_manager_for_model(model).bulk_history_create(
            objs,
            batch_size=BATCH_SIZE,
            update=True,
            default_user=_history_user(context),
            default_change_reason=context.change_reason,
        )
    return len(objs)


def _update_from_arrays(connection, model, objs: list, fields: list[str]) -> None:
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    selects, arrays = [], []
    for index, field in enumerate(columns):
        arrays.append(
            [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]
        )
        selects.append(f"unnest(%s::{field.db_type(connection)}[]) AS c{index}")
    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(field.column)} = v.c{index}" for index, field in enumerate(columns[1:], start=1)
    )
    sql = (
        f"UPDATE {table} SET {assignments} FROM (SELECT {', '.join(selects)}) AS v "  # noqa: S608
        f"WHERE {table}.{quote(meta.pk.column)} = v.c0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def model_fields(data: dict) -> dict:
    """The field values of a clean row (keys starting with `_` are bookkeeping)."""
    return {k: v for k, v in data.items() if not k.startswith("_")}


def apply_changes(obj, values: dict) -> set[str]:
    """Set `values` on a loaded record; returns the names of the fields that changed.

    Unchanged rows are not written (a re-import of the same file is quick and adds no empty
    history entries), and only changed columns go into the bulk UPDATE.
    """
    changed = set()
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    return changed


def upsert(
    model,
    clean_rows: list[dict],
    existing: dict,
    context,
    *,
    lookup: str = "_id",
    key_fields: Iterable[str] = (),
    update_only: Iterable[str] | None = None,
    extra_fields: Iterable[str] = (),
    values_of: Callable[[dict], dict] = model_fields,
    build: Callable[[dict, dict], object] | None = None,
    on_change: Callable[[object, dict], None] | None = None,
    updates_first: bool = False,
) -> tuple[int, int]:
    """Create or update one record per clean row, with bulk queries; returns (created, updated).

    `existing` holds the loaded records, found by the row's `lookup` entry: `_id` (the pk found in
    validation, None for a new record) or a natural key such as `urn` (absent → new record).
    `values_of(clean)` gives the field values; `build(values, clean)` makes a new record (default
    `model(**values)`). A loaded record is compared on its values (only `update_only`, if given)
    and, when something changed, `on_change(obj, clean)` runs and it is written: its changed
    fields less `key_fields`, plus `extra_fields`. Each row's record is kept as `clean["_obj"]`.
    `updates_first` writes the updates before the new records.
    """
    new, changed, fields, matched = [], [], set(), 0
    for clean in clean_rows:
        values = values_of(clean)
        key = clean[lookup]
        # A pk found in validation was loaded: look it up strictly; other keys may be new.
        strict = lookup == "_id" and key is not None
        obj = existing[key] if strict else existing.get(key)
        if obj is None:
            obj = build(values, clean) if build else model(**values)
            new.append(obj)
        else:
            matched += 1
            if update_only is not None:
                values = {name: values[name] for name in update_only}
            if changed_fields := apply_changes(obj, values):
                if on_change:
                    on_change(obj, clean)
                fields.update(changed_fields)
                changed.append(obj)
        clean["_obj"] = obj
    fields = (fields - set(key_fields)) | set(extra_fields)
    if updates_first:
        bulk_update(model, changed, fields, context)
        bulk_create(model, new, context)
    else:
        bulk_create(model, new, context)
        bulk_update(model, changed, fields, context)
    return len(new), matched
