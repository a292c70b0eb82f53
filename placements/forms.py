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
