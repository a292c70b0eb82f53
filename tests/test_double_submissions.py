"""A form sent twice makes one record: every create a person makes through a form, through the
real views (docs/adr/0007-double-submissions.md).

On PostgreSQL ten identical posts go at once, from threads, each on its own connection, outside a
test transaction: the checks before the save can all pass, so the natural key's constraint or the
submission token's unique index is what keeps one row. On SQLite (writes take turns) the same
posts go one after the other, as a double click sends them. Every answer is the success page
(a redirect) or the form with the clash beside the field; never a 500.

POST_RULES names, for every URL whose view takes POST, what stops a repeat doing its work twice,
so a new create form without a rule fails here.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from core.models import Job, SubmissionToken
from dps.models import AttendanceRecord, BlockContract, Contract, Lot, ShortlistEntry, UpliftRequest
from panel.models import Meeting, PanelRequest
from placements import exports
from placements.models import AnnualReview, NamedSetting, PhaseTransfer, Placement
from reporting.models import PlannedPlaces, SufficiencyScenario
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    FrameworkFactory,
    LotFactory,
    MeetingFactory,
    MembershipFactory,
    NeedTypeFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
)
from tests.test_access_matrix import URLS, declared_methods

POSTS_AT_ONCE = 10
TOKEN_INPUT = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')

NATURAL_KEY = "natural key"  # a unique constraint, named in the reason
TOKEN = "submission token"  # {% submission_token %} and core.idempotency.submit_once
CHANGE = "changes a record"  # an edit checked by version, a status, a delete: nothing is added
NOT_HERE = "its own rule"  # consultations and job starts have theirs, tested with them

# URL name → (rule, why). Natural keys name their constraint (checked below).
POST_RULES: dict[str, tuple[str, str]] = {
    "placements:annual_review_add": (NATURAL_KEY, "annual_review_one_per_meeting"),
    "placements:phase_transfer_add": (NATURAL_KEY, "phase_transfer_one_per_due_date"),
    "placements:named_setting_add": (NATURAL_KEY, "named_setting_one_per_rank"),
    "placements:placement_export_start": (TOKEN, "a register download started by a button"),
    "panel:meeting_create": (NATURAL_KEY, "meeting_one_per_day_type"),
    "panel:request_create": (NATURAL_KEY, "panel_request_natural_key"),
    "panel:placement_record": (NATURAL_KEY, "one_open_placement_per_child"),
    "dps:shortlist_add": (NATURAL_KEY, "shortlist_once_per_child"),
    "dps:lot_create": (NATURAL_KEY, "lot_number_unique"),
    "dps:uplift_create": (NATURAL_KEY, "uplift_one_per_provider_year"),
    "dps:block_create": (TOKEN, "two identical block contracts can be meant"),
    "reporting:sufficiency_preset_copy": (TOKEN, "copying a preset twice can be meant"),
    "dps:contract_create": (NATURAL_KEY, "contract_reference_unique_any_case"),
    "dps:attendance_record": (NATURAL_KEY, "attendance_one_per_term"),
    "reporting:sufficiency_scenario_create": (NATURAL_KEY, "scenario_name_unique_any_case"),
    "reporting:sufficiency_planned_places": (
        NATURAL_KEY,
        "planned_places_one_line_per_cell_in_plan",
    ),
    "dps:membership_create": (NOT_HERE, "membership_one_per_framework, with the DPS pages"),
    "dps:fee_create": (NOT_HERE, "fee_schedule_unique, with the DPS pages"),
    "dps:framework_create": (NOT_HERE, "Framework.name is unique, with the DPS pages"),
    "dps:consult": (NOT_HERE, "consultations: dps.services.consult"),
    "dps:accept": (NOT_HERE, "accepting an offer: dps.services, versioned"),
    "placements:sen2_return": (NOT_HERE, "a SEN2 check is a job start"),
    "imports:start": (NOT_HERE, "an import is a job start"),
    "imports:confirm": (NOT_HERE, "an import is a job start"),
    "imports:restart": (NOT_HERE, "an import is a job start"),
    "reporting:recompute": (NOT_HERE, "a recompute is a job start"),
    "login": (CHANGE, "signs in"),
    "logout": (CHANGE, "signs out"),
    "favicon": (CHANGE, "a redirect"),
    "session_keep_alive": (CHANGE, "extends the session"),
    "placements:placement_change": (CHANGE, "versioned"),
    "placements:child_sen2_change": (CHANGE, "versioned"),
    "placements:named_setting_remove": (CHANGE, "a delete: a repeat finds nothing (404)"),
    "dps:provider_contact": (CHANGE, "versioned"),
    "dps:provider_ofsted": (CHANGE, "versioned"),
    "dps:shortlist_remove": (CHANGE, "a delete"),
    "dps:consultation_respond": (CHANGE, "versioned"),
    "dps:consultation_chase": (CHANGE, "one reminder a day: a repeat is told it was sent"),
    "dps:consultation_contact": (CHANGE, "versioned"),
    "dps:consultation_emails_retry": (CHANGE, "sends what is unsent: each email is claimed once"),
    "dps:child_emails_retry": (CHANGE, "sends what is unsent: each email is claimed once"),
    "dps:framework_edit": (CHANGE, "versioned"),
    "dps:lot_edit": (CHANGE, "versioned"),
    "dps:membership_status": (CHANGE, "versioned"),
    "dps:membership_evidence": (CHANGE, "versioned"),
    "dps:fee_edit": (CHANGE, "versioned"),
    "dps:uplift_detail": (CHANGE, "versioned"),
    "dps:block_edit": (CHANGE, "versioned"),
    "dps:contract_edit": (CHANGE, "versioned"),
    "panel:decision_record": (CHANGE, "versioned"),
    "reporting:sufficiency_scenario_edit": (CHANGE, "versioned"),
    "reporting:sufficiency_scenario_delete": (CHANGE, "versioned"),
    "reporting:sufficiency_planned_places_edit": (CHANGE, "versioned"),
    "reporting:sufficiency_planned_places_delete": (CHANGE, "versioned"),
}


@dataclass
class Case:
    """One create form: where it posts, what it sends, the rows it should leave."""

    url: str
    data: dict[str, Any]
    rows: Callable[[], int]
    clash: str = ""  # what a refused repeat says beside the field ("" when a repeat succeeds)
    form_url: str = ""  # the page whose form carries a submission token
    extra: dict[str, Any] = field(default_factory=dict)


def _issued_plan(ref: str) -> None:
    EHCPFactory(child=ChildFactory(child_ref=ref), issue_date=dt.date(2025, 1, 10))


def annual_review() -> Case:
    _issued_plan("TWICE1")
    return Case(
        reverse("placements:annual_review_add", args=["TWICE1"]),
        {"meeting_date": "2025-10-01", "outcome": "M", "decision_date": "2025-10-20"},
        AnnualReview.objects.count,
        clash="This plan already has an annual review on 1 October 2025",
    )


def phase_transfer() -> Case:
    _issued_plan("TWICE2")
    return Case(
        reverse("placements:phase_transfer_add", args=["TWICE2"]),
        {"due_date": "2026-02-15"},
        PhaseTransfer.objects.count,
        clash="This plan already has a phase transfer due on 15 February 2026",
    )


def named_setting() -> Case:
    _issued_plan("TWICE3")
    return Case(
        reverse("placements:named_setting_add", args=["TWICE3"]),
        {"rank": "1", "sen2_setting": "EHE"},
        NamedSetting.objects.count,
        clash="already names a setting of this rank",
    )


def register_download() -> Case:
    PlacementFactory()
    return Case(
        reverse("placements:placement_export_start"),
        {},
        Job.objects.filter(kind=exports.REGISTER_EXPORT_JOB).count,
        form_url=reverse("placements:placement_export"),
    )


def meeting() -> Case:
    return Case(
        reverse("panel:meeting_create"),
        {"date": "2031-01-08", "panel_type": "independent_placement"},
        Meeting.objects.count,
        clash="There is already a meeting of this panel on that date",
    )


def panel_request() -> Case:
    meeting = MeetingFactory()
    child = ChildFactory(child_ref="TWICE4")
    need = NeedTypeFactory(code="ASD")
    return Case(
        reverse("panel:request_create", args=[meeting.pk]),
        {
            "child_ref": child.child_ref,
            "request_type": PanelRequest.RequestType.NEW_PLACEMENT,
            "primary_need": str(need.pk),
            "requested_base_cost": "36000",
            "requested_additional_cost": "0",
            "case_summary": "Needs a specialist ASD setting.",
        },
        PanelRequest.objects.count,
        clash="already",
    )


def agreed_placement() -> Case:
    child = ChildFactory(child_ref="TWICE5")
    item = PanelRequestFactory(
        child=child,
        outcome=PanelRequest.Outcome.AGREED,
        request_type=PanelRequest.RequestType.NEW_PLACEMENT,
    )
    return Case(
        reverse("panel:placement_record", args=[item.pk]),
        {"start_date": "2025-09-03", "attendance_pattern": "day"},
        Placement.objects.filter(child=child).count,
    )


def shortlist() -> Case:
    child = ChildFactory(child_ref="TWICE6")
    ProviderFactory(urn=181001)
    return Case(
        reverse("dps:shortlist_add", args=[child.child_ref]),
        {"urn": ["181001"]},
        ShortlistEntry.objects.count,
        extra={"user": "officer"},
    )


def lot() -> Case:
    framework = FrameworkFactory()
    return Case(
        reverse("dps:lot_create", args=[framework.pk]),
        {"number": "7", "name": "Higher quality", "block_contract_eligible": "on"},
        Lot.objects.filter(number=7).count,
        clash="already has a lot 7",
    )


def uplift() -> Case:
    ProviderFactory(urn=181002)
    return Case(
        reverse("dps:uplift_create"),
        {
            "provider_urn": "181002",
            "academic_year": "2026/27",
            "requested_percent": "4.5",
            "justification": "Pay award and energy.",
            "received_on": "2026-03-02",
        },
        UpliftRequest.objects.count,
        clash="This provider already has an uplift request for this year",
    )


def block_contract() -> Case:
    provider = ProviderFactory(urn=181003)
    lot = LotFactory(block_contract_eligible=True)
    MembershipFactory(provider=provider, lot=lot)
    return Case(
        reverse("dps:block_create"),
        {
            "provider_urn": "181003",
            "lot": str(lot.pk),
            "places_reserved": "4",
            "price_per_place": "34500",
            "start_date": "2025-09-01",
            "end_date": "2026-08-31",
        },
        BlockContract.objects.count,
        form_url=reverse("dps:block_create"),
    )


def contract() -> Case:
    return Case(
        reverse("dps:contract_create"),
        {
            "reference": "SEN-2025-099",
            "title": "Residential places",
            "provider_urn": "",
            "framework": "",
            "value": "1250000",
            "start_date": "2025-09-01",
            "end_date": "2027-08-31",
            "extension_options": "",
            "max_extension_months": "0",
            "status": "active",
        },
        Contract.objects.count,
        clash="There is already a contract with reference SEN-2025-099",
    )


def attendance() -> Case:
    provider = ProviderFactory(urn=181004)
    child = ChildFactory(child_ref="TWICE7")
    PlacementFactory(child=child, provider=provider, start_date=dt.date(2024, 9, 1))
    return Case(
        reverse("dps:attendance_record"),
        {
            "child_ref": "TWICE7",
            "provider_urn": "181004",
            "academic_year": "2025/26",
            "term": "autumn",
            "attendance_percent": "75",
        },
        AttendanceRecord.objects.count,
    )


def scenario() -> Case:
    return Case(
        reverse("reporting:sufficiency_scenario_create"),
        {
            "name": "Five more SRP places",
            "setting_group": "srp",
            "phase": "secondary",
            "need": "ASD",
            "academic_year": "2026/27",
            "places": "5",
        },
        SufficiencyScenario.objects.count,
        clash="There is already a scenario with this name",
        extra={"user": "manager"},
    )


def planned_places() -> Case:
    return Case(
        reverse("reporting:sufficiency_planned_places"),
        {
            "setting_group": "srp",
            "phase": "secondary",
            "academic_year": "2027",
            "places": "30",
            "note": "New unit at Hillside",
        },
        PlannedPlaces.objects.count,
        clash="There are already planned places for this provision, phase, need and year",
        extra={"user": "manager"},
    )


def preset_copy() -> Case:
    return Case(
        reverse("reporting:sufficiency_preset_copy", args=["white-paper-2026"]),
        {},
        SufficiencyScenario.objects.count,
        form_url=reverse("reporting:sufficiency"),
    )


CASES: dict[str, Callable[[], Case]] = {
    "placements:annual_review_add": annual_review,
    "placements:phase_transfer_add": phase_transfer,
    "placements:named_setting_add": named_setting,
    "placements:placement_export_start": register_download,
    "panel:meeting_create": meeting,
    "panel:request_create": panel_request,
    "panel:placement_record": agreed_placement,
    "dps:shortlist_add": shortlist,
    "dps:lot_create": lot,
    "dps:uplift_create": uplift,
    "dps:block_create": block_contract,
    "dps:contract_create": contract,
    "dps:attendance_record": attendance,
    "reporting:sufficiency_scenario_create": scenario,
    "reporting:sufficiency_planned_places": planned_places,
    "reporting:sufficiency_preset_copy": preset_copy,
}


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _post_at_once(user, url: str, data: dict[str, Any]) -> list[tuple[int, str]]:
    """POSTS_AT_ONCE identical posts released together, each thread on its own connection."""
    clients = [_client(user) for _ in range(POSTS_AT_ONCE)]
    connections.close_all()
    answers: list[tuple[int, str]] = []
    barrier = threading.Barrier(POSTS_AT_ONCE)

    def post(client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            response = client.post(url, data)
            answers.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.fixture
def _short_register(monkeypatch, settings, tmp_path):
    """The register download is a job only past XLSX_MAX_ROWS: make one placement enough, and
    keep the written file out of the project's media folder."""
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 0)
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_short_register")
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_create_form_sent_twice_makes_one_record(name, request):
    case = CASES[name]()
    user = request.getfixturevalue(case.extra.get("user", "commissioner"))
    data = dict(case.data)
    if case.form_url:
        form = _client(user).get(case.form_url).content.decode()
        data["submission_token"] = TOKEN_INPUT.search(form).group(1)

    if connection.vendor == "postgresql":
        answers = _post_at_once(user, case.url, data)
    else:  # SQLite: writes take turns, so a double click is two posts one after the other
        client = _client(user)
        answers = [
            (r.status_code, r.content.decode()) for r in (client.post(case.url, data) for _ in "ab")
        ]

    assert case.rows() == 1
    statuses = [status for status, _ in answers]
    assert len(statuses) == (POSTS_AT_ONCE if connection.vendor == "postgresql" else 2)
    assert 302 in statuses
    for status, text in answers:
        assert status in (200, 302, 400), (status, text[:2000])
        if status != 302:
            assert case.clash, f"a repeat of {name} should answer as the first did: {status}"
            assert case.clash in text.replace("&#x27;", "'")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_short_register")
