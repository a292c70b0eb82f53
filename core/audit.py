"""The audit log of reads: who opened which child's record, decision record or SEN2 page, and
every export and download, with when and from where (docs/security.md "Audit").

Views call `record(request, action, obj=..., label=...)` once they know the record exists and
the user may see it, so a refused or missing page writes nothing. Events are kept for
AUDIT_RETENTION_DAYS and then deleted by `audit_prune` (nightly, core.audit_tasks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEvent
from .security import client_ip

Action = AuditEvent.Action


def record(
    request: HttpRequest,
    action: str,
    obj: Model | None = None,
    label: str = "",
    *,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Write one event for the signed-in user. `obj` gives the object type (its model name) and
    id unless they are named; `label` is what a reader of the log recognises (a child's
    reference, a file name), never a child's name."""
    user: Any = request.user
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:60],
        label=label[:200],
        path=request.get_full_path()[:500],
        ip=client_ip(request) or None,
        at=timezone.now(),
    )


def audit_search(
    *,
    username: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    child_ref: str = "",
) -> QuerySet[AuditEvent]:
    """Events matching every filter given, newest first. Dates are inclusive, in local time; a
    child's reference finds the child's record and anything labelled with it (panel requests)."""
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(username__iexact=username)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    if child_ref:
        events = events.filter(
            Q(object_type="child", object_id__iexact=child_ref) | Q(label__icontains=child_ref)
        )
    return events.order_by("-at", "-pk")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_prune(*, now: dt.datetime | None = None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS; the number deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
