"""Who made a change: the acting user on the django-simple-history row a save writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model


def history_user_set(instance: Model, user: User | None) -> None:
    """Record `user` on the history row the next save (or delete) of `instance` writes.

    Explicit, so the history is right outside a request too (a task, a command, a test);
    simple-history reads `_history_user` before the request's user.
    """
    setattr(instance, "_history_user", user)  # noqa: B010 - simple-history's attribute, not a field


def save_as(
    instance: Model, user: User | None, *, update_fields: Iterable[str] | None = None
) -> None:
    """Save `instance` with `user` on its history row."""
    history_user_set(instance, user)
    instance.save(update_fields=update_fields)


def keep_first_version(instance: Model) -> None:
    """Write a history row of `instance` as it is stored now, when it has none yet.

    A record written in bulk (the demo, an older import) has no history row, so its first
    change would leave only the new value behind. Call this with the stored record just before
    changing it: the history then keeps the value before the change."""
    if instance.pk is not None:
        keep_first_versions(type(instance), [instance.pk])


def keep_first_versions(model: type[Model], pks: Iterable[Any]) -> None:
    """`keep_first_version` for many records of `model` at once (an import's updates)."""
    manager = getattr(model, "history", None)
    if manager is None:
        return
    pks = list(pks)
    name = model._meta.pk.attname
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        recorded = set(manager.filter(**{f"{name}__in": batch}).values_list(name, flat=True))
        missing = [pk for pk in batch if pk not in recorded]
        if not missing:
            continue
        stored = list(model._default_manager.filter(pk__in=missing))
        for record in stored:
            when = getattr(record, "updated_at", None) or getattr(record, "created_at", None)
            if when is not None:
                record._history_date = when  # type: ignore[attr-defined]  # read by simple_history
        manager.bulk_history_create(stored, default_change_reason="As first recorded")


BATCH = 5_000
