from __future__ import annotations

from django import forms

from core.forms import GovukDateField, MoneyField

from . import rules
from .models import NeedType


class ChildSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or reference", required=False, max_length=100)


class ProviderSearchForm(forms.Form):
    q = forms.CharField(label="Name or URN", required=False, max_length=100)
    group = forms.ChoiceField(
        label="Setting group",
        required=False,
        choices=[("", "Any setting")] + rules.SETTING_GROUP_CHOICES,
    )
    need = forms.ChoiceField(label="Need supported", required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", "Any need")] + [
            (n.code, n.label) for n in NeedType.objects.all()
        ]


class PlacementRegisterForm(forms.Form):
    active_on = GovukDateField(
        label="Active on",
        required=False,
        help_text="Leave blank for every placement",
        name="date",
    )
    group = forms.ChoiceField(
        label="Setting group",
        required=False,
        choices=[("", "Any setting")] + rules.SETTING_GROUP_CHOICES,
    )


class PlacementChangeForm(forms.Form):
    """Change or end a placement. `version` is the one the form showed (a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    end_date = GovukDateField(
        label="End date",
        required=False,
        help_text="The last day of the placement. Leave blank while it continues.",
    )
    attendance_pattern = forms.ChoiceField(label="Attendance pattern", choices=[])
    annual_cost = MoneyField(label="Base annual fee")
    additional_cost = MoneyField(label="Additional funding (a year)", name="additional funding")

    def __init__(self, *args, **kwargs):
        from .models import AttendancePattern

        super().__init__(*args, **kwargs)
        self.fields["attendance_pattern"].choices = AttendancePattern.choices
