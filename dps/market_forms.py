"""Forms for the commissioners' DPS pages: GOV.UK wording for every error."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q

from core import calendar
from core import forms as core_forms
from placements.models import AttendancePattern, Placement, Provider

from . import market_rules
from .models import AttendanceRecord, Contract, Framework, Lot, Membership, UpliftRequest


def _lower(label: str) -> str:
    return label[0].lower() + label[1:]


class MoneyField(forms.DecimalField):
    """Pounds typed as people write them: `36000`, `36,000.50` or `£36,000`."""

    def __init__(self, *, label: str, **kwargs):
        name = _lower(label)
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"Enter the {name}",
                "invalid": f"The {name} must be an amount in pounds, like 36000 or 36,000.50",
                "min_value": f"The {name} must be £0 or more",
                "max_digits": f"The {name} must be less than £10,000,000,000",
                "max_decimal_places": f"The {name} must be in pounds and pence",
                "max_whole_digits": f"The {name} must be less than £10,000,000,000",
            },
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(
            label=label, min_value=Decimal(0), max_digits=12, decimal_places=2, **kwargs
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


class AcademicYearField(forms.CharField):
    def __init__(self, *, label: str = "Academic year", **kwargs):
        kwargs.setdefault("help_text", "For example, 2025/26")
        kwargs.setdefault(
            "error_messages", {"required": f"Enter the {_lower(label)}, like 2025/26"}
        )
        super().__init__(label=label, max_length=9, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in ("", None):
            return None
        try:
            return calendar.parse_academic_year(text)
        except ValueError as error:
            first, last = calendar.likely_dates()
            if "likely year" in str(error):
                raise forms.ValidationError(
                    f"The {_lower(str(self.label))} must start between {first.year} and "
                    f"{last.year - 1}"
                ) from error
            raise forms.ValidationError(
                f"Enter the {_lower(str(self.label))} like 2025/26"
            ) from error

    def prepare_value(self, value):
        if isinstance(value, int):
            return calendar.academic_year_label(value)
        return value


class ProviderUrnField(forms.IntegerField):
    """A provider found by its URN; cleans to the Provider."""

    def __init__(self, *, label: str = "Provider URN", **kwargs):
        kwargs.setdefault("help_text", "The provider's 6-digit unique reference number")
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Enter the provider's URN",
                "invalid": "The URN must be a number, like 886123",
            },
        )
        super().__init__(label=label, min_value=1, max_value=99_999_999, **kwargs)
        self.error_messages["min_value"] = "The URN must be a number, like 886123"
        self.error_messages["max_value"] = "The URN must be a number, like 886123"

    def clean(self, value):
        urn = super().clean(value)
        if urn is None:
            return None
        provider = Provider.objects.filter(urn=urn).first()
        if provider is None:
            raise forms.ValidationError("No provider has this URN: add it from GIAS first")
        return provider


def _int_field(label: str, *, minimum: int, maximum: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "required": f"Enter the {_lower(label)}",
            "invalid": f"The {_lower(label)} must be a whole number",
            "min_value": f"The {_lower(label)} must be {minimum} or more",
            "max_value": f"The {_lower(label)} must be {maximum} or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class FrameworkForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # on a change
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the framework's name"}
    )
    start_date = core_forms.GovukDateField(label="Start date")
    initial_term_years = _int_field("Initial term in years", minimum=1, maximum=20)
    max_extension_years = _int_field("Extension available in years", minimum=0, maximum=20)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LotForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # on a change
    number = _int_field("Lot number", minimum=1, maximum=99)
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the lot's name"}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    block_contract_eligible = forms.BooleanField(
        label="Members of this lot may be given block contracts", required=False
    )


def _lot_choices() -> list[tuple[str, str]]:
    return [("", "Select a lot")] + [
        (str(lot.pk), f"{lot.framework.name}: {lot}")
        for lot in Lot.objects.select_related("framework").order_by(
            "-framework__start_date", "number"
        )
    ]


class LotChoiceField(forms.TypedChoiceField):
    def __init__(self, *, label: str = "Lot", required: bool = True, **kwargs):
        super().__init__(
            label=label,
            required=required,
            coerce=int,
            empty_value=None,
            error_messages={
                "required": "Select the lot",
                "invalid_choice": "Select a lot from the list",
            },
            **kwargs,
        )
        self.choices = _lot_choices

    def clean(self, value):
        pk = super().clean(value)
        return Lot.objects.select_related("framework").get(pk=pk) if pk else None


OFSTED_CHOICES = [("", "Not recorded")] + [
    (str(v), label) for v, label in Provider.OfstedGrade.choices
]


class EvidenceFields(forms.Form):
    ofsted_grade = forms.TypedChoiceField(
        label="Ofsted grade",
        choices=OFSTED_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select an Ofsted grade from the list"},
    )
    quality_score = core_forms.PercentField(
        label="Quality score", required=False, help_text="0 to 100, from the quality assessment"
    )
    notes = forms.CharField(
        label="Evidence notes", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class MembershipCreateForm(EvidenceFields):
    provider_urn = ProviderUrnField()
    lot = LotChoiceField()
    applied_on = core_forms.GovukDateField(label="Date of application")

    field_order = ["provider_urn", "lot", "applied_on", "ofsted_grade", "quality_score", "notes"]


class MembershipEvidenceForm(EvidenceFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MembershipStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=Membership.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new status"},
    )
    on = core_forms.GovukDateField(label="Date of the change")
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when suspending or removing a provider",
    )
    lot = forms.TypedChoiceField(
        label="Lot", coerce=int, empty_value=None, required=False, choices=[]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [("", "Keep in the same lot")] + [
            (str(lot.pk), str(lot)) for lot in membership.framework.lots.all()
        ]

    def clean_lot(self):
        pk = self.cleaned_data.get("lot")
        return Lot.objects.get(pk=pk) if pk else None


class FeeCreateForm(forms.Form):
    provider_urn = ProviderUrnField()
    academic_year = AcademicYearField()
    attendance_pattern = forms.ChoiceField(
        label="Attendance pattern",
        choices=AttendancePattern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the attendance pattern"},
    )
    band = forms.CharField(
        label="Band", max_length=40, required=False, help_text="Optional, like Enhanced"
    )
    annual_fee = MoneyField(label="Annual fee")


class FeeEditForm(forms.Form):
    annual_fee = MoneyField(label="Annual fee")
    version = forms.IntegerField(widget=forms.HiddenInput)


class UpliftCreateForm(forms.Form):
    provider_urn = ProviderUrnField()
    academic_year = AcademicYearField(help_text="The year the uplift would apply to, like 2026/27")
    requested_percent = core_forms.PercentField(label="Requested uplift (%)", maximum=100)
    justification = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the provider's justification"},
    )
    cost_breakdown = forms.CharField(
        label="Cost breakdown",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    received_on = core_forms.GovukDateField(label="Date received")


class UpliftDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        choices=[
            (UpliftRequest.Status.NEGOTIATING, "Still negotiating"),
            (UpliftRequest.Status.AGREED, "Agreed"),
            (UpliftRequest.Status.REJECTED, "Refused (0% agreed)"),
        ],
        error_messages={"required": "Select the outcome"},
    )
    agreed_percent = core_forms.PercentField(label="Agreed uplift (%)", required=False)
    decided_on = core_forms.GovukDateField(label="Date of the decision", required=False)
    cost_breakdown = forms.CharField(
        label="Cost breakdown", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BlockContractForm(forms.Form):
    provider_urn = ProviderUrnField()
    lot = LotChoiceField(required=False)
    places_reserved = _int_field("Places reserved", minimum=1, maximum=1000)
    price_per_place = MoneyField(label="Annual price per place")
    start_date = core_forms.GovukDateField(label="Start date")
    end_date = core_forms.GovukDateField(label="End date")


class BlockContractEditForm(forms.Form):
    """Changing a block contract: its provider stays."""

    lot = LotChoiceField(required=False)
    places_reserved = _int_field("Places reserved", minimum=1, maximum=1000)
    price_per_place = core_forms.MoneyField(label="Annual price per place")
    start_date = core_forms.GovukDateField(label="Start date")
    end_date = core_forms.GovukDateField(label="End date")
    version = forms.IntegerField(widget=forms.HiddenInput)


class FrameworkChoiceField(forms.TypedChoiceField):
    """An optional framework from the list; cleans to the Framework or None."""

    def __init__(self, *, label: str = "Framework", **kwargs):
        super().__init__(
            label=label,
            required=False,
            coerce=int,
            empty_value=None,
            error_messages={"invalid_choice": "Select a framework from the list"},
            **kwargs,
        )
        self.choices = lambda: (
            [("", "None")]
            + [(str(f.pk), f.name) for f in Framework.objects.order_by("-start_date", "name")]
        )

    def clean(self, value):
        pk = super().clean(value)
        return Framework.objects.get(pk=pk) if pk else None


class ContractForm(forms.Form):
    """A contract in the register: added, or changed (with its `version`)."""

    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="Unique in the register, like SEN-2025-014",
        error_messages={
            "required": "Enter the contract reference",
            "max_length": "The reference must be 40 characters or fewer",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the contract title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    provider_urn = ProviderUrnField(
        required=False, help_text="Optional: the provider's 6-digit unique reference number"
    )
    framework = FrameworkChoiceField()
    value = core_forms.MoneyField(label="Contract value", help_text="The whole contract, in pounds")
    start_date = core_forms.GovukDateField(label="Start date")
    end_date = core_forms.GovukDateField(label="End date")
    extension_options = forms.CharField(
        label="Extension options",
        max_length=200,
        required=False,
        help_text="Optional, like 2 × 12 months",
        error_messages={"max_length": "The extension options must be 200 characters or fewer"},
    )
    max_extension_months = _int_field(
        "Maximum extension in months", minimum=0, maximum=240, required=False
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Contract.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the status",
            "invalid_choice": "Select a status from the list",
        },
    )

    def clean_max_extension_months(self) -> int:
        return self.cleaned_data.get("max_extension_months") or 0

    @classmethod
    def initial_for(cls, contract: Contract) -> dict:
        return {
            "reference": contract.reference,
            "title": contract.title,
            "provider_urn": contract.provider.urn if contract.provider else None,
            "framework": contract.framework_id,
            "value": contract.value,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "extension_options": contract.extension_options,
            "max_extension_months": contract.max_extension_months,
            "status": contract.status,
            "version": contract.version,
        }


class ContractEditForm(ContractForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    child_ref = forms.CharField(
        label="Child reference",
        max_length=40,
        error_messages={"required": "Enter the child's reference"},
    )
    provider_urn = ProviderUrnField()
    academic_year = AcademicYearField()
    term = forms.ChoiceField(
        label="Term",
        choices=AttendanceRecord.Term.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the term"},
        help_text="Autumn: September to December; spring: January to April; summer: May to August",
    )
    attendance_percent = core_forms.PercentField(label="Attendance (%)")

    def clean(self):
        data = super().clean()
        provider, ref = data.get("provider_urn"), (data.get("child_ref") or "").strip()
        year, term = data.get("academic_year"), data.get("term")
        if provider is None or not ref or year is None or not term:
            return data
        first, last = market_rules.term_bounds(year, term)
        placement = (
            Placement.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=first),
                child__child_ref__iexact=ref,
                provider=provider,
                withdrawn=False,
                start_date__lte=last,
            )
            .order_by("-start_date")
            .first()
        )
        if placement is None:
            self.add_error("child_ref", "This child had no placement at this provider in that term")
        data["placement"] = placement
        return data


class AttendanceYearForm(forms.Form):
    academic_year = AcademicYearField(required=False)


class FrameworkChoiceForm(forms.Form):
    """The membership list's filters."""

    framework = forms.TypedChoiceField(
        label="Framework", coerce=int, empty_value=None, required=False, choices=[]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Membership.Status.choices]
    )
    q = forms.CharField(label="Provider name or URN", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [("", "All frameworks")] + [
            (str(f.pk), f.name) for f in Framework.objects.all()
        ]
