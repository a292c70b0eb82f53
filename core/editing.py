"""Saving a form that edits a versioned record: the one pattern every change page follows.

Invalid input answers 400 with the messages beside the fields; a rule the service refuses
(DomainError) goes beside its field too; a stale save (someone saved since the page was opened)
answers 409 with the form showing the record as it now is and the reason at the top. Each view
keeps only what is its own: the service call, the success message and where to go next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError, StaleEditError


@dataclass
class Edit:
    form: forms.Form
    status: int
    saved: bool
    result: Any = None
    """What `save` returned."""


def versioned_save(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], object],
    *,
    current: Callable[[], forms.Form],
    stale_message: str = "",
) -> Edit:
    """On POST, validate `form` and `save(cleaned_data)` it; `current()` rebuilds the form from
    the record re-read (after a stale save), `stale_message` says so (the service's own words
    when blank). On GET, the form as it is. Deleting a versioned record goes the same way."""
    if request.method != "POST":
        return Edit(form, 200, False)
    if not form.is_valid():
        return Edit(form, 400, False)
    try:
        result = save(form.cleaned_data)
    except StaleEditError as error:
        messages.error(request, stale_message or error.messages[0])
        return Edit(current(), 409, False)
    except DomainError as error:
        error.add_to_form(form)
        return Edit(form, 400, False)
    return Edit(form, 200, True, result)
