"""The one domain error type every service raises; views turn it into GOV.UK form errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.forms import BaseForm


class DomainError(Exception):
    """A rule was broken. `errors` maps a field name (or `None` for the whole form) to messages."""

    def __init__(
        self,
        message: str | Mapping[str, list[str] | str] | Mapping[str | None, list[str] | str],
    ) -> None:
        self.errors: dict[str | None, list[str]]
        if isinstance(message, str):
            self.errors = {None: [message]}
        else:
            self.errors = {
                field: [msgs] if isinstance(msgs, str) else list(msgs)
                for field, msgs in message.items()
            }
        super().__init__(self.messages)

    @property
    def messages(self) -> list[str]:
        return [msg for msgs in self.errors.values() for msg in msgs]

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> DomainError:
        if hasattr(error, "error_dict"):
            return cls(
                {
                    (None if field == "__all__" else field): [str(m) for e in errs for m in e]
                    for field, errs in error.error_dict.items()
                }
            )
        whole_form: dict[str | None, list[str]] = {None: [str(m) for m in error.messages]}
        return cls(whole_form)

    def add_to_form(self, form: BaseForm) -> None:
        for field, messages in self.errors.items():
            target = field if field in getattr(form, "fields", {}) else None
            for message in messages:
                form.add_error(target, message)


def full_clean_or_raise(instance: Model, *, exclude: list[str] | None = None) -> None:
    """Field validation as a DomainError. Uniqueness and constraints are left to the caller: to
    check after the domain rules, whose messages say more than a constraint name, and to
    `refuse_duplicate` at the save, so a duplicate is told in those words even when another save
    lands between the check and this one."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error


class StaleEditError(DomainError):
    """Someone else saved the record after this form was opened."""


def _is_unique_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == "23505"  # PostgreSQL's unique_violation
        or getattr(cause, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE"
    )


@contextmanager
def refuse_duplicate(
    message: str | Mapping[str, list[str] | str] | Mapping[str | None, list[str] | str],
) -> Iterator[None]:
    """Save inside this the record a service has just checked is not there already.

    Two identical saves at the same moment can both pass that check; the unique constraint then
    refuses the second. This turns that refusal into `DomainError(message)`, the same message the
    check gives, so the second person sees "already exists" beside the field, not an error page.
    The save runs in a savepoint, so the service's transaction can still be used (and rolled
    back) after it. Other integrity errors are faults, not duplicates, and are raised as they are.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not _is_unique_violation(error):
            raise
        raise DomainError(message) from error
