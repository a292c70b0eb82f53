"""factory_boy factories for every model the tests build, with realistic defaults.

Defaults describe an ordinary INMSS case in a shire county: a child with an issued EHCP for
autism, a day place at an independent special school at about £36k a year (the design).
Factories write rows directly; tests of a rule go through the services instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from dps.models import (
    BlockContract,
    Consultation,
    Contract,
    FeeSchedule,
    Framework,
    Lot,
    Membership,
    UpliftRequest,
)
from dps.rules import consultation_due_date
from panel.models import Meeting, PanelRequest, PanelType
from placements import rules
from placements.models import (
    EHCP,
    AttendancePattern,
    Child,
    NeedType,
    Placement,
    Provider,
    Sex,
)
from reporting.models import BudgetLine

PASSWORD = "demo-password-1"
NEED_LABELS = dict(rules.NEED_TYPES)
DISTRICTS = [
    "Ashford",
    "Canterbury",
    "Dover",
    "Maidstone",
    "Sevenoaks",
    "Swale",
    "Thanet",
    "Tonbridge and Malling",
    "Tunbridge Wells",
]
SCHOOL_NAMES = [
    "Oakwood",
    "Brambletye",
    "Hollybank",
    "Meadowview",
    "Chartwell",
    "Little Acorns",
    "Wealden Vale",
    "Riverside",
    "St Aidan's",
    "Beechcroft",
]


class UserFactory(DjangoModelFactory):
    """A council user. Pass `groups=["officer"]` (names or Group objects) to give roles."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@wealdshire.gov.uk")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for group in extracted:
            if isinstance(group, str):
                group = Group.objects.get(name=group)
            self.groups.add(group)


class NeedTypeFactory(DjangoModelFactory):
    """A SEN2 need type. The rows come from a migration; get-or-create keeps them when a
    transactional test has flushed the tables (a flush does not re-run data migrations)."""

    class Meta:
        model = NeedType
        django_get_or_create = ("code",)

    code = "ASD"
    label = factory.LazyAttribute(lambda o: NEED_LABELS[o.code])
    sort_order = factory.LazyAttribute(lambda o: rules.NEED_CODES.index(o.code))


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    child_ref = factory.Sequence(lambda n: f"WS{n + 1:06d}")
    sex = factory.Iterator([Sex.MALE, Sex.FEMALE])
    first_name = factory.Maybe(
        factory.LazyAttribute(lambda o: o.sex == Sex.FEMALE),
        yes_declaration=factory.Faker("first_name_female", locale="en_GB"),
        no_declaration=factory.Faker("first_name_male", locale="en_GB"),
    )
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker(
        "date_between_dates",
        date_start=dt.date(2008, 9, 1),
        date_end=dt.date(2018, 8, 31),
    )
    home_postcode = factory.Faker("postcode", locale="en_GB")
    easting = factory.Faker("random_int", min=560_000, max=640_000)
    northing = factory.Faker("random_int", min=130_000, max=175_000)
    district = factory.Iterator(DISTRICTS)


class EHCPFactory(DjangoModelFactory):
    """An EHCP issued in 18 weeks (inside the 20-week limit) for autism."""

    class Meta:
        model = EHCP

    child = factory.SubFactory(ChildFactory)
    request_date = dt.date(2023, 1, 9)
    assessment_decision = EHCP.AssessmentDecision.ASSESS
    assessment_decision_date = factory.LazyAttribute(
        lambda o: o.request_date + dt.timedelta(weeks=6)
    )
    issue_date = factory.LazyAttribute(lambda o: o.request_date + dt.timedelta(weeks=18))
    status = EHCP.Status.ISSUED
    primary_need = factory.SubFactory(NeedTypeFactory, code="ASD")
    secondary_need = None


class ProviderFactory(DjangoModelFactory):
    """An independent special school; the setting group follows the establishment type."""

    class Meta:
        model = Provider
        skip_postgeneration_save = True

    urn = factory.Sequence(lambda n: 100001 + n)
    name = factory.Sequence(lambda n: f"{SCHOOL_NAMES[n % len(SCHOOL_NAMES)]} School {n + 1}")
    establishment_type = "Other independent special school"
    setting_group = factory.LazyAttribute(
        lambda o: rules.setting_group_for_establishment_type(o.establishment_type)
    )
    status = Provider.Status.OPEN
    phase = "Not applicable"
    low_age = 5
    high_age = 19
    sex_of_entry = Provider.SexOfEntry.MIXED
    boarding = Provider.Boarding.NONE
    capacity = 60
    number_of_pupils = 54
    ofsted_grade = Provider.OfstedGrade.GOOD
    ofsted_rating = "Good"
    ofsted_date = dt.date(2023, 5, 16)
    postcode = factory.Faker("postcode", locale="en_GB")
    easting = factory.Faker("random_int", min=540_000, max=650_000)
    northing = factory.Faker("random_int", min=120_000, max=180_000)
    local_authority = "Wealdshire"

    @factory.post_generation
    def need_types(self, create, extracted, **kwargs):
        """`need_types=["ASD", "SEMH"]` (codes or NeedType objects); none by default."""
        if not create or not extracted:
            return
        self.need_types.set(
            NeedTypeFactory(code=need) if isinstance(need, str) else need for need in extracted
        )


