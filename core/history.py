"""Who made a change: the acting user on the django-simple-history row a save writes."""

from __future__ import annotations

from collections.abc import Iterable

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
    manager = getattr(type(instance), "history", None)
    if manager is None or instance.pk is None:
        return
    if manager.filter(**{instance._meta.pk.attname: instance.pk}).exists():
        return
    recorded = getattr(instance, "updated_at", None) or getattr(instance, "created_at", None)
    manager.bulk_history_create(
        [instance], default_date=recorded, default_change_reason="As first recorded"
    )
