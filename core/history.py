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
