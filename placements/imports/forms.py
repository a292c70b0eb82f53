from __future__ import annotations

from django import forms

from placements.registry import IMPORT_KINDS, autodiscover

ORDER = [
    "providers-gias",
    "children",
    "placements",
    "panel-decisions",
    "budget",
    "dps-membership",
    "fees",
]


def kind_choices() -> list[tuple[str, str]]:
    autodiscover()
    names = sorted(IMPORT_KINDS, key=lambda n: (ORDER.index(n) if n in ORDER else 99, n))
    return [(name, f"{name}: {IMPORT_KINDS[name].description}") for name in names]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="What does the file hold?", choices=[], widget=forms.RadioSelect)
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV (UTF-8 or Windows-1252, as Excel saves it) or XLSX. Nothing is written "
        "until you have checked the file and confirmed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["kind"].error_messages["required"] = "Select what the file holds"
        self.fields["file"].error_messages["required"] = "Select a file to upload"
