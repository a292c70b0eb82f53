"""Bounds from the model fields an import writes, so the check refuses what the database would.

A clean row's values are named after model fields (`to=` in `RowParser.field`). For the app
that registered the kind (or the kind's own `models`, when it names them), every concrete field
of that name gives a bound: an integer column's range, a decimal column's digits, a text
column's length, and dates within IMPORT_DATE_MIN_YEAR..IMPORT_DATE_MAX_YEAR. When one name is
used by several models of the app, the tightest bound applies. Found by introspection, so
`imports` needs no import of the apps above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache

from django.apps import apps
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from core.references import ReferenceValidator, reference_problem

from . import parsing

Check = Callable[[object], None]


def _integer_check(low: int | None, high: int | None) -> Check:
    def check(value: object) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            if high is not None and value > high:
                raise ValueError(f"is too large: the largest that can be stored is {high:,}")
            if low is not None and value < low:
                raise ValueError(f"is too small: the smallest that can be stored is {low:,}")

    return check


def _decimal_check(max_digits: int, places: int) -> Check:
    largest = Decimal(10) ** (max_digits - places) - Decimal(1).scaleb(-places)

    def check(value: object) -> None:
        if isinstance(value, Decimal) and abs(value) > largest:
            raise ValueError(f"is more than {largest:,}, the largest that can be stored")

    return check


def _length_check(max_length: int) -> Check:
    def check(value: object) -> None:
        if isinstance(value, str) and len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")

    return check


def _reference_check(value: object) -> None:
    problem = reference_problem(value) if isinstance(value, str) else None
    if problem is not None:
        raise ValueError(problem)


def _date_check(value: object) -> None:
    if isinstance(value, dt.date):
        parsing.date_in_range(value)


def _field_checks(field: models.Field) -> list[Check]:
    checks: list[Check] = []
    internal = field.get_internal_type()
    ranges = BaseDatabaseOperations.integer_field_ranges
    if internal in ranges:
        checks.append(_integer_check(*ranges[internal]))
    if isinstance(field, models.DecimalField) and field.max_digits is not None:
        checks.append(_decimal_check(field.max_digits, field.decimal_places or 0))
    if isinstance(field, models.CharField) and field.max_length:
        checks.append(_length_check(field.max_length))
    if any(isinstance(v, ReferenceValidator) for v in field.validators):
        checks.append(_reference_check)
    if isinstance(field, models.DateField):
        checks.append(_date_check)
    return checks


def field_checks(model_classes: Iterable[type[models.Model]]) -> dict[str, list[Check]]:
    """Checks by field name (and by `<fk>_id`), over these models."""
    found: dict[str, list[Check]] = {}
    for model in model_classes:
        for field in model._meta.concrete_fields:
            checks = _field_checks(field)
            if not checks:
                continue
            for name in {field.name, field.attname}:
                found.setdefault(name, []).extend(checks)
    return found


@cache
def checks_for_module(module: str) -> dict[str, list[Check]]:
    config = apps.get_containing_app_config(module)
    return field_checks(config.get_models()) if config is not None else {}


def check_value(checks: dict[str, list[Check]], name: str, value: object) -> None:
    """Raise ValueError when `value` does not fit a field named `name`."""
    for check in checks.get(name, ()):
        check(value)
