"""Forms for the sufficiency dashboard: filters, scenarios and the council's planned places."""

from __future__ import annotations

from typing import Any

from django import forms

from core import calendar
from core.forms import PercentField
from placements import rules

from . import sufficiency
from .sufficiency_models import (
    EHCP_CHANGE_LIMIT,
    EHCP_CHANGE_OUT_OF_RANGE,
    PHASE_CHOICES,
    PROVISION_CHOICES,
)

GROUP_LABELS = sufficiency.GROUP_LABELS
NEED_CHOICES = [("", "All needs"), *rules.NEED_TYPES]


class AcademicYearField(forms.Field):
    """`2026`, `2026/27` or `2026-27`: the year the academic year starts in."""

    widget = forms.TextInput

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        self.name = label[0].lower() + label[1:]
        kwargs.setdefault("help_text", "For example, 2026/27 (from September 2026)")
        super().__init__(label=label, required=required, **kwargs)
        self.error_messages["required"] = f"Enter the {self.name}"

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            year = calendar.parse_academic_year(text[:20])
        except ValueError as error:
            if "likely year" in str(error):
                raise forms.ValidationError(
                    f"The {self.name} must be between 2000/01 and 2100/01"
                ) from error
            raise forms.ValidationError(
                f"The {self.name} must be an academic year such as 2026/27"
            ) from error
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(f"The {self.name} must be between 2000/01 and 2100/01")
        return year


class FilterForm(forms.Form):
    need = forms.ChoiceField(label="Need", choices=NEED_CHOICES, required=False)
    phase = forms.ChoiceField(
        label="Phase", choices=[("", "All phases"), *PHASE_CHOICES], required=False
    )
    group = forms.ChoiceField(
        label="Setting group",
        choices=[("", "All setting groups"), *[(g, GROUP_LABELS[g]) for g in sufficiency.GROUPS]],
        required=False,
    )
    scenario = forms.TypedChoiceField(
        label="Scenario", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, scenarios: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [("", "Baseline only"), *scenarios]


def _places_fields(prefix_label: str, required: bool) -> dict[str, forms.Field]:
    return {
        "setting_group": forms.ChoiceField(
            label="Provision",
            choices=[("", "Choose provision"), *PROVISION_CHOICES],
            required=required,
            error_messages={"required": "Choose the provision the places are in"},
        ),
        "need": forms.ChoiceField(
            label="Need the places are for",
            choices=[("", "Any need"), *rules.NEED_TYPES],
            required=False,
        ),
        "phase": forms.ChoiceField(
            label="Phase",
            choices=[("", "Choose phase"), *PHASE_CHOICES],
            required=required,
            error_messages={"required": "Choose the phase of the places"},
        ),
        "academic_year": AcademicYearField(
            label=f"{prefix_label} from academic year", required=required
        ),
        "places": forms.IntegerField(
            label="Number of places",
            required=required,
            min_value=1,
            max_value=10000,
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            error_messages={
                "required": "Enter the number of places",
                "invalid": "The number of places must be a whole number, like 100",
                "min_value": "The number of places must be 1 or more",
                "max_value": "The number of places must be 10,000 or fewer",
            },
        ),
    }


class ScenarioFieldsForm(forms.Form):
    """A scenario's name, description and change in new EHCPs."""

    name = forms.CharField(
        label="Scenario name",
        max_length=120,
        error_messages={"required": "Enter a name for the scenario"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ehcp_change_percent = PercentField(
        label="Change in new EHCPs (%)",
        name="change in new EHCPs",
        required=False,
        minimum=-EHCP_CHANGE_LIMIT,
        maximum=EHCP_CHANGE_LIMIT,
        decimal_places=1,
        help_text="For example, -20 for a fifth fewer new EHCPs a year. Leave blank for no change",
        error_messages={
            "invalid": "The change in new EHCPs must be a percentage, like -20",
            "out_of_range": EHCP_CHANGE_OUT_OF_RANGE,
        },
    )
    ehcp_change_need = forms.ChoiceField(
        label="Need of the new EHCPs that change",
        choices=[("", "All needs"), *rules.NEED_TYPES],
        required=False,
    )
    ehcp_change_phase = forms.ChoiceField(
        label="Phase of the new EHCPs that change",
        choices=[("", "All phases"), *PHASE_CHOICES],
        required=False,
    )
    ehcp_change_from_year = AcademicYearField(
        label="Change starts in academic year", required=False
    )
    ehcp_change_full_by = AcademicYearField(
        label="Change in full effect by academic year (optional)",
        required=False,
        help_text="Phased in a step a year until then, e.g. 2029/30. Blank: in full at once",
    )


class ScenarioForm(ScenarioFieldsForm):
    """Add a scenario, with optional added places."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the filter form on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "scenario-%s")
        super().__init__(*args, **kwargs)
        fields = _places_fields("Places open", required=False)
        fields["setting_group"].label = "Provision of the added places"
        fields["phase"].label = "Phase of the added places"
        fields["places"].label = "Number of added places"
        self.fields.update(fields)


class PlannedPlacesForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        self.fields.update(_places_fields("Places open", required=True))
        self.fields["note"] = note


class VersionForm(forms.Form):
    """The version of the record the page showed, to refuse a stale change (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ScenarioEditForm(ScenarioFieldsForm, VersionForm):
    """Rename a scenario or change its change in new EHCPs (its places are changed one by one)."""


class PlannedPlacesEditForm(PlannedPlacesForm, VersionForm):
    """Change planned places, the council's or a scenario's."""
