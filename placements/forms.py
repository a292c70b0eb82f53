from __future__ import annotations

from django import forms

from core.forms import GovukDateField, MoneyField, model_form_field

from . import rules
from .models import AnnualReview, NeedType, PhaseTransfer


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or reference",
        required=False,
        max_length=100,
        help_text="Part of a name or reference, 3 letters or more; shorter words match a whole "
        "name, such as Li or Ng",
    )


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
    provider = forms.IntegerField(
        label="School or college (URN)", required=False, min_value=1, max_value=9_999_999
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
    cost_effective_from = GovukDateField(
        label="A new fee or funding applies from",
        name="date the new fee or funding applies from",
        required=False,
        help_text="Spend before this day stays at the old cost. Leave blank for today.",
    )
    # The SEN2 return's items of the placement (docs/sen2.md, PlacementDetail).
    placement_rank = forms.TypedChoiceField(
        label="SEN2 placement rank",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Leave blank: secondary when dual registered, otherwise primary",
    )
    sen_unit = forms.BooleanField(label="In a SEN unit", required=False)
    resourced_provision = forms.BooleanField(label="In a resourced provision", required=False)
    sen2_setting = forms.ChoiceField(
        label="SEN2 setting code",
        required=False,
        help_text="Only where the setting has no URN: then the code is sent instead",
    )
    sen2_setting_other = forms.CharField(
        label="Other setting (when the code is 'other')", required=False, max_length=100
    )

    SEN2_FIELDS = (
        "placement_rank",
        "sen_unit",
        "resourced_provision",
        "sen2_setting",
        "sen2_setting_other",
    )

    def __init__(self, *args, **kwargs):
        from .models import AttendancePattern, PlacementRank, SEN2Setting

        super().__init__(*args, **kwargs)
        self.fields["attendance_pattern"].choices = AttendancePattern.choices
        self.fields["placement_rank"].choices = [("", "Not set"), *PlacementRank.choices]
        self.fields["sen2_setting"].choices = [("", "Not needed: the school has a URN")] + list(
            SEN2Setting.choices
        )


class Sen2CheckForm(forms.Form):
    """The collection to check: its census date (DfE's January census day by default)."""

    census_date = GovukDateField(
        label="Census date",
        help_text="DfE's January census day of the collection, for example 2026-01-15",
        error_messages={
            "required": "Enter the census date",
            "invalid": "Enter the census date as a real date, for example 2026-01-15",
        },
    )

    def clean_census_date(self):
        import datetime as dt

        from django.utils import timezone

        day = self.cleaned_data["census_date"]
        last = dt.date(timezone.localdate().year + 1, 12, 31)
        if not dt.date(2015, 1, 1) <= day <= last:
            raise forms.ValidationError(
                f"Enter a census date between 1 January 2015 and {last:%-d %B %Y}"
            )
        return day


class Sen2DetailsForm(forms.Form):
    """The SEN2 items of a child and (when they have one) of one of their EHCPs, with the
    versions of both the form showed (a stale save is refused)."""

    child_version = forms.IntegerField(widget=forms.HiddenInput)
    ehcp_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, with_ehcp: bool = True, **kwargs):
        from django.forms.models import fields_for_model

        from .models import EHCP, Child
        from .services import SEN2_CHILD_FIELDS, SEN2_EHCP_FIELDS

        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(Child, fields=SEN2_CHILD_FIELDS, formfield_callback=model_form_field)
        )
        self.child_names = list(SEN2_CHILD_FIELDS)
        self.ehcp_names = list(SEN2_EHCP_FIELDS) if with_ehcp else []
        if with_ehcp:
            self.fields.update(
                fields_for_model(EHCP, fields=SEN2_EHCP_FIELDS, formfield_callback=model_form_field)
            )
            self.fields["request_date"].label = "Request received"
            self.fields["assessment_decision"].label = "Decision whether to assess"
            self.fields["assessment_decision_date"].label = "Date the family was told (assess)"
            self.fields["issue_decision"].label = "Decision whether to issue a plan"
            self.fields["issue_decision_date"].label = "Date the family was told (not to issue)"
            self.fields["cease_reason"].help_text = "Needed when the plan has ceased"

    def child_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.child_names}

    def ehcp_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.ehcp_names}

    def group(self, names: list[str]) -> list:
        return [self[name] for name in names if name in self.fields]


class AnnualReviewForm(forms.ModelForm):
    class Meta:
        model = AnnualReview
        fields = ["meeting_date", "outcome", "decision_date", "draft_amended_plan_date"]
        formfield_callback = model_form_field
        labels = {
            "meeting_date": "Date of the review meeting",
            "outcome": "Outcome",
            "decision_date": "Date the family was told the outcome",
            "draft_amended_plan_date": "Date the draft amended plan was sent",
        }

    def _post_clean(self) -> None:  # the service validates the instance, with the domain rules
        pass


class PhaseTransferForm(forms.ModelForm):
    class Meta:
        model = PhaseTransfer
        fields = ["due_date", "final_plan_date"]
        formfield_callback = model_form_field
        labels = {
            "due_date": "Date the phase transfer review is due",
            "final_plan_date": "Date the final amended plan was issued",
        }

    def _post_clean(self) -> None:
        pass


class NamedSettingForm(forms.Form):
    """A setting named in the plan (SEN2 PlanDetail)."""

    rank = forms.TypedChoiceField(label="Rank", coerce=int)
    provider_urn = forms.IntegerField(
        label="School URN",
        required=False,
        min_value=1,
        max_value=99_999_999,
        help_text="Leave blank when the setting has no URN, and choose a setting code instead",
    )
    sen2_setting = forms.ChoiceField(label="SEN2 setting code", required=False)
    sen2_setting_other = forms.CharField(
        label="Other setting (when the code is 'other')", required=False, max_length=100
    )
    sen_unit = forms.BooleanField(label="In a SEN unit", required=False)
    resourced_provision = forms.BooleanField(label="In a resourced provision", required=False)

    def __init__(self, *args, **kwargs):
        from .models import PlacementRank, SEN2Setting

        super().__init__(*args, **kwargs)
        self.fields["rank"].choices = PlacementRank.choices
        self.fields["sen2_setting"].choices = [("", "None: the school has a URN")] + list(
            SEN2Setting.choices
        )
