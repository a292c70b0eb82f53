"""Forms for the officers' journey: search, shortlist, consult, respond, chase, accept."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import GovukDateField, WholeNumberField
from dps.models import Consultation
from dps.selectors.search import DPS_ALL, DPS_MEMBERS, OFSTED_ACCEPTABLE, OFSTED_CHOICES
from placements import rules
from placements.models import REPORT_CARD_AREAS, AttendancePattern, Provider, ReportCardGrade


class MoneyField(forms.DecimalField):
    """Pounds, with or without a £ sign and thousands separators."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": f"{label} must be an amount in pounds, like 36,000",
                "min_value": f"{label} must be £0 or more",
                "max_digits": f"{label} is too large",
                "max_decimal_places": f"{label} must be in pounds and pence",
                "required": f"Enter the {label.lower()}",
            },
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(label=label, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


class SearchForm(forms.Form):
    child = forms.CharField(required=False, widget=forms.HiddenInput, max_length=32)
    need = forms.MultipleChoiceField(
        label="Needs the school must meet",
        required=False,
        choices=rules.NEED_TYPES,
        widget=forms.CheckboxSelectMultiple,
    )
    age = WholeNumberField(label="Age", required=False, minimum=0, maximum=25)
    ncy = WholeNumberField(label="National curriculum year", required=False, minimum=-4, maximum=21)
    sex = forms.ChoiceField(
        label="Sex of the child",
        required=False,
        choices=[
            ("", "Any"),
            ("M", "Boy: mixed and boys' schools"),
            ("F", "Girl: mixed and girls' schools"),
        ],
    )
    pattern = forms.ChoiceField(
        label="Attendance", required=False, choices=AttendancePattern.choices, initial="day"
    )
    dps = forms.ChoiceField(
        label="Schools",
        required=False,
        choices=[(DPS_MEMBERS, "DPS members only"), (DPS_ALL, "All schools")],
        initial=DPS_MEMBERS,
    )
    lot = forms.ChoiceField(
        label="Lot", required=False, choices=[("", "Any lot"), ("1", "Lot 1"), ("2", "Lot 2")]
    )
    ofsted = forms.ChoiceField(
        label="Ofsted", required=False, choices=OFSTED_CHOICES, initial=OFSTED_ACCEPTABLE
    )
    boarding = forms.BooleanField(label="Boarding schools only", required=False)
    vacancies = forms.BooleanField(label="With vacancies only", required=False)
    max_fee = MoneyField(label="Maximum annual fee", required=False)
    max_km = forms.DecimalField(
        label="Within (km of home)",
        required=False,
        min_value=0,
        max_value=1500,
        max_digits=6,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Distance must be a number of kilometres, like 30"},
    )
    easting = forms.IntegerField(
        label="Home easting", required=False, min_value=0, max_value=800_000
    )
    northing = forms.IntegerField(
        label="Home northing", required=False, min_value=0, max_value=1_400_000
    )


class ShortlistAddForm(forms.Form):
    urn = forms.TypedMultipleChoiceField(
        label="Schools",
        coerce=int,
        choices=[],
        required=True,
        error_messages={"required": "Tick at least one school to add to the shortlist"},
    )

    def __init__(self, *args: Any, urns: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["urn"].choices = [(u, u) for u in urns]


class SchoolByUrnForm(forms.Form):
    school_urn = WholeNumberField(
        label="URN of the school",
        minimum=100_000,
        maximum=9_999_999,
        help_text="Any school: parents may ask for a school that is not on the DPS",
        error_messages={
            "required": "Enter the school's URN",
            "invalid": "Enter a URN of 6 or 7 digits",
            "out_of_range": "Enter a URN of 6 or 7 digits",
        },
    )
    parental_request = forms.BooleanField(
        label="The parents have asked for this school", required=False
    )


class ConsultForm(forms.Form):
    urn = forms.TypedMultipleChoiceField(
        label="Schools to consult",
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one school to consult"},
    )
    attendance_pattern = forms.ChoiceField(
        label="Provision sought",
        choices=AttendancePattern.choices,
        initial="day",
        widget=forms.RadioSelect,
    )
    provision_sought = forms.CharField(
        label="What the child needs from the school",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Goes to the schools in the consultation pack: no names, addresses or dates of birth",
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["urn"].choices = choices


class ResponseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.ChoiceField(
        label="Response",
        widget=forms.RadioSelect,
        choices=[
            (Consultation.Response.OFFER, "Offer"),
            (Consultation.Response.DECLINE, "Decline"),
            (Consultation.Response.WITHDRAWN, "Withdrawn"),
        ],
        error_messages={"required": "Choose offer, decline or withdrawn"},
    )
    responded_on = GovukDateField(label="Date of response")
    offered_fee = MoneyField(label="Annual fee offered", required=False)
    offered_start = GovukDateField(label="Start date offered", required=False)
    offered_additional_cost = MoneyField(
        label="Additional cost (a year)", required=False, help_text="For example 1:1 support"
    )
    decline_reason = forms.ChoiceField(
        label="Reason for declining",
        required=False,
        choices=[("", "Choose a reason"), *Consultation.DeclineReason.choices],
    )
    decline_detail = forms.CharField(label="Other reason", required=False, max_length=500)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContactForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    contact_email = forms.EmailField(
        label="SEN contact email",
        error_messages={
            "required": "Enter the SEN contact's email address",
            "invalid": "Enter an email address like name@school.org.uk",
        },
    )


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    start_date = GovukDateField(label="Placement start date")


GRADE_CHOICES = [
    ("", "Not graded"),
    *[(str(v), str(label)) for v, label in ReportCardGrade.choices],
]


class OfstedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)  # the school's, when the page opened
    shape = forms.ChoiceField(
        label="Kind of inspection outcome",
        widget=forms.RadioSelect,
        choices=[
            ("judgement", "Overall effectiveness (before November 2025)"),
            ("report_card", "Report card (from November 2025)"),
        ],
        error_messages={"required": "Choose the kind of inspection outcome"},
    )
    inspection_date = GovukDateField(label="Inspection date")
    overall_effectiveness = forms.TypedChoiceField(
        label="Overall effectiveness",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "Choose a judgement"),
            *[(str(v), str(label)) for v, label in Provider.OfstedGrade.choices],
        ],
    )
    safeguarding = forms.ChoiceField(
        label="Safeguarding",
        required=False,
        choices=[("", "Choose"), ("met", "Met"), ("not_met", "Not met")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in REPORT_CARD_AREAS:
            self.fields[code] = forms.TypedChoiceField(
                label=label, required=False, coerce=int, empty_value=None, choices=GRADE_CHOICES
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("shape") == "judgement" and cleaned.get("overall_effectiveness") is None:
            self.add_error("overall_effectiveness", "Choose the overall effectiveness judgement")
        if cleaned.get("shape") == "report_card":
            if not any(cleaned.get(code) for code, _ in REPORT_CARD_AREAS):
                self.add_error("inclusion", "Give at least one area's grade")
            if not cleaned.get("safeguarding"):
                self.add_error("safeguarding", "Say whether safeguarding is met")
        return cleaned

    @property
    def area_fields(self) -> list[Any]:
        return [self[code] for code, _ in REPORT_CARD_AREAS]


class ProviderContactForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)  # the school's, when the page opened
    name = forms.CharField(label="SEN contact name", required=False, max_length=120)
    email = forms.EmailField(
        label="SEN contact email",
        required=False,
        error_messages={"invalid": "Enter an email address like name@school.org.uk"},
    )
