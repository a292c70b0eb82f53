"""Form fields for money and dates, with GOV.UK wording for every error, used by every form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from . import money

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


class GovukDateField(forms.DateField):
    """A date typed in a date input (YYYY-MM-DD), with messages naming the field by its label,
    or by `name` when the label does not read well in a sentence."""

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
        }
        messages.update(error_messages or {})
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(label=label, error_messages=messages, **kwargs)
