"""The SEN2 return for a small county worked out by hand (census 15 January 2026, collection
period 2025), item by item; the XML validates against sen2.xsd and reads back whole."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from placements.models import (
    EHCP,
    AnnualReview,
    CeaseReason,
    NamedSetting,
    PhaseTransfer,
    RequestSource,
    ReviewOutcome,
    Sex,
)
from placements.sen2 import checks, document, prepare_return, spec
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    NeedTypeFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

CENSUS = dt.date(2026, 1, 15)
GENERATED = dt.datetime(2026, 1, 20, 9, 30)  # noqa: DTZ001


def _ehcp(child, **kwargs):
    defaults = {
        "request_source": RequestSource.YOUNG_PERSON_OR_PARENT,
        "assessment_decision": EHCP.AssessmentDecision.PENDING,
        "assessment_decision_date": None,
        "issue_date": None,
        "status": EHCP.Status.REQUESTED,
    }
    return EHCPFactory(child=child, **{**defaults, **kwargs})


@pytest.fixture
def county():
    """Eight children; the comments say what each must come to in the return."""
    school = ProviderFactory(urn=123456, name="Oakwood")
    college = ProviderFactory(urn=654321, name="Weald College", ukprn="10001234")
    srp = ProviderFactory(urn=123457, name="Hollybank", establishment_type="Community school")
    old_school = ProviderFactory(urn=123458, name="Chartwell")

    # Ann: asked in 2025, agreed, plan issued in 2025, dual placement (college is secondary).
    ann = ChildFactory(
        child_ref="WS-A",
        first_name="Ann",
        last_name="Ash",
        date_of_birth=dt.date(2012, 3, 4),
        sex=Sex.FEMALE,
        ethnicity="WBRI",
        upn="A123456789012",
        home_postcode="me14 1xx",
    )
    ann_plan = _ehcp(
        ann,
        request_date=dt.date(2025, 2, 3),
        assessment_decision=EHCP.AssessmentDecision.ASSESS,
        assessment_decision_date=dt.date(2025, 3, 10),
        issue_date=dt.date(2025, 6, 16),
        status=EHCP.Status.ISSUED,
        primary_need=NeedTypeFactory(code="ASD"),
        secondary_need=NeedTypeFactory(code="SLCN"),
        personal_budget=True,
        assessment_mediation=True,
    )
    NamedSetting.objects.create(ehcp=ann_plan, rank=1, provider=school)
    PlacementFactory(child=ann, provider=school, start_date=dt.date(2025, 9, 1))
    PlacementFactory(
        child=ann,
        provider=college,
        start_date=dt.date(2025, 9, 1),
        dual_registered=True,
        attendance_pattern="weekly",
    )
    PhaseTransfer.objects.create(ehcp=ann_plan, due_date=dt.date(2025, 2, 15))

    # Ben: plan from 2019 (historical request and assessment: H), no UPN or ULN (UN2),
    # resourced provision, an annual review in 2025.
    ben = ChildFactory(
        child_ref="WS-B",
        first_name="Ben",
        last_name="Birch",
        date_of_birth=dt.date(2010, 5, 6),
        sex="X",
        ethnicity="NOBT",
        upn_unknown="UN2",
        home_postcode="",
    )
    ben_plan = _ehcp(
        ben,
        request_date=dt.date(2019, 5, 1),
        assessment_decision=EHCP.AssessmentDecision.ASSESS,
        assessment_decision_date=dt.date(2019, 6, 10),
        issue_date=dt.date(2019, 9, 20),
        status=EHCP.Status.ISSUED,
        primary_need=NeedTypeFactory(code="SEMH"),
        request_source=RequestSource.EDUCATION_SETTING,
        transfer_la="",
    )
    PlacementFactory(
        child=ben,
        provider=srp,
        setting_type="srp",
        resourced_provision=True,
        start_date=dt.date(2019, 9, 2),
    )
    AnnualReview.objects.create(
        ehcp=ben_plan,
        meeting_date=dt.date(2025, 11, 5),
        outcome=ReviewOutcome.MAINTAIN,
        decision_date=dt.date(2025, 11, 20),
    )
    AnnualReview.objects.create(ehcp=ben_plan, meeting_date=dt.date(2026, 2, 1))  # after census

    # Cal: plan from 2020 ceased in July 2025 (paid employment): named plan only.
    cal = ChildFactory(child_ref="WS-C", first_name="Cal", last_name="Cole", ethnicity="WIRI")
    cal.uln = "1234567890"
    cal.save()
    cal_plan = _ehcp(
        cal,
        request_date=dt.date(2020, 1, 10),
        assessment_decision=EHCP.AssessmentDecision.ASSESS,
        assessment_decision_date=dt.date(2020, 2, 20),
        issue_date=dt.date(2020, 5, 1),
        ceased_date=dt.date(2025, 7, 31),
        cease_reason=CeaseReason.EMPLOYMENT,
        status=EHCP.Status.CEASED,
    )
    NamedSetting.objects.create(ehcp=cal_plan, rank=1, provider=old_school)
    PlacementFactory(
        child=cal,
        provider=old_school,
        start_date=dt.date(2020, 9, 1),
        end_date=dt.date(2025, 7, 18),
    )

    # Dee: plan ceased in 2024, before the collection period: not in the return.
    dee = ChildFactory(child_ref="WS-D", ethnicity="WBRI", upn="B123456789012")
    _ehcp(
        dee,
        request_date=dt.date(2017, 3, 1),
        assessment_decision=EHCP.AssessmentDecision.ASSESS,
        assessment_decision_date=dt.date(2017, 4, 1),
        issue_date=dt.date(2017, 7, 1),
        ceased_date=dt.date(2024, 7, 31),
        cease_reason=CeaseReason.MAXIMUM_AGE,
        status=EHCP.Status.CEASED,
    )

    # Eve: asked in November 2025, not yet decided: A, no date, no assessment.
    eve = ChildFactory(child_ref="WS-E", ethnicity="AIND", upn="C123456789012")
    _ehcp(
        eve,
        request_date=dt.date(2025, 11, 3),
        request_source=RequestSource.HEALTH,
        primary_need=None,
    )

    # Fay: refused in April 2025 after mediation: N with the date.
    fay = ChildFactory(child_ref="WS-F", ethnicity="BAFR", upn="D123456789012")
    _ehcp(
        fay,
        request_date=dt.date(2025, 3, 3),
        assessment_decision=EHCP.AssessmentDecision.REFUSED,
        assessment_decision_date=dt.date(2025, 4, 14),
        request_mediation=True,
        primary_need=None,
    )

    # Gus: asked after the census date: not in the return.
    gus = ChildFactory(child_ref="WS-G", ethnicity="WBRI", upn="E123456789012")
    _ehcp(gus, request_date=dt.date(2026, 2, 1))

    # Hal: asked in October 2025, agreed on 20 January 2026 (after the census): A, no date.
    hal = ChildFactory(child_ref="WS-H", ethnicity="WBRI", upn="F123456789012")
    _ehcp(
        hal,
        request_date=dt.date(2025, 10, 1),
        assessment_decision=EHCP.AssessmentDecision.ASSESS,
        assessment_decision_date=dt.date(2026, 1, 20),
        status=EHCP.Status.ASSESSING,
    )


def _items(node):
    return {name: value for name, value in node.items.items() if value}


def test_the_return_for_a_small_county_worked_out_by_hand(county):
    result = prepare_return(CENSUS, "886", generated_at=GENERATED)
    persons = {p.context["person_id"]: p for p in result.persons}

    assert sorted(persons) == ["WS-A", "WS-B", "WS-C", "WS-E", "WS-F", "WS-H"]

    # Ann
    ann = persons["WS-A"]
    assert _items(ann) == {
        "Surname": "Ash",
        "Forename": "Ann",
        "PersonBirthDate": "2012-03-04",
        "Sex": "F",
        "Ethnicity": "WBRI",
        "PostCode": "ME14 1XX",
        "UPN": "A123456789012",
    }
    [request] = ann.find_all("Requests")
    assert _items(request) == {
        "ReceivedDate": "2025-02-03",
        "RequestSource": "1",
        "RYA": "0",
        "RequestOutcomeDate": "2025-03-10",
        "RequestOutcome": "Y",
        "RequestMediation": "0",
        "RequestTribunal": "0",
    }
    [assessment] = request.find_all("Assessment")
    assert _items(assessment) == {
        "AssessmentOutcome": "Y",
        "AssessmentOutcomeDate": "2025-06-16",
        "AssessmentMediation": "1",
        "AssessmentTribunal": "0",
        "OtherMediation": "0",
        "OtherTribunal": "0",
        "Week20": "0",
    }
    plan = assessment.find("NamedPlan")
    assert _items(plan) == {"StartDate": "2025-06-16", "PB": "1", "OA": "0"}
    assert [_items(d) for d in plan.find_all("PlanDetail")] == [
        {
            "URN": "123456",
            "PlacementRank": "1",
            "SENunitIndicator": "0",
            "ResourcedProvisionIndicator": "0",
        }
    ]
    active = request.find("ActivePlans")
    assert _items(active) == {"PhaseTransferDueDate": "2025-02-15"}
    assert [_items(p) for p in active.find_all("PlacementDetail")] == [
        {
            "URN": "123456",
            "PlacementRank": "1",
            "EntryDate": "2025-09-01",
            "SENunitIndicator": "0",
            "ResourcedProvisionIndicator": "0",
        },
        {
            "URN": "654321",
            "UKPRN": "10001234",
            "PlacementRank": "2",
            "EntryDate": "2025-09-01",
            "SENunitIndicator": "0",
            "ResourcedProvisionIndicator": "0",
            "RES": "A",
        },
    ]
    assert [_items(n) for n in active.find_all("SENneed")] == [
        {"SENtype": "ASD", "SENtypeRank": "1"},
        {"SENtype": "SLCN", "SENtypeRank": "2"},
    ]

    # Ben: historical request and assessment, no UPN or ULN
    ben = persons["WS-B"]
    assert _items(ben)["Sex"] == "U"
    assert _items(ben)["UPNunknown"] == "UN2"
    assert "UPN" not in _items(ben)
    assert "PostCode" not in _items(ben)
    [request] = ben.find_all("Requests")
    assert request.get("RequestOutcome") == "H"
    assert request.get("RequestOutcomeDate") == ""
    [assessment] = request.find_all("Assessment")
    assert (assessment.get("AssessmentOutcome"), assessment.get("AssessmentOutcomeDate")) == (
        "H",
        "",
    )
    plan = assessment.find("NamedPlan")
    assert plan.get("StartDate") == "2019-09-20"
    assert [_items(d) for d in plan.find_all("PlanDetail")] == [
        {
            "URN": "123457",
            "PlacementRank": "1",
            "SENunitIndicator": "0",
            "ResourcedProvisionIndicator": "1",
        }
    ]
    active = request.find("ActivePlans")
    assert _items(active) == {
        "ReviewMeeting": "2025-11-05",
        "ReviewOutcome": "M",
        "LastReview": "2025-11-20",
    }
    assert [p.get("URN") for p in active.find_all("PlacementDetail")] == ["123457"]

    # Cal: ceased plan, no active plan
    [request] = persons["WS-C"].find_all("Requests")
    assert persons["WS-C"].get("UniqueLearnerNumber") == "1234567890"
    assert request.get("RequestOutcome") == "H"
    plan = request.find("Assessment").find("NamedPlan")
    assert (plan.get("CeaseDate"), plan.get("CeaseReason")) == ("2025-07-31", "4")
    assert [d.get("URN") for d in plan.find_all("PlanDetail")] == ["123458"]
    assert request.find("ActivePlans") is None

    # Eve, Fay, Hal: requests only
    for ref, outcome, day in [
        ("WS-E", "A", ""),
        ("WS-F", "N", "2025-04-14"),
        ("WS-H", "A", ""),
    ]:
        [request] = persons[ref].find_all("Requests")
        assert (request.get("RequestOutcome"), request.get("RequestOutcomeDate")) == (
            outcome,
            day,
        ), ref
        assert request.children == [], ref
    assert persons["WS-E"].find("Requests").get("RequestSource") == "3"
    assert persons["WS-F"].find("Requests").get("RequestMediation") == "1"

    assert result.schema_errors == []
    assert result.issues == []
    assert result.valid


def test_the_header_block(county):
    tree = prepare_return(CENSUS, "886", serial_no=3, generated_at=GENERATED).tree
    root = tree.getroot()
    assert root.tag == "Message"
    assert [e.tag for e in root] == ["Header", "Persons"]
    details = {e.tag: e.text for e in root.find("Header/CollectionDetails")}
    assert details == {"Collection": "SEN2", "Year": "2026", "ReferenceDate": "2026-01-15"}
    source = {e.tag: e.text for e in root.find("Header/Source")}
    assert source == {
        "SourceLevel": "L",
        "LEA": "886",
        "SoftwareCode": "SEN placements",
        "Release": spec.RELEASE,
        "SerialNo": "3",
        "DateTime": "2026-01-20T09:30:00",
    }


def test_the_la_code_and_la_level_items_come_from_settings(county, settings):
    settings.COUNCIL_LA_CODE = "919"
    settings.SEN2_DMO = "Dr A Medic"
    root = prepare_return(CENSUS, generated_at=GENERATED).tree.getroot()
    assert root.findtext("Header/Source/LEA") == "919"
    assert root.findtext("LAlevel/DMO") == "Dr A Medic"
    assert root.find("LAlevel/DCO") is None


def test_the_census_date_defaults_to_dfes_census_day_never_today():
    assert prepare_return(year=2027, generated_at=GENERATED).census_date == dt.date(2027, 1, 21)
    assert spec.default_census_day(dt.date(2025, 10, 1)) == dt.date(2026, 1, 15)
    assert spec.default_census_day(dt.date(2026, 1, 16)) == dt.date(2027, 1, 21)
    assert spec.default_census_day(dt.date(2030, 1, 1)) == dt.date(2027, 1, 21)
    with pytest.raises(ValueError, match="No SEN2 census day is known for 2031"):
        spec.census_day(2031)


def test_the_xml_validates_and_reads_back_every_record(county):
    result = prepare_return(CENSUS, "886", generated_at=GENERATED)
    data = result.to_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")

    back = document.read(data)

    def shape(node):
        return (node.tag, _items(node), [shape(c) for c in node.children])

    assert [shape(p) for p in back] == [shape(p) for p in result.persons]
    tags = [n.tag for p in back for n in _walk(p)]
    assert tags.count("Person") == 6
    assert tags.count("Requests") == 6
    assert tags.count("Assessment") == 3
    assert tags.count("NamedPlan") == 3
    assert tags.count("PlanDetail") == 3
    assert tags.count("ActivePlans") == 2
    assert tags.count("PlacementDetail") == 3
    assert tags.count("SENneed") == 3


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_the_schema_rejects_what_the_specification_does_not_allow(county):
    tree = prepare_return(CENSUS, "886", generated_at=GENERATED).tree
    tree.getroot().find("Persons/Person/Sex").text = "X"
    tree.getroot().find("Persons/Person/Requests/RequestOutcome").text = "Z"
    errors = document.schema_errors(tree)
    assert len(errors) == 2
    assert "Sex" in errors[0]
    assert "RequestOutcome" in errors[1]


def test_every_item_of_the_specification_is_in_the_schema_or_dropped():
    schema_text = spec.SCHEMA_FILE.read_text()
    names = {item.name for item in spec.items()}
    for name in names - set(spec.DROPPED):
        assert f'name="{name}"' in schema_text, name
    written = set(spec.HEADER_COLLECTION + spec.HEADER_SOURCE + spec.LA_LEVEL)
    for items in spec.MODULES.values():
        written |= set(items)
    assert names - set(spec.DROPPED) == written
    assert "AttendancePattern" not in schema_text


# --- Record rules ---------------------------------------------------------------------------


def test_records_that_break_a_rule_are_listed_with_counts_by_rule():
    nobody = ChildFactory(child_ref="WS-X", ethnicity="")  # no ethnicity, no UPN/ULN/reason
    _ehcp(
        nobody,
        request_date=dt.date(2025, 3, 1),
        request_source=None,
        assessment_decision=EHCP.AssessmentDecision.ASSESS,  # Y without a date
        issue_date=dt.date(2025, 5, 1),
        ceased_date=dt.date(2025, 12, 1),  # ceased without a reason, no setting named
        status=EHCP.Status.CEASED,
    )
    active = ChildFactory(child_ref="WS-Y", ethnicity="WBRI", upn="A1234")  # bad UPN
    plan = _ehcp(
        active,
        request_date=dt.date(2025, 1, 6),
        assessment_decision=EHCP.AssessmentDecision.ASSESS,
        assessment_decision_date=dt.date(2025, 2, 1),
        issue_date=dt.date(2025, 5, 1),
        status=EHCP.Status.ISSUED,
        primary_need=None,  # active plan without a need
    )
    NamedSetting.objects.create(ehcp=plan, rank=1)  # neither a provider nor a setting code
    for start in (dt.date(2025, 9, 1), dt.date(2025, 9, 2)):  # two primaries
        PlacementFactory(child=active, start_date=start, placement_rank=1, dual_registered=True)
    noplace = ChildFactory(child_ref="WS-Z", ethnicity="WBRI", upn="A123456789012")
    _ehcp(
        noplace,
        request_date=dt.date(2025, 1, 6),
        assessment_decision=EHCP.AssessmentDecision.REFUSED,
        assessment_decision_date=dt.date(2025, 1, 2),  # before the request
        status=EHCP.Status.NOT_ISSUED,
    )

    result = prepare_return(CENSUS, "886", generated_at=GENERATED)

    found = {(i.rule, i.record.split(",")[0], i.item) for i in result.issues}
    assert found == {
        ("missing_item", "child WS-X", "Ethnicity"),
        ("upn_unknown_missing", "child WS-X", "UPNunknown"),
        ("missing_item", "child WS-X", "RequestSource"),
        ("outcome_without_date", "child WS-X", "RequestOutcomeDate"),
        ("plan_without_cease_reason", "child WS-X", "CeaseReason"),
        ("plan_without_placement", "child WS-X", "PlanDetail"),
        ("bad_identifier", "child WS-Y", "UPN"),
        ("placement_without_setting", "child WS-Y", "SENSetting"),
        ("placement_rank", "child WS-Y", "PlacementRank"),
        ("plan_without_need", "child WS-Y", "SENtype"),
        ("impossible_date", "child WS-Z", "RequestOutcomeDate"),
    }
    counts = result.issue_counts
    assert list(counts) == list(checks.RULES)
    assert counts["missing_item"] == 2
    assert counts["plan_without_placement"] == 1
    assert sum(counts.values()) == len(result.issues) == 11
    assert not result.valid


def test_an_active_plan_without_a_placement_on_the_census_date_is_flagged(county):
    ann_plan = EHCP.objects.get(child__child_ref="WS-A")
    ann_plan.child.placements.all().delete()
    result = prepare_return(CENSUS, "886", generated_at=GENERATED)
    assert [(i.rule, i.module) for i in result.issues] == [
        ("plan_without_placement", "ActivePlans")
    ]


def test_a_setting_without_a_urn_sends_its_sen2_setting_code(county):
    ann_plan = EHCP.objects.get(child__child_ref="WS-A")
    ann_plan.named_settings.update(provider=None, sen2_setting="EHE")
    plan = prepare_return(CENSUS, "886", generated_at=GENERATED)
    detail = plan.tree.getroot().find("Persons/Person/Requests/Assessment/NamedPlan/PlanDetail")
    assert [(e.tag, e.text) for e in detail] == [("SENSetting", "EHE"), ("PlacementRank", "1")]
    assert plan.valid


def test_a_resourced_provision_placement_needs_an_indicator(county):
    EHCP.objects.get(child__child_ref="WS-B").child.placements.update(resourced_provision=False)
    result = prepare_return(CENSUS, "886", generated_at=GENERATED)
    assert [i.rule for i in result.issues] == ["srp_without_indicator"]


def test_a_census_date_other_than_dfes_is_flagged(county):
    result = prepare_return(dt.date(2026, 1, 16), "886", generated_at=GENERATED)
    assert [(i.rule, i.item) for i in result.issues] == [("header", "ReferenceDate")]


# --- The command ------------------------------------------------------------------------------


def test_the_command_writes_the_xml_and_exits_zero_when_it_validates(county, tmp_path):
    out = tmp_path / "sen2.xml"
    err = io.StringIO()
    call_command("sen2", "--census", "2026-01-15", "--out", str(out), stderr=err)
    assert len(document.read(out.read_bytes())) == 6
    assert "validates against the schema and every rule" in err.getvalue()


def test_the_command_lists_what_breaks_a_rule_and_fails(county, tmp_path):
    EHCP.objects.filter(child__child_ref="WS-C").update(cease_reason=None)
    out = tmp_path / "sen2.xml"
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 records break a rule"):
        call_command("sen2", "--year", "2026", "--out", str(out), stderr=err)
    assert "plan_without_cease_reason: child WS-C" in err.getvalue()
    assert "A ceased plan has no cease reason (plan_without_cease_reason)" in err.getvalue()
    assert out.exists()  # written anyway, to look at


def test_the_command_rejects_a_bad_date():
    with pytest.raises(CommandError, match="not a date"):
        call_command("sen2", "--census", "15/01/2026")
