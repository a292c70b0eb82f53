"""Double submissions: a form sent twice (a double click, a retry, two tabs) makes one record.

Most creates have a natural key, a unique constraint that the service maps to a message beside
the field. Where the domain has none (two identical block contracts can be meant), the form
carries a submission token (`{% submission_token %}`: a fresh UUID in a hidden input) and the
service creates through `submit_once`, which claims the token in the same transaction as the
create. A repeat of the token gets the record the first submission made, and the view answers
as it did the first time. docs/adr/0007-double-submissions.md says why and where.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .errors import DomainError
from .models import SubmissionToken

TOKEN_FIELD = "submission_token"  # noqa: S105 - a form field name, not a secret
SENT_ALREADY = "This form has already been sent. Open the form again to add another."
GONE = "This form was sent already, and what it added has since been removed."

Made = TypeVar("Made", bound=models.Model)


def token_new() -> str:
    """A fresh token for a form about to be shown."""
    return str(uuid.uuid4())


def token_from(data: Mapping[str, Any]) -> uuid.UUID | None:
    """The token a form posted; None when it has none or it is not a UUID (a form opened before
    tokens existed is then saved without the guard, as it would have been)."""
    value = data.get(TOKEN_FIELD)
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def submit_once(
    *,
    token: uuid.UUID | None,
    user: User | None,
    model: type[Made],
    create: Callable[[], Made],
) -> Made:
    """Run `create` (which returns the `model` record it made) once per token.

    The token's row is inserted before `create` runs, in one transaction with it: a second
    submission's insert waits on the unique index until the first commits (PostgreSQL), or on
    the first's IMMEDIATE transaction (SQLite), then finds the token taken and returns the record
    the first made. A first submission that fails (bad input) rolls its token back, so the
    corrected form can be sent with the same one.
    """
    if token is None:
        return create()
    kind = model._meta.label
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SubmissionToken.objects.create(token=token, kind=kind, user=user)
        except IntegrityError:
            return _earlier(token=token, user=user, model=model)
        made = create()
        claim.object_id = made.pk
        claim.save(update_fields=["object_id"])
    return made


def _earlier(*, token: uuid.UUID, user: User | None, model: type[Made]) -> Made:
    claim = SubmissionToken.objects.filter(token=token).first()
    user_id = user.pk if user is not None else None
    if claim is None or claim.kind != model._meta.label or claim.user_id != user_id:
        raise DomainError(SENT_ALREADY)
    made = model._default_manager.filter(pk=claim.object_id).first()
    if made is None:
        raise DomainError(GONE)
    return made


def submission_tokens_expire(*, now: dt.datetime | None = None) -> int:
    """Delete tokens older than SUBMISSION_TOKEN_RETENTION_HOURS; returns how many went."""
    before = (now or timezone.now()) - dt.timedelta(hours=settings.SUBMISSION_TOKEN_RETENTION_HOURS)
    deleted, _ = SubmissionToken.objects.filter(created_at__lt=before).delete()
    return deleted