def test_a_repeated_token_goes_where_the_first_submission_went(commissioner):
    case = block_contract()
    client = _client(commissioner)
    form = client.get(case.form_url).content.decode()
    data = {**case.data, "submission_token": TOKEN_INPUT.search(form).group(1)}

    first, second = client.post(case.url, data), client.post(case.url, data)
    fresh = TOKEN_INPUT.search(client.get(case.form_url).content.decode()).group(1)
    third = client.post(case.url, {**case.data, "submission_token": fresh})

    contracts = list(BlockContract.objects.order_by("pk"))
    assert first.url == second.url == reverse("dps:block_detail", args=[contracts[0].pk])
    # A new form is a new block contract: two identical ones can be meant.
    assert third.url == reverse("dps:block_detail", args=[contracts[1].pk])
    assert len(contracts) == 2


@pytest.mark.django_db(transaction=True)
def test_a_refused_first_submission_leaves_its_token_for_the_corrected_form(commissioner):
    case = block_contract()
    client = _client(commissioner)
    token = TOKEN_INPUT.search(client.get(case.form_url).content.decode()).group(1)

    refused = client.post(
        case.url, {**case.data, "end_date": "2025-08-01", "submission_token": token}
    )
    corrected = client.post(case.url, {**case.data, "submission_token": token})

    assert refused.status_code == 200
    assert "The end date must be the same as or after the start date" in refused.content.decode()
    assert corrected.status_code == 302
    assert BlockContract.objects.count() == 1
    assert SubmissionToken.objects.get().object_id == BlockContract.objects.get().pk


