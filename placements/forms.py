from __future__ import annotations

from django import forms

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
    active_on = forms.DateField(
        label="Active on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank for every placement",
    )
    group = forms.ChoiceField(
        label="Setting group",
        required=False,
        choices=[("", "Any setting")] + rules.SETTING_GROUP_CHOICES,
    )


class PlacementChangeForm(forms.Form):
    """Change or end a placement. `version` is the one the form showed (a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    end_date = forms.DateField(
        label="End date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day of the placement. Leave blank while it continues.",
    )
    attendance_pattern = forms.ChoiceField(label="Attendance pattern", choices=[])
    annual_cost = forms.DecimalField(
        label="Base annual fee",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "prefix": "£"}),
        error_messages={"min_value": "The base annual fee must be £0 or more"},
    )
    additional_cost = forms.DecimalField(
        label="Additional funding (a year)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "prefix": "£"}),
        error_messages={"min_value": "Additional funding must be £0 or more"},
    )

    def __init__(self, *args, **kwargs):
        from .models import AttendancePattern

        super().__init__(*args, **kwargs)
        self.fields["attendance_pattern"].choices = AttendancePattern.choices
