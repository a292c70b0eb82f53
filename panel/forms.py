"""Forms for the panel pages: GOV.UK wording for every error."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from core.forms import GovukDateField, MoneyField
from placements.models import AttendancePattern, Child, NeedType, Provider

from . import selectors
from .models import PanelRequest, PanelType


def _need_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(need.code, need.label) for need in NeedType.objects.all()]


# --- Meetings ------------------------------------------------------------------------


class MeetingForm(forms.Form):
    date = GovukDateField(label="Date of the meeting")
    panel_type = forms.ChoiceField(
        label="Panel",
        choices=PanelType.choices,
        widget=forms.RadioSelect,
        initial=PanelType.INDEPENDENT_PLACEMENT,
        error_messages={"required": "Select the panel"},
    )
    chair = forms.CharField(label="Chair", max_length=120, required=False)
    members = forms.CharField(
        label="Members",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One member per line",
    )
    location = forms.CharField(label="Location", max_length=200, required=False)


# --- Requests ------------------------------------------------------------------------


class RequestForm(forms.Form):
    child_ref = forms.CharField(
        label="Child reference",
        max_length=32,
        help_text="As on the child's record, for example WS000123",
        error_messages={"required": "Enter the child reference"},
    )
    request_type = forms.ChoiceField(
        label="Type of request",
        choices=PanelRequest.RequestType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of request"},
    )
    provider = forms.CharField(
        label="Requested school or college",
        required=False,
        max_length=250,
        help_text="Start typing its name, or enter its URN. Leave blank if not known yet.",
        widget=forms.TextInput(attrs={"list": "provider-options", "autocomplete": "off"}),
    )
    primary_need = forms.ChoiceField(label="Primary need", required=False)
    secondary_need = forms.ChoiceField(label="Secondary need", required=False)
    requested_base_cost = MoneyField(label="Base annual fee requested")
    requested_additional_cost = MoneyField(
        label="Additional funding requested a year", required=False
    )
    funding_reasons = forms.MultipleChoiceField(
        label="Reasons for additional funding",
        choices=PanelRequest.FundingReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    funding_reason_other = forms.CharField(
        label="Other reason for additional funding", max_length=300, required=False
    )
    expected_start = GovukDateField(label="Expected start date", required=False)
    case_summary = forms.CharField(
        label="Case summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter a case summary"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_need"].choices = _need_choices("From the child's EHCP")
        self.fields["secondary_need"].choices = _need_choices("None")

    def clean_child_ref(self) -> Child:
        ref = self.cleaned_data["child_ref"].strip()
        child = Child.objects.filter(child_ref__iexact=ref).prefetch_related("ehcps").first()
        if child is None:
            raise forms.ValidationError("There is no child with that reference")
        return child

    def clean_provider(self) -> Provider | None:
        text = self.cleaned_data["provider"].strip()
        if not text:
            return None
        found = selectors.provider_lookup(text)
        if not found:
            raise forms.ValidationError(
                "No school or college has that name or URN: choose one from the suggestions"
            )
        if len(found) > 1:
            raise forms.ValidationError(
                "More than one school or college has that name: enter its URN instead"
            )
        return found[0]

    def _need(self, name: str) -> NeedType | None:
        code = self.cleaned_data.get(name)
        return NeedType.objects.get(pk=code) if code else None

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and not self.errors:
            cleaned["primary_need"] = self._need("primary_need")
            cleaned["secondary_need"] = self._need("secondary_need")
            if cleaned.get("requested_additional_cost") is None:
                cleaned["requested_additional_cost"] = Decimal(0)
        return cleaned


class ProviderSuggestForm(forms.Form):
    provider = forms.CharField(required=False, max_length=250)


# --- Decisions -------------------------------------------------------------------------


class DecisionForm(forms.Form):
    """The decision on one request. Prefixed by the request (`r12-outcome`) so a meeting page
    holds one per request with unique ids; `version` catches a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=PanelRequest.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    agreed_cost = MoneyField(
        label="Agreed annual cost",
        required=False,
        help_text="The requested cost unless the panel agreed a different one",
    )
    conditions = forms.CharField(
        label="Conditions", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def prefix_for(item: PanelRequest) -> str:
        return f"r{item.pk}"

    @classmethod
    def for_request(cls, item: PanelRequest, data=None) -> DecisionForm:
        """The form for `item`: bound to `data` when posted, else showing the saved decision."""
        prefix = cls.prefix_for(item)
        if data is not None:
            return cls(data, prefix=prefix)
        return cls(prefix=prefix, initial=cls._current(item))

    @classmethod
    def showing_current(cls, item: PanelRequest) -> DecisionForm:
        """A bound form holding the saved values, so an error can be added to it (a stale save)."""
        prefix = cls.prefix_for(item)
        values = cls._current(item)
        data = {
            f"{prefix}-{key}": "" if value is None else str(value) for key, value in values.items()
        }
        form = cls(data, prefix=prefix)
        form.is_valid()
        return form

    @staticmethod
    def _current(item: PanelRequest) -> dict:
        agreed = item.agreed_cost if item.agreed_cost is not None else item.requested_cost
        return {
            "version": item.version,
            "outcome": item.outcome or None,
            "agreed_cost": agreed,
            "conditions": item.conditions,
            "reason": item.decision_reason,
        }


class PlacementRecordForm(forms.Form):
    start_date = GovukDateField(label="Start date")
    attendance_pattern = forms.ChoiceField(
        label="Attendance pattern",
        choices=AttendancePattern.choices,
        widget=forms.RadioSelect,
        initial=AttendancePattern.DAY,
        error_messages={"required": "Select the attendance pattern"},
    )


# --- Summary and search ------------------------------------------------------------------


class SummaryForm(forms.Form):
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned


class DecisionSearchForm(forms.Form):
    child = forms.CharField(label="Child (name or reference)", required=False, max_length=100)
    provider = forms.CharField(label="School or college (name or URN)", required=False)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any outcome"), *PanelRequest.Outcome.choices],
    )
    need = forms.ChoiceField(label="Need", required=False)
    date_from = GovukDateField(label="Meetings from", required=False)
    date_to = GovukDateField(label="Meetings to", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = _need_choices("Any need")
