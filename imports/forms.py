from __future__ import annotations

from typing import Any

from django import forms

from .selectors import import_kinds_in_order


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="What does the file hold?", choices=[], widget=forms.RadioSelect)
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV (UTF-8 or Windows-1252, as Excel saves it) or XLSX. Nothing is written "
        "until you have checked the file and confirmed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(kind.name, kind.label) for kind in import_kinds_in_order()]
        kind_field.error_messages["required"] = "Select what the file holds"
        self.fields["file"].error_messages["required"] = "Select a file to upload"