class PlacementFactory(DjangoModelFactory):
    """An open day place at £36,000 a year from the start of AY 2024/25."""

    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    provider = factory.SubFactory(ProviderFactory)
    start_date = dt.date(2024, 9, 2)
    end_date = None
    attendance_pattern = AttendancePattern.DAY
    annual_cost = Decimal("36000.00")
    additional_cost = Decimal("0.00")
    education_share = Decimal("100.00")
    health_share = Decimal("0.00")
    social_care_share = Decimal("0.00")
    reason = Placement.Reason.NO_LOCAL_PROVISION


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Wealdshire INMSS Dynamic Purchasing System {n + 1}")
    start_date = dt.date(2022, 9, 1)
    initial_term_years = 4
    max_extension_years = 4


class LotFactory(DjangoModelFactory):
    """Lot 1, the higher-quality lot that block contracts may be placed in."""

    class Meta:
        model = Lot
        django_get_or_create = ("framework", "number")

    framework = factory.SubFactory(FrameworkFactory)
    number = 1
    name = "Higher quality providers"
    block_contract_eligible = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    provider = factory.SubFactory(ProviderFactory)
    lot = factory.SubFactory(LotFactory)
    framework = factory.LazyAttribute(lambda o: o.lot.framework)
    status = Membership.Status.ADMITTED
    applied_on = dt.date(2022, 6, 20)
    admitted_on = dt.date(2022, 8, 15)
    quality_score = Decimal("78.50")


class FeeScheduleFactory(DjangoModelFactory):
    class Meta:
        model = FeeSchedule

    provider = factory.SubFactory(ProviderFactory)
    academic_year = 2024
    attendance_pattern = AttendancePattern.DAY
    band = ""
    annual_fee = Decimal("36000.00")


class BlockContractFactory(DjangoModelFactory):
    class Meta:
        model = BlockContract

    provider = factory.SubFactory(ProviderFactory)
    lot = None
    places_reserved = 6
    price_per_place = Decimal("34500.00")
    start_date = dt.date(2024, 9, 1)
    end_date = dt.date(2026, 8, 31)


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"WCC-SEN-{n + 1:04d}")
    title = "INMSS placements dynamic purchasing system"
    provider = None
    framework = factory.SubFactory(FrameworkFactory)
    value = Decimal("160000000.00")
    start_date = dt.date(2022, 9, 1)
    end_date = dt.date(2026, 8, 31)
    extension_options = "Up to 4 years in 1-year steps"
    max_extension_months = 48


class UpliftRequestFactory(DjangoModelFactory):
    """A provider asks for 6.5% for AY 2025/26; not yet agreed."""

    class Meta:
        model = UpliftRequest

    provider = factory.SubFactory(ProviderFactory)
    academic_year = 2025
    requested_percent = Decimal("6.50")
    justification = "Teachers' pay award, employer pension contributions and energy costs."
    agreed_percent = None
    status = UpliftRequest.Status.REQUESTED
    received_on = dt.date(2025, 3, 14)


class ConsultationFactory(DjangoModelFactory):
    """A consultation sent to a DPS school, due back when dps.rules says (15 calendar days by
    default)."""

    class Meta:
        model = Consultation

    child = factory.SubFactory(ChildFactory)
    provider = factory.SubFactory(ProviderFactory)
    on_dps = True
    parental_request = False
    sent_on = dt.date(2025, 3, 3)
    due_on = factory.LazyAttribute(lambda o: consultation_due_date(o.sent_on))
    response = Consultation.Response.AWAITING


class MeetingFactory(DjangoModelFactory):
    """An Independent Placement Panel, one a week (meetings are unique per day and panel type)."""

    class Meta:
        model = Meeting

    date = factory.Sequence(lambda n: dt.date(2025, 1, 8) + dt.timedelta(weeks=n))
    panel_type = PanelType.INDEPENDENT_PLACEMENT
    chair = factory.Faker("name", locale="en_GB")
    location = "County Hall, Maidstone"


class PanelRequestFactory(DjangoModelFactory):
    """A new placement request, not yet decided."""

    class Meta:
        model = PanelRequest

    meeting = factory.SubFactory(MeetingFactory)
    child = factory.SubFactory(ChildFactory)
    request_type = PanelRequest.RequestType.NEW_PLACEMENT
    provider = factory.SubFactory(ProviderFactory)
    primary_need = factory.SubFactory(NeedTypeFactory, code="ASD")
    secondary_need = None
    requested_base_cost = Decimal("36000.00")
    requested_additional_cost = Decimal("0.00")
    case_summary = "No local special school can meet need; DPS consultations declined."
    expected_start = dt.date(2025, 9, 3)


class BudgetLineFactory(DjangoModelFactory):
    """The INMSS placements budget of a large county: about £40m a year."""

    class Meta:
        model = BudgetLine
        django_get_or_create = ("financial_year", "line")

    financial_year = 2025
    line = "INMSS placements"
    amount = Decimal("40000000.00")
