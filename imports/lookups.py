"""Finding recorded rows for an import chunk: one query per chunk, none per row.

Every kind does the same bookkeeping after parsing a chunk's cells:

- `Lookup` resolves a column that names a recorded record by a natural key (a child's
  `child_ref`, a provider's URN) to its id, reporting each value that names nothing as an error
  on its row, and `Resolved.swap` replaces the value by the id on a clean row;
- `existing_by` and `KeyIndex` find the records the rows would update, by one field or by a key
  of several fields;
- `mark` sets a clean row's `_key` (for repeats in the file), `_id` and `_exists`;
- `split` returns the clean rows and every error, as `ImportKind.validate_chunk` does;
- `recorded` loads, when writing, the records validation found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models

from .base import RowError, RowParser


def present(parsers: Iterable[RowParser], name: str) -> set:
    """The values of `name` filled in on the parsed rows (blank or unparsed ones left out)."""
    return {p.data[name] for p in parsers if p.data.get(name)}


def existing_by(model: type[models.Model], field: str, values: Iterable) -> dict:
    """{value: pk} of the records of `model` whose `field` is one of `values`: one query."""
    values = set(values)
    if not values:
        return {}
    return dict(model.objects.filter(**{f"{field}__in": values}).values_list(field, "pk"))


@dataclass(frozen=True)
class Lookup:
    """A column naming a recorded `model` by its `field`, e.g. a child by `child_ref`."""

    model: type[models.Model]
    field: str
    reason: str
    """The error beside a value that names no record, e.g. "is not a known child"."""

    def resolve(self, parsers: list[RowParser], column: str, *, to: str) -> Resolved:
        """Find every value of `column` on the chunk's rows in one query; report unknown ones."""
        ids = existing_by(self.model, self.field, present(parsers, column))
        for p in parsers:
            value = p.data.get(column)
            if value and value not in ids:
                p.error(column, self.reason)
        return Resolved(ids, column, to)


@dataclass(frozen=True)
class Resolved:
    ids: dict
    column: str
    to: str

    def get(self, value) -> int | None:
        return self.ids.get(value) if value else None

    def pks(self) -> list[int]:
        return list(self.ids.values())

    def swap(self, data: dict) -> None:
        """On a clean row: replace the column's value by the record's id (blank → None).
        A column missing from the file stays missing (the field is left unchanged)."""
        if self.column in data:
            value = data.pop(self.column)
            data[self.to] = self.ids[value] if value else None


class KeyIndex:
    """The recorded rows of `model` by a natural key of several fields, loaded in one query.

    `filters` narrow the query to the chunk (e.g. `child_id__in=...`); `also` names more
    fields to keep with each pk; `normalise` turns a key into the form it is compared in
    (e.g. a budget line compared without case), both when loading and when finding.
    """

    def __init__(
        self,
        model: type[models.Model],
        fields: tuple[str, ...],
        *,
        also: tuple[str, ...] = (),
        normalise: Callable[..., tuple] | None = None,
        **filters,
    ):
        self.normalise = normalise or (lambda *key: key)
        self.rows: dict[tuple, tuple] = {}
        width = len(fields)
        for pk, *values in model.objects.filter(**filters).values_list("pk", *fields, *also):
            self.rows[self.normalise(*values[:width])] = (pk, *values[width:])

    def record(self, *key) -> tuple | None:
        """`(pk, *also)` of the record with this key, or None."""
        return self.rows.get(self.normalise(*key))

    def find(self, *key) -> int | None:
        """The pk of the record with this key, or None."""
        found = self.record(*key)
        return found[0] if found else None

    def pks(self) -> list[int]:
        return [row[0] for row in self.rows.values()]


def mark(data: dict, key: tuple, pk: int | None) -> None:
    """A clean row's bookkeeping: `_key` as the file names it (repeats in one file are errors
    naming both rows), `_id` the record it updates (None: a new one) and `_exists`."""
    data["_key"] = key
    data["_id"] = pk
    data["_exists"] = pk is not None


def split(parsers: Iterable[RowParser]) -> tuple[list[dict], list[RowError]]:
    """The clean rows (those without errors) and every error, in row order."""
    clean_rows, errors = [], []
    for p in parsers:
        if p.ok:
            clean_rows.append(p.data)
        errors.extend(p.errors)
    return clean_rows, errors


def recorded(model: type[models.Model], clean_rows: list[dict]) -> dict:
    """{pk: record} of the records validation found (`_id`) for these rows: one query, or none."""
    ids = [c["_id"] for c in clean_rows if c["_id"] is not None]
    return model.objects.in_bulk(ids) if ids else {}
