"""The audit log of reads: who opened which child's record, decision record or SEN2 page, and
every export and download, with when and from where (docs/security.md "Audit").

Pages say what they read with a decorator, placed under the permission check: `reads_child`
(a page of one child's data), `reads_list` (a list that names children: one event per page
view, with its filters, not one per child) and `exports` (a download). Each writes its event
once the view has answered with success, so a refused or missing page writes nothing. Views
that know more than their address says call `record(request, action, obj=..., label=...)`.
Events are kept for AUDIT_RETENTION_DAYS and then deleted by `audit_prune` (nightly,
core.audit_tasks).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from . import roles
from .models import AuditEvent
from .security import client_ip

Action = AuditEvent.Action

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
_FILE_NAME = re.compile(r'filename="?([^";]+)"?')


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


def _after_success(
    write: Callable[[HttpRequest, dict[str, Any], HttpResponseBase], None],
) -> Callable[[View], View]:
    """A view decorator: `write` the event once the view has answered with success (2xx)."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def audited_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                write(request, kwargs, response)
            return response

        return audited_view  # type: ignore[return-value]

    return decorator


def reads_child(*, of: type[Model] | None = None, from_query: str = "") -> Callable[[View], View]:
    """For a page that shows one child's data: records "opened a child's record" with the
    child's reference: the URL's `child_ref`; or, with `of`, the child of that model's record
    the URL's `pk` names (a placement, a consultation); or, with `from_query`, the reference in
    that query parameter (a search started from a child), recording nothing when it is blank."""

    def write(request: HttpRequest, kwargs: dict[str, Any], _: HttpResponseBase) -> None:
        if from_query:
            child_ref = request.GET.get(from_query, "").strip()
        elif of is not None:
            found = of._default_manager.filter(pk=kwargs["pk"])
            child_ref = found.values_list("child__child_ref", flat=True).first() or ""
        else:
            child_ref = kwargs["child_ref"]
        if child_ref:
            record(
                request,
                Action.VIEW_CHILD,
                label=child_ref,
                object_type="child",
                object_id=child_ref,
            )

    return _after_success(write)


def has_casework(request: HttpRequest) -> bool:
    """Whether the person sees children's names (a page's lists of children are theirs only)."""
    return bool(request.user.has_perm(roles.CASEWORK))


def reads_list(
    name: str, *, when: Callable[[HttpRequest], bool] | None = None
) -> Callable[[View], View]:
    """For a page that lists children by name: one event per page view (not one per child),
    labelled with the list's `name` and the filters in its query string. `when` says whether
    this person is shown the names at all (a page may show them to casework only)."""

    def write(request: HttpRequest, kwargs: dict[str, Any], _: HttpResponseBase) -> None:
        if when is not None and not when(request):
            return
        filters = request.GET.urlencode()
        label = f"{name}: {filters}" if filters else name
        record(request, Action.VIEW_LIST, label=label, object_type="list")

    return _after_success(write)


def exports(object_type: str) -> Callable[[View], View]:
    """For a download: records an export under the file name the response gives."""

    def write(request: HttpRequest, kwargs: dict[str, Any], response: HttpResponseBase) -> None:
        found = _FILE_NAME.search(response.get("Content-Disposition", ""))
        record(
            request,
            Action.EXPORT,
            label=found.group(1) if found else request.path,
            object_type=object_type,
        )

    return _after_success(write)


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
