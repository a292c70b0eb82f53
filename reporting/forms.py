"""The dashboards' filters: every value comes from the URL, so a filtered page can be shared."""

from __future__ import annotations

from typing import Any

from django import forms

LABELS = {
    "fy": "Financial year",
    "need": "Need",
    "group": "Setting group",
    "district": "District",
    "top": "Number of providers",
    "base": "Base year",
}


class DashboardFilterForm(forms.Form):
    """Built with the choices the snapshot offers (`reporting.selectors.filter_choices`)."""

    def __init__(self, data: Any, *, choices: dict[str, list[tuple[str, str]]], top: bool):
        super().__init__(data)
        for name, options in choices.items():
            self.fields[name] = forms.ChoiceField(
                label=LABELS[name],
                choices=options,
                required=False,
                error_messages={"invalid_choice": "Select one of the choices in the list"},
            )
        if top:
            self.fields["top"] = forms.IntegerField(
                label=LABELS["top"],
                min_value=1,
                max_value=100,
                required=False,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
                error_messages={
                    "min_value": "Show at least 1 provider",
                    "max_value": "Show at most 100 providers",
                    "invalid": "Enter the number of providers as a whole number, like 10",
                },
            )