@pytest.mark.django_db
def test_tokens_older_than_a_day_are_forgotten_by_the_nightly_task(settings, commissioner):
    from django.utils import timezone

    from core.tasks import submission_tokens_expire

    assert "core.tasks.submission_tokens_expire" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    old = SubmissionToken.objects.create(token="0" * 32, kind="dps.BlockContract", object_id=1)
    SubmissionToken.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    recent = SubmissionToken.objects.create(token="1" * 32, kind="dps.BlockContract", object_id=2)

    assert submission_tokens_expire() == 1
    assert list(SubmissionToken.objects.all()) == [recent]


# --- Every form that posts has a rule ----------------------------------------------------------


def _takes_post(name: str) -> bool:
    methods = declared_methods(URLS[name].callback)
    return methods is None or "POST" in methods


def test_every_url_that_takes_a_post_has_a_rule_for_a_repeat():
    posting = {name for name in URLS if _takes_post(name)}
    assert sorted(posting - set(POST_RULES)) == [], "say in POST_RULES what stops a repeat"
    assert sorted(set(POST_RULES) - posting) == [], "these no longer take a POST"


def test_every_create_rule_is_real_and_tested_here():
    constraints = {
        constraint.name for model in apps.get_models() for constraint in model._meta.constraints
    }
    for name, (rule, why) in POST_RULES.items():
        if rule == NATURAL_KEY:
            assert why in constraints, f"{name}: no constraint named {why}"
        if rule in (NATURAL_KEY, TOKEN):
            assert name in CASES, f"{name}: add a case to test_a_create_form_sent_twice"


@pytest.mark.django_db
def test_agreed_placement_recorded_twice_returns_the_first():
    from panel import services

    item = PanelRequestFactory(
        outcome=PanelRequest.Outcome.AGREED,
        request_type=PanelRequest.RequestType.NEW_PLACEMENT,
        agreed_cost=Decimal("40000"),
    )
    first = services.agreed_placement_record(
        request_id=item.pk, start_date=dt.date(2025, 9, 3), attendance_pattern="day", user=None
    )
    again = services.agreed_placement_record(
        request_id=item.pk, start_date=dt.date(2025, 9, 3), attendance_pattern="day", user=None
    )

    assert again == first
