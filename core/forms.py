"""Form fields for money, percentages, whole numbers and dates, with GOV.UK wording for every error, used by every form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models

from . import calendar, money

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _in_a_sentence(label: str) -> str:
    """The label as it reads inside a message: "Base annual fee" → "base annual fee"."""
    return label[0].lower() + label[1:]


class MoneyField(forms.DecimalField):
    """Pounds typed as people write them: `36000`, `36,000.50` or `£36,000`.

    Read by `core.money.read_money`, the reading the imports use, then checked here: not
    negative, pounds and pence, less than £10,000,000,000. Messages name the field by its
    label ("Enter the base annual fee"), or by `name` when the label does not read well in a
    sentence; `error_messages` replace them one by one.
    """

    widget = forms.TextInput(attrs={"prefix": "£", "inputmode": "decimal"})

    def __init__(
        self,
        *,
        label: str,
        name: str = "",
        error_messages: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        name = name or _in_a_sentence(label)
        messages = {
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be an amount in pounds, like 36000 or 36,000.50",
            "min_value": f"The {name} must be £0 or more",
            "max_digits": f"The {name} must be less than £10,000,000,000",
            "max_decimal_places": f"The {name} must be in pounds and pence",
            "max_whole_digits": f"The {name} must be less than £10,000,000,000",
        }
        messages.update(error_messages or {})
        super().__init__(
            label=label,
            min_value=Decimal(0),
            max_digits=12,
            decimal_places=2,
            error_messages=messages,
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return money.read_money(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PercentField(forms.DecimalField):
    """A percentage typed as `12.5` or `12.5%`, between `minimum` and `maximum` with at most
    `decimal_places` after the point.

    Out of range, whatever the way (too big, too small, too many digits), the message is one
    sentence: "Enter a change in new EHCPs between -100% and 100%". The range is checked here
    rather than by Django's validators, which fill their messages by %-formatting, and a "%"
    in a message with values to fill is an error, not a percent sign.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def __init__(
        self,
        *,
        label: str,
        name: str = "",
        minimum: int = 0,
        maximum: int = 100,
        decimal_places: int = 2,
        error_messages: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        name = name or _in_a_sentence(label).replace(" (%)", "")
        self.minimum, self.maximum, self.places = Decimal(minimum), Decimal(maximum), decimal_places
        between = f"Enter {_a_or_an(name)} between {minimum}% and {maximum}%"
        messages = {
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be a number, like {'-20' if minimum < 0 else '3.5'}",
            "out_of_range": between,
            "max_decimal_places": (
                f"The {name} can have no more than {decimal_places} "
                f"decimal place{'' if decimal_places == 1 else 's'}"
            ),
        }
        messages.update(error_messages or {})
        super().__init__(label=label, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip()
        number: Decimal | None = super().to_python(value)
        return number

    def validate(self, value: Any) -> None:
        super().validate(value)  # required, and not NaN or infinite
        if value in self.empty_values:
            return
        if not self.minimum <= value <= self.maximum:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            raise forms.ValidationError(
                self.error_messages["max_decimal_places"], code="max_decimal_places"
            )


class WholeNumberField(forms.IntegerField):
    """A whole number between `minimum` and `maximum`, with GOV.UK wording naming the field.

    Out of range, or not a whole number, the message is one sentence: "Enter an age between 0
    and 25" (Django's own say "Ensure this value is less than or equal to 25" and "Enter a whole
    number", naming nothing). `error_messages` replace them one by one: `out_of_range` covers
    both ends.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def __init__(
        self,
        *,
        label: str,
        name: str = "",
        minimum: int,
        maximum: int,
        error_messages: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        name = name or _in_a_sentence(label)
        self.minimum, self.maximum = minimum, maximum
        between = f"Enter {_a_or_an(name)} between {minimum:,} and {maximum:,}"
        messages = {"required": f"Enter the {name}", "invalid": between, "out_of_range": between}
        messages.update(error_messages or {})
        super().__init__(label=label, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip()
        number: int | None = super().to_python(value)
        return number

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not self.minimum <= value <= self.maximum:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")


def _a_or_an(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


class GovukDateField(forms.DateField):
    """A date typed in a date input (YYYY-MM-DD), with messages naming the field by its label,
    or by `name` when the label does not read well in a sentence. Every date a person types
    comes through this field (`model_form_field` makes it for a model's dates), and is within
    `core.calendar.likely_dates`, the range the imports take."""

    def __init__(
        self,
        *,
        label: str,
        name: str = "",
        error_messages: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        name = name or _in_a_sentence(label)
        messages = {
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be a real date, like 2026-01-27",
            "out_of_range": f"The {name} must be between {{first}} and {{last}}",
        }
        messages.update(error_messages or {})
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(label=label, error_messages=messages, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        first, last = calendar.likely_dates()
        if not first <= value <= last:
            # No params: Django would %-format the message, and it is already complete.
            raise forms.ValidationError(
                self.error_messages["out_of_range"].format(
                    first=long_date(first), last=long_date(last)
                ),
                code="out_of_range",
            )


def long_date(day: dt.date) -> str:
    """1 January 2026, as pages show dates."""
    return f"{day.day} {day:%B %Y}"


def model_form_field(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """The form field for a model field, as every form makes it (`formfield_callback`): a date is
    a GovukDateField, named by the label the form gives it."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        field: forms.Field | None = db_field.formfield(form_class=GovukDateField, **kwargs)
        return field
    return db_field.formfield(**kwargs)
