"""Small helpers that render Django form fields and figures in GOV.UK Design System markup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms, template
from django.forms import BaseForm, BoundField
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core import calendar, idempotency, money
from core.navigation import nav_for

register = template.Library()

# A figure as views and reports hand it over: a number, `c` when suppressed, blank when unknown.
Figure = Decimal | float | int | str | None


def _widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.simple_tag
def govuk_field(
    field: BoundField, label_size: str = "s", width: str = "", hint: str = ""
) -> SafeString:
    """Render a bound field with its label, hint and error message, as the Design System does."""
    return render_to_string(
        "includes/field.html",
        {
            "field": field,
            "kind": _widget_kind(field),
            "label_size": label_size,
            "width": width,
            "hint": hint or field.help_text,
        },
    )


@register.simple_tag
def submission_token() -> SafeString:
    """A hidden input with a fresh token, for a create form with no natural key: the service's
    `core.idempotency.submit_once` makes one record however often the form is sent."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        idempotency.TOKEN_FIELD,
        idempotency.token_new(),
    )


@register.inclusion_tag("includes/error_summary.html")
def govuk_error_summary(*forms_: BaseForm | None) -> dict[str, list[dict[str, object]]]:
    errors: list[dict[str, object]] = []
    for form in forms_:
        if form is None:
            continue
        for message in form.non_field_errors():
            errors.append({"message": message, "href": ""})
        for field in form:
            for message in field.errors:
                errors.append(
                    {"message": message, "href": f"#{field.id_for_label or field.auto_id}"}
                )
    return {"errors": errors}


@register.simple_tag(takes_context=True)
def service_navigation(context: Context, section: str | None = None) -> list[dict[str, object]]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return nav_for(request.user, section)


@register.filter
def pounds(value: Figure, places: int = 0) -> str:
    """£36,233 (whole pounds by default); rounding half-up once, here at output."""
    if value is None or value == "":
        return "–"
    if value == "c":
        return "c"
    amount = money.round_half_up(Decimal(str(value)), int(places))
    return f"£{amount:,.{int(places)}f}"


@register.filter
def pounds_short(value: Figure) -> str:
    """£53.7m for millions, £45,497 below: for headline figures that must fit a card."""
    if value is None or value == "":
        return "–"
    if value == "c":
        return "c"
    amount = Decimal(str(value))
    if abs(amount) >= 1_000_000:
        return f"£{money.round_half_up(amount / 1_000_000, 1)}m"
    return f"£{money.round_half_up(amount):,.0f}"


@register.filter
def thousands(value: Figure) -> str:
    if value is None:
        return "–"
    if value == "c":
        return "c"
    return f"{money.round_half_up(Decimal(str(value)) / 1000):,.0f}"


@register.filter
def financial_year(value: int | str) -> str:
    """2026 → 2026-27."""
    return calendar.financial_year_label(int(value))


def _date_text(value: dt.date | None, date_format: str, arg: str) -> str:
    if not value:
        return "–"
    with_time = arg == "time" and isinstance(value, dt.datetime)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, date_format + (" H:i" if with_time else ""))


@register.filter
def govuk_date(value: dt.date | None, arg: str = "") -> str:
    """The one date style for pages: 23 November 2026 (`|govuk_date:"time"` adds 14:05, in
    UK time). Dense tables use `govuk_date_short` instead."""
    return _date_text(value, "j F Y", arg)


@register.filter
def govuk_date_short(value: dt.date | None, arg: str = "") -> str:
    """23 Nov 2026, for dense tables only (registers, search results, history tables)."""
    return _date_text(value, "j M Y", arg)


@register.filter
def number(value: int | str | None) -> str:
    """A count with thousands separators: 17,558. `c` (suppressed) stays `c`; None is `–`."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,}"
