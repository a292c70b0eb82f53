"""Children, EHCPs, providers, placements and reference data (the domain model)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from core.references import ReferenceValidator

from . import rules

MONEY = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class NeedType(models.Model):
    """A DfE SEN2 need code (reference data, seeded by a migration)."""

    code = models.CharField(max_length=8, primary_key=True)
    label = models.CharField(max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other or not known"


# --- SEN2 codes (DfE SEN2 person-level return; the specification is in placements/sen2/) -----


class Ethnicity(models.TextChoices):
    """CBDS main ethnicity codes, as SEN2 item Ethnicity takes them."""

    WBRI = "WBRI", "White - British"
    WIRI = "WIRI", "White - Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy / Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black - African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class UPNUnknown(models.TextChoices):
    """SEN2 UPNunknown: why a child has neither a UPN nor a ULN (codes from the specification)."""

    UN1 = "UN1", "UN1"
    UN2 = "UN2", "UN2"
    UN3 = "UN3", "UN3"
    UN5 = "UN5", "UN5"
    UN8 = "UN8", "UN8"
    UN9 = "UN9", "UN9"
    UN10 = "UN10", "UN10"


class RequestSource(models.IntegerChoices):
    YOUNG_PERSON_OR_PARENT = 1, "Young person or parent"
    EDUCATION_SETTING = 2, "School or other education setting"
    HEALTH = 3, "Health care professional"
    SOCIAL_CARE = 4, "Social care professional"
    OTHER = 5, "Other"


class IssueDecision(models.TextChoices):
    """SEN2 AssessmentOutcome: the decision whether to issue a plan (blank: not yet decided)."""

    ISSUE = "Y", "Decided to issue a plan"
    NOT_ISSUE = "N", "Decided not to issue a plan"
    WITHDRAWN = "W", "Withdrawn or ceased before a decision"


class CeaseReason(models.IntegerChoices):
    MAXIMUM_AGE = 1, "Reached maximum age"
    NEEDS_MET = 2, "Needs met without a plan"
    HIGHER_EDUCATION = 3, "Moved on to higher education"
    EMPLOYMENT = 4, "Moved on to paid employment"
    TRANSFERRED = 5, "Transferred to another local authority"
    NOT_ENGAGING = 6, "Young person no longer wishes to engage"
    LEFT_ENGLAND = 7, "Moved outside England"
    DECEASED = 8, "Deceased"
    OTHER = 9, "Other"


class Residential(models.TextChoices):
    """SEN2 PlanRes (and RES on a placement): residential weeks; blank when not residential."""

    WEEKS_38_51 = "A", "Residential 38 to 51 weeks"
    WEEKS_52 = "B", "Residential 52 weeks"


class SEN2Setting(models.TextChoices):
    """SEN2 SENSetting: the kind of setting, only where there is no URN or UKPRN."""

    OLA = "OLA", "OLA"
    OPA = "OPA", "OPA"
    EHE = "EHE", "Elective home education"
    EYP = "EYP", "EYP"
    OTH = "OTH", "Other (say what in SENSettingOther)"
    NEET = "NEET", "Not in education, employment or training"
    NIEC = "NIEC", "NIEC"
    NIEO = "NIEO", "NIEO"


class PlacementRank(models.IntegerChoices):
    PRIMARY = 1, "Primary"
    SECONDARY = 2, "Secondary"


class ReviewOutcome(models.TextChoices):
    MAINTAIN = "M", "Maintain the plan"
    CEASE = "C", "Cease the plan"
    AMEND = "A", "Amend the plan"


class Child(models.Model):
    """A child or young person (CYP). Personal data: casework roles only (docs/adr/0002)."""

    child_ref = models.CharField(
        "child reference", max_length=32, unique=True, validators=[ReferenceValidator()]
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    home_postcode = models.CharField(max_length=10, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    district = models.CharField(max_length=60, blank=True, db_index=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True, help_text="Unique pupil number")
    uln = models.CharField(
        "ULN", max_length=10, blank=True, help_text="Unique learner number (10 digits)"
    )
    upn_unknown = models.CharField(
        "UPN unknown reason",
        max_length=4,
        choices=UPNUnknown.choices,
        blank=True,
        help_text="Needed in SEN2 when the child has neither a UPN nor a ULN",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "child_ref"]
        verbose_name_plural = "children"
        permissions = [("view_casework", "Can see children's personal data and casework")]
        # Searches match references and names in any case; on PostgreSQL, migration 0007 adds
        # trigram indexes for the "contains" searches too.
        indexes = [
            models.Index(Upper("child_ref"), name="child_ref_upper"),
            models.Index(Upper("last_name"), Upper("first_name"), name="child_name_upper"),
            models.Index(Upper("first_name"), name="child_first_name_upper"),
            models.Index(fields=["last_name", "first_name", "child_ref"], name="child_name_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.child_ref})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class EHCP(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ASSESSING = "assessing", "Assessing"
        ISSUED = "issued", "Issued"
        CEASED = "ceased", "Ceased"
        NOT_ISSUED = "not_issued", "Not issued"

    class AssessmentDecision(models.TextChoices):
        PENDING = "pending", "Pending"
        ASSESS = "assess", "Agreed to assess"
        REFUSED = "refused", "Refused to assess"
        WITHDRAWN = "withdrawn", "Withdrawn before a decision"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="ehcps")
    request_date = models.DateField(null=True, blank=True)
    assessment_decision = models.CharField(
        max_length=10, choices=AssessmentDecision.choices, default=AssessmentDecision.PENDING
    )
    assessment_decision_date = models.DateField(null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True, db_index=True)
    ceased_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    primary_need = models.ForeignKey(
        NeedType, on_delete=models.PROTECT, related_name="primary_ehcps", null=True, blank=True
    )
    secondary_need = models.ForeignKey(
        NeedType, on_delete=models.PROTECT, related_name="secondary_ehcps", null=True, blank=True
    )
    # SEN2 request items (module 2)
    request_source = models.PositiveSmallIntegerField(
        choices=RequestSource.choices, null=True, blank=True
    )
    request_in_youth_accommodation = models.BooleanField(
        "request made in relevant youth accommodation", default=False
    )
    request_mediation = models.BooleanField(default=False)
    request_tribunal = models.BooleanField(default=False)
    request_exported = models.CharField(
        max_length=20,
        blank=True,
        help_text="SEN2 Exported: moved out of the LA before the assessment was completed",
    )
    # SEN2 assessment items (module 3): the decision whether to issue a plan
    issue_decision = models.CharField(
        max_length=1,
        choices=IssueDecision.choices,
        blank=True,
        help_text="Blank: not yet decided (an issue date on its own means the plan was issued)",
    )
    issue_decision_date = models.DateField(
        null=True, blank=True, help_text="Date the family was told the LA would not issue a plan"
    )
    assessment_mediation = models.BooleanField(default=False)
    assessment_tribunal = models.BooleanField(default=False)
    other_mediation = models.BooleanField(default=False)
    other_tribunal = models.BooleanField(default=False)
    week20_exception = models.BooleanField("20-week time limit exception applies", default=False)
    # SEN2 named plan items (module 4a); the plan's start date is issue_date
    cease_reason = models.PositiveSmallIntegerField(
        choices=CeaseReason.choices, null=True, blank=True
    )
    plan_residential = models.CharField(max_length=1, choices=Residential.choices, blank=True)
    plan_work_based_learning = models.CharField(max_length=20, blank=True)
    personal_budget = models.BooleanField("personal budget taken up", default=False)
    personal_budget_organised = models.BooleanField(
        "personal budget: organised arrangements", default=False
    )
    personal_budget_direct_payments = models.CharField(
        "personal budget: direct payments", max_length=20, blank=True
    )
    # SEN2 active plan items (module 5a)
    transfer_la = models.CharField(
        "transferred in from LA",
        max_length=3,
        blank=True,
        help_text="3-digit LA number the plan transferred in from during the calendar year",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "EHCP"
        ordering = ["child", "-request_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(issue_date__isnull=True)
                | Q(request_date__isnull=True)
                | Q(issue_date__gte=F("request_date")),
                name="ehcp_issue_after_request",
            ),
            models.CheckConstraint(
                condition=Q(ceased_date__isnull=True)
                | Q(issue_date__isnull=True)
                | Q(ceased_date__gte=F("issue_date")),
                name="ehcp_ceased_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"EHCP for {self.child.child_ref}"

    @property
    def weeks_to_issue(self) -> int | None:
        if self.request_date and self.issue_date:
            return (self.issue_date - self.request_date).days // 7
        return None

    @property
    def issued_within_20_weeks(self) -> bool | None:
        if self.request_date and self.issue_date:
            return (self.issue_date - self.request_date).days <= 140
        return None


class ReportCardGrade(models.IntegerChoices):
    """An Ofsted report card grade for one evaluation area (inspections from November 2025)."""

    EXCEPTIONAL = 1, "Exceptional"
    STRONG = 2, "Strong standard"
    EXPECTED = 3, "Expected standard"
    NEEDS_ATTENTION = 4, "Needs attention"
    URGENT_IMPROVEMENT = 5, "Urgent improvement"


# The evaluation areas of an Ofsted report card, in the order the report card shows them.
REPORT_CARD_AREAS = [
    ("inclusion", "Inclusion"),
    ("curriculum", "Curriculum and teaching"),
    ("achievement", "Achievement"),
    ("attendance_behaviour", "Attendance and behaviour"),
    ("personal_development", "Personal development and well-being"),
    ("leadership", "Leadership and governance"),
    ("early_years", "Early years"),
    ("sixth_form", "Sixth form"),
]


class Provider(models.Model):
    """A school or college, keyed by its DfE URN (the GIAS extract's fields)."""

    class SexOfEntry(models.TextChoices):
        MIXED = "mixed", "Mixed"
        BOYS = "boys", "Boys"
        GIRLS = "girls", "Girls"

    class Boarding(models.TextChoices):
        NONE = "none", "No boarders"
        SOME = "some", "Boarding school"
        NOT_KNOWN = "unknown", "Not known"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        PROPOSED = "proposed", "Proposed to open"

    class OfstedGrade(models.IntegerChoices):
        OUTSTANDING = 1, "Outstanding"
        GOOD = 2, "Good"
        REQUIRES_IMPROVEMENT = 3, "Requires improvement"
        INADEQUATE = 4, "Inadequate"

    urn = models.PositiveIntegerField("URN", unique=True)
    name = models.CharField(max_length=200, db_index=True)
    establishment_type = models.CharField(max_length=100)
    setting_group = models.CharField(
        max_length=12, choices=rules.SETTING_GROUP_CHOICES, db_index=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    phase = models.CharField(max_length=60, blank=True)
    low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex_of_entry = models.CharField(
        max_length=6, choices=SexOfEntry.choices, default=SexOfEntry.MIXED
    )
    boarding = models.CharField(max_length=8, choices=Boarding.choices, default=Boarding.NONE)
    need_types = models.ManyToManyField(NeedType, blank=True, related_name="providers")
    other_sen_provision = models.CharField(
        max_length=300, blank=True, help_text="SEN provision labels not in the SEN2 list"
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    number_of_pupils = models.PositiveIntegerField(null=True, blank=True)
    ofsted_grade = models.PositiveSmallIntegerField(
        choices=OfstedGrade.choices, null=True, blank=True
    )
    ofsted_rating = models.CharField(max_length=60, blank=True)
    ofsted_date = models.DateField(null=True, blank=True)
    # Ofsted report cards (from November 2025): a grade per area and safeguarding met or not.
    # A provider keeps whichever shape its last inspection had (`ofsted_shape`).
    ofsted_report_card_date = models.DateField(null=True, blank=True)
    ofsted_areas = models.JSONField(
        default=dict, blank=True, help_text="Report card area code to grade (1 exceptional … 5)"
    )
    ofsted_lowest_area_grade = models.PositiveSmallIntegerField(
        choices=ReportCardGrade.choices,
        null=True,
        blank=True,
        help_text="The worst area grade on the report card, kept for searching",
    )
    ofsted_safeguarding_met = models.BooleanField(null=True, blank=True)
    sen_contact_name = models.CharField("SEN contact name", max_length=120, blank=True)
    sen_contact_email = models.EmailField("SEN contact email", blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    local_authority = models.CharField(max_length=80, blank=True)
    resourced_provision_type = models.CharField(max_length=80, blank=True)
    resourced_provision_capacity = models.PositiveIntegerField(null=True, blank=True)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[need_types])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low_age__isnull=True)
                | Q(high_age__isnull=True)
                | Q(high_age__gte=F("low_age")),
                name="provider_age_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def is_inmss(self) -> bool:
        return self.setting_group == rules.INMSS

    @property
    def ofsted_shape(self) -> str:
        """ "report_card", "judgement" (the old overall effectiveness) or "" (never inspected)."""
        if self.ofsted_report_card_date and (
            self.ofsted_date is None or self.ofsted_report_card_date >= self.ofsted_date
        ):
            return "report_card"
        if self.ofsted_grade is not None or self.ofsted_date is not None:
            return "judgement"
        return ""

    @property
    def ofsted_area_rows(self) -> list[tuple[str, str]]:
        """(area label, grade label) for each graded area of the report card, in order."""
        grades = dict(ReportCardGrade.choices)
        return [
            (label, str(grades.get(int(self.ofsted_areas[code]), "")))
            for code, label in REPORT_CARD_AREAS
            if self.ofsted_areas.get(code)
        ]

    @property
    def vacancies(self) -> int | None:
        if self.capacity is None or self.number_of_pupils is None:
            return None
        return max(self.capacity - self.number_of_pupils, 0)


class AttendancePattern(models.TextChoices):
    DAY = "day", "Day"
    WEEKLY = "weekly", "Weekly boarding"
    FIFTY_TWO_WEEK = "52_week", "52-week residential"


class Placement(models.Model):
    """A child at a provider from a start date to an end date (open = current)."""

    class Reason(models.TextChoices):
        PARENTAL_REQUEST = "parental_request", "Parental request"
        TRIBUNAL_ORDER = "tribunal_order", "Tribunal order"
        NO_LOCAL_PROVISION = "no_local_provision", "No suitable local provision"
        NEEDS_TOO_COMPLEX = "needs_too_complex", "Needs too complex for local provision"
        NO_CAPACITY = "no_capacity", "No capacity in local special schools"
        CONTINUATION = "continuation", "Continuation of an existing placement"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    setting_type = models.CharField(
        max_length=12,
        choices=rules.SETTING_GROUP_CHOICES,
        blank=True,
        help_text="Overrides the provider's setting group, e.g. srp for a resourced provision",
    )
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    attendance_pattern = models.CharField(
        max_length=8, choices=AttendancePattern.choices, default=AttendancePattern.DAY
    )
    annual_cost = models.DecimalField(
        "base annual fee", validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    additional_cost = models.DecimalField(
        "additional funding",
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        **MONEY,
    )
    education_share = models.DecimalField(
        default=Decimal(100),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **PERCENT,
    )
    health_share = models.DecimalField(
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **PERCENT,
    )
    social_care_share = models.DecimalField(
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **PERCENT,
    )
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    dual_registered = models.BooleanField(
        default=False, help_text="Allowed to overlap another placement of the same child"
    )
    withdrawn = models.BooleanField(
        default=False, help_text="Entered in error: kept for history, left out of every figure"
    )
    # SEN2 placement detail items (module 5b)
    placement_rank = models.PositiveSmallIntegerField(
        choices=PlacementRank.choices,
        null=True,
        blank=True,
        help_text="SEN2 rank; blank: secondary when dual registered, else primary",
    )
    sen_unit = models.BooleanField("in a SEN unit", default=False)
    resourced_provision = models.BooleanField("in a resourced provision", default=False)
    sen2_setting = models.CharField(
        "SEN2 setting code",
        max_length=4,
        choices=SEN2Setting.choices,
        blank=True,
        help_text="Only where the setting has no URN or UKPRN: then the URN is not sent",
    )
    sen2_setting_other = models.CharField(max_length=100, blank=True)
    residential = models.CharField(
        max_length=1,
        choices=Residential.choices,
        blank=True,
        help_text="SEN2 RES; blank: from the attendance pattern",
    )
    work_based_learning = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(annual_cost__gte=0) & Q(additional_cost__gte=0),
                name="placement_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(education_share__gte=0, health_share__gte=0, social_care_share__gte=0),
                name="placement_shares_not_negative",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(end_date__isnull=True, dual_registered=False, withdrawn=False),
                name="one_open_placement_per_child",
                violation_error_message="This child already has an open placement.",
            ),
            models.UniqueConstraint(
                fields=["child", "provider", "start_date"], name="placement_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child.child_ref} at {self.provider.name} from {self.start_date}"

    @property
    def total_annual_cost(self) -> Decimal:
        return rules.placement_cost(self.annual_cost, self.additional_cost)

    @property
    def setting_group(self) -> str:
        return self.setting_type or self.provider.setting_group

    def is_active_on(self, day) -> bool:
        return not self.withdrawn and rules.is_active(self.start_date, self.end_date, day)


class PlacementCostChange(models.Model):
    """A change of a placement's base fee or additional funding from a date (ADR 0008).

    The placement's own `annual_cost` and `additional_cost` are its cost from the latest change
    on (its whole life when it has none). Each change keeps the cost before it, so spend before
    `effective_from` is worked out at the old cost and the past is never rewritten."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="cost_changes")
    effective_from = models.DateField()
    annual_cost = models.DecimalField("base annual fee", **MONEY)
    additional_cost = models.DecimalField("additional funding", **MONEY)
    previous_annual_cost = models.DecimalField("base annual fee before", **MONEY)
    previous_additional_cost = models.DecimalField("additional funding before", **MONEY)
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["placement", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "effective_from"], name="placement_cost_change_one_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} from {self.effective_from}"

    @property
    def total_annual_cost(self) -> Decimal:
        return rules.placement_cost(self.annual_cost, self.additional_cost)

    @property
    def previous_total_annual_cost(self) -> Decimal:
        return rules.placement_cost(self.previous_annual_cost, self.previous_additional_cost)


class NamedSetting(models.Model):
    """A setting named in an EHC plan when it was issued (SEN2 PlanDetail, at most two)."""

    ehcp = models.ForeignKey(EHCP, on_delete=models.CASCADE, related_name="named_settings")
    rank = models.PositiveSmallIntegerField(
        choices=PlacementRank.choices, default=PlacementRank.PRIMARY
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sen2_setting = models.CharField(
        "SEN2 setting code", max_length=4, choices=SEN2Setting.choices, blank=True
    )
    sen2_setting_other = models.CharField(max_length=100, blank=True)
    sen_unit = models.BooleanField("in a SEN unit", default=False)
    resourced_provision = models.BooleanField("in a resourced provision", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ehcp", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ehcp", "rank"], name="named_setting_one_per_rank"),
        ]

    def __str__(self) -> str:
        where = self.provider.name if self.provider else self.sen2_setting
        return f"{where} named in {self.ehcp}"


class AnnualReview(models.Model):
    """An annual review of an EHC plan (SEN2 ReviewMeeting, ReviewOutcome, LastReview, ReviewDraft)."""

    ehcp = models.ForeignKey(EHCP, on_delete=models.CASCADE, related_name="annual_reviews")
    meeting_date = models.DateField()
    outcome = models.CharField(max_length=1, choices=ReviewOutcome.choices, blank=True)
    decision_date = models.DateField(
        null=True, blank=True, help_text="Date the LA told the family its decision"
    )
    draft_amended_plan_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ehcp", "meeting_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True) | Q(decision_date__gte=F("meeting_date")),
                name="annual_review_decision_after_meeting",
            ),
            models.UniqueConstraint(
                fields=["ehcp", "meeting_date"],
                name="annual_review_one_per_meeting",
                violation_error_message="This plan already has an annual review on that date",
            ),
        ]

    def __str__(self) -> str:
        return f"Annual review of {self.ehcp} on {self.meeting_date}"


class PhaseTransfer(models.Model):
    """A phase transfer review of an EHC plan (SEN2 PhaseTransferDueDate, PhaseTransferFinalDate)."""

    ehcp = models.ForeignKey(EHCP, on_delete=models.CASCADE, related_name="phase_transfers")
    due_date = models.DateField()
    final_plan_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ehcp", "due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ehcp", "due_date"],
                name="phase_transfer_one_per_due_date",
                violation_error_message="This plan already has a phase transfer due on that date",
            ),
        ]

    def __str__(self) -> str:
        return f"Phase transfer of {self.ehcp} due {self.due_date}"
