"""Commissioners run the DPS in the product: memberships, fees, uplifts and their savings,
block contracts, the contract register and attendance penalties, through the real pages."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from dps.models import (
    AttendancePenaltyRule,
    AttendanceRecord,
    BlockContract,
    Contract,
    FeeSchedule,
    Membership,
    UpliftRequest,
)
from tests.factories import (
    BlockContractFactory,
    ChildFactory,
    ContractFactory,
    FeeScheduleFactory,
    FrameworkFactory,
    LotFactory,
    MembershipFactory,
    PlacementFactory,
    ProviderFactory,
    UpliftRequestFactory,
)

pytestmark = pytest.mark.django_db

AY_START = dt.date(2025, 9, 1)


@pytest.fixture
def two_decided_uplifts():
    """Oak: £40,000 and £60,000 placements active on 1 Sep 2025 (plus one that ended the day
    before, one withdrawn and one starting a day later: not counted), 5% asked, 2% agreed →
    £100,000 × 3% = £3,000. Elm: one £50,000 placement, 4.5% asked, refused → £2,250.
    Ash: still negotiating, no saving yet."""
    oak = ProviderFactory(name="Oak School", urn=200001)
    elm = ProviderFactory(name="Elm School", urn=200002)
    ash = ProviderFactory(name="Ash School", urn=200003)
    PlacementFactory(provider=oak, annual_cost=Decimal("40000"), additional_cost=Decimal("9000"))
    PlacementFactory(provider=oak, annual_cost=Decimal("60000"), start_date=AY_START)
    PlacementFactory(provider=oak, annual_cost=Decimal("99000"), end_date=dt.date(2025, 8, 31))
    PlacementFactory(provider=oak, annual_cost=Decimal("99000"), withdrawn=True)
    PlacementFactory(provider=oak, annual_cost=Decimal("99000"), start_date=dt.date(2025, 9, 2))
    PlacementFactory(provider=elm, annual_cost=Decimal("50000"))
    PlacementFactory(provider=ash, annual_cost=Decimal("50000"))
    UpliftRequestFactory(
        provider=oak,
        requested_percent=Decimal("5.00"),
        agreed_percent=Decimal("2.00"),
        status=UpliftRequest.Status.AGREED,
        cost_breakdown="Pay 3%, energy 2%",
        decided_on=dt.date(2025, 6, 1),
    )
    UpliftRequestFactory(
        provider=elm,
        requested_percent=Decimal("4.50"),
        agreed_percent=Decimal("0.00"),
        status=UpliftRequest.Status.REJECTED,
        decided_on=dt.date(2025, 6, 1),
    )
    UpliftRequestFactory(provider=ash, status=UpliftRequest.Status.NEGOTIATING)
    return oak, elm, ash


# --- Permissions ------------------------------------------------------------------------

MANAGE_URLS = [
    "/dps/manage/",
    "/dps/frameworks/",
    "/dps/frameworks/new/",
    "/dps/memberships/",
    "/dps/memberships/new/",
    "/dps/fees/",
    "/dps/fees/new/",
    "/dps/uplifts/",
    "/dps/uplifts/new/",
    "/dps/block-contracts/",
    "/dps/block-contracts/new/",
    "/dps/contracts/",
    "/dps/contracts/new/",
    "/dps/attendance/",
    "/dps/attendance/record/",
]


@pytest.mark.parametrize("role", ["officer_client", "manager_client"])
def test_officers_and_managers_cannot_open_or_write_the_dps_management_pages(request, role):
    client = request.getfixturevalue(role)
    fee = FeeScheduleFactory()
    membership = MembershipFactory()
    uplift = UpliftRequestFactory()
    block = BlockContractFactory()
    urls = MANAGE_URLS + [
        f"/dps/fees/{fee.pk}/",
        f"/dps/uplifts/{uplift.pk}/",
        f"/dps/memberships/{membership.pk}/",
        f"/dps/block-contracts/{block.pk}/",
        f"/dps/block-contracts/{block.pk}/edit/",
        f"/dps/contracts/{ContractFactory().pk}/",
        f"/dps/frameworks/{membership.framework_id}/lots/new/",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    posts = [u for u in urls if not u.endswith("/manage/")] + [
        f"/dps/memberships/{membership.pk}/status/",
        f"/dps/memberships/{membership.pk}/evidence/",
    ]
    for url in posts:
        assert client.post(url, {"annual_fee": "1", "version": "1"}).status_code in (403, 405), url
    assert FeeSchedule.objects.get(pk=fee.pk).annual_fee == Decimal("36000.00")


def test_dps_navigation_entry_only_for_those_who_manage_the_dps(
    commissioner_client, officer_client, admin_client
):
    assert 'href="/dps/manage/"' in commissioner_client.get("/").content.decode()
    assert 'href="/dps/manage/"' in admin_client.get("/").content.decode()
    assert 'href="/dps/manage/"' not in officer_client.get("/").content.decode()


def test_overview_links_every_dps_screen(commissioner_client):
    page = commissioner_client.get("/dps/manage/").content.decode()

    for name in (
        "framework_list",
        "membership_list",
        "fee_list",
        "uplift_list",
        "block_list",
        "contract_register",
        "attendance",
    ):
        assert f'href="{reverse("dps:" + name)}"' in page


# --- Frameworks, lots and memberships --------------------------------------------------


def test_commissioner_adds_a_framework_and_a_lot(commissioner_client):
    response = commissioner_client.post(
        "/dps/frameworks/new/",
        {
            "name": "Wealdshire DPS 2026",
            "start_date": "2026-09-01",
            "initial_term_years": "4",
            "max_extension_years": "4",
        },
    )
    assert response.status_code == 302
    framework = FrameworkFactory._meta.model.objects.get(name="Wealdshire DPS 2026")

    response = commissioner_client.post(
        f"/dps/frameworks/{framework.pk}/lots/new/",
        {"number": "1", "name": "Higher quality", "block_contract_eligible": "on"},
    )
    assert response.status_code == 302
    assert framework.lots.get().block_contract_eligible is True

    again = commissioner_client.post(
        f"/dps/frameworks/{framework.pk}/lots/new/", {"number": "1", "name": "Other"}
    )
    assert again.status_code == 200
    assert "already has a lot 1" in again.content.decode()


def test_membership_goes_through_its_life_with_dates_and_reasons_kept(commissioner_client):
    lot = LotFactory()
    provider = ProviderFactory(urn=137000)
    response = commissioner_client.post(
        "/dps/memberships/new/",
        {
            "provider_urn": "137000",
            "lot": str(lot.pk),
            "applied_on": "2025-05-01",
            "ofsted_grade": "2",
            "quality_score": "81.5",
        },
    )
    membership = Membership.objects.get(provider=provider)
    assert response.url == f"/dps/memberships/{membership.pk}/"
    assert membership.status == Membership.Status.APPLIED

    url = f"/dps/memberships/{membership.pk}/status/"
    commissioner_client.post(url, {"status": "admitted", "on": "2025-06-01", "version": "1"})
    refused = commissioner_client.post(
        url, {"status": "suspended", "on": "2025-12-01", "version": "2"}
    )
    assert refused.status_code == 400
    assert "Enter the reason for suspending the provider" in refused.content.decode()
    commissioner_client.post(
        url,
        {"status": "suspended", "on": "2025-12-01", "reason": "Ofsted: Inadequate", "version": "2"},
    )

    membership.refresh_from_db()
    assert (membership.status, membership.admitted_on, membership.status_reason) == (
        "suspended",
        dt.date(2025, 6, 1),
        "Ofsted: Inadequate",
    )
    steps = list(
        membership.history.order_by("history_id").values_list(
            "status", "status_changed_on", "status_reason"
        )
    )
    assert steps == [
        ("applied", dt.date(2025, 5, 1), ""),
        ("admitted", dt.date(2025, 6, 1), ""),
        ("suspended", dt.date(2025, 12, 1), "Ofsted: Inadequate"),
    ]
    page = commissioner_client.get(f"/dps/memberships/{membership.pk}/").content.decode()
    assert "Ofsted: Inadequate" in page
    assert "commissioner" in page


def test_stale_membership_status_change_is_refused(commissioner_client):
    membership = MembershipFactory(status=Membership.Status.APPLIED)
    url = f"/dps/memberships/{membership.pk}/status/"
    commissioner_client.post(url, {"status": "admitted", "on": "2025-06-01", "version": "1"})

    stale = commissioner_client.post(
        url, {"status": "removed", "on": "2025-06-02", "reason": "x", "version": "1"}
    )

    assert stale.status_code == 409
    assert Membership.objects.get(pk=membership.pk).status == "admitted"


def test_application_for_an_unknown_urn_is_an_error_beside_the_field(commissioner_client):
    lot = LotFactory()
    response = commissioner_client.post(
        "/dps/memberships/new/",
        {"provider_urn": "999999", "lot": str(lot.pk), "applied_on": "2025-05-01"},
    )

    assert response.status_code == 200
    assert "No provider has this URN" in response.content.decode()
    assert not Membership.objects.exists()


# --- Fees --------------------------------------------------------------------------------


def test_fee_edit_is_kept_in_history_and_a_stale_save_is_refused(commissioner_client):
    fee = FeeScheduleFactory(annual_fee=Decimal("36000"))
    url = f"/dps/fees/{fee.pk}/"

    saved = commissioner_client.post(url, {"annual_fee": "£37,500", "version": "1"})
    stale = commissioner_client.post(url, {"annual_fee": "30000", "version": "1"})

    assert saved.status_code == 302
    assert stale.status_code == 409
    fee.refresh_from_db()
    assert (fee.annual_fee, fee.version) == (Decimal("37500"), 2)
    page = stale.content.decode()
    assert "Someone else saved this record" in page
    assert 'value="37500.00"' in page
    assert list(fee.history.order_by("history_id").values_list("annual_fee", flat=True)) == [
        Decimal("36000.00"),
        Decimal("37500.00"),
    ]


def test_fee_written_in_bulk_keeps_its_first_value_when_changed(commissioner_client):
    """The demo and older imports write fees without a history row: the first change keeps the
    value before it (the history used to show only the new fee)."""
    fee = FeeScheduleFactory(annual_fee=Decimal("36000"))
    FeeSchedule.history.filter(id=fee.pk).delete()

    commissioner_client.post(f"/dps/fees/{fee.pk}/", {"annual_fee": "37500", "version": "1"})

    history = fee.history.order_by("history_id").values_list("annual_fee", flat=True)
    assert list(history) == [Decimal("36000.00"), Decimal("37500.00")]
    page = commissioner_client.get(f"/dps/fees/{fee.pk}/").content.decode()
    assert "£36,000.00" in page
    assert "£37,500.00" in page


def test_fee_added_in_the_browser_and_a_duplicate_refused(commissioner_client):
    ProviderFactory(urn=140001)
    data = {
        "provider_urn": "140001",
        "academic_year": "2025/26",
        "attendance_pattern": "day",
        "band": "",
        "annual_fee": "41000",
    }
    assert commissioner_client.post("/dps/fees/new/", data).status_code == 302
    again = commissioner_client.post("/dps/fees/new/", data)
    assert "already has a fee" in again.content.decode()
    assert FeeSchedule.objects.get().academic_year == 2025


# --- Uplifts and savings ------------------------------------------------------------------


def test_register_totals_the_saving_per_academic_year(commissioner_client, two_decided_uplifts):
    page = commissioner_client.get("/dps/uplifts/").content.decode()

    # £3,000 + £2,250 across 2 + 1 placements.
    assert "£5,250 saved across 3 placements in 2025/26" in page
    assert "£3,000.00" in page
    assert "£2,250.00" in page
    assert "£5,250.00" in page


def test_uplift_above_threshold_needs_a_breakdown_before_it_is_agreed(commissioner_client):
    uplift = UpliftRequestFactory(requested_percent=Decimal("3.50"), cost_breakdown="")
    url = f"/dps/uplifts/{uplift.pk}/"
    decision = {"outcome": "agreed", "agreed_percent": "2", "decided_on": "2025-06-01"}

    refused = commissioner_client.post(url, {**decision, "version": "1"})
    assert refused.status_code == 400
    assert "Enter the cost breakdown" in refused.content.decode()
    assert UpliftRequest.objects.get(pk=uplift.pk).status == "requested"

    agreed = commissioner_client.post(
        url, {**decision, "cost_breakdown": "Pay 2.5%, energy 1%", "version": "1"}
    )
    assert agreed.status_code == 302
    assert UpliftRequest.objects.get(pk=uplift.pk).agreed_percent == Decimal("2.00")


def test_uplift_at_the_threshold_is_agreed_without_a_breakdown(commissioner_client):
    uplift = UpliftRequestFactory(requested_percent=Decimal("3.00"))
    response = commissioner_client.post(
        f"/dps/uplifts/{uplift.pk}/",
        {"outcome": "agreed", "agreed_percent": "3", "decided_on": "2025-06-01", "version": "1"},
    )

    assert response.status_code == 302


def test_agreed_uplift_cannot_exceed_the_request(commissioner_client):
    uplift = UpliftRequestFactory(requested_percent=Decimal("2.00"))
    response = commissioner_client.post(
        f"/dps/uplifts/{uplift.pk}/",
        {"outcome": "agreed", "agreed_percent": "2.5", "decided_on": "2025-06-01", "version": "1"},
    )

    assert response.status_code == 400
    assert "must not be more than the 2.00% requested" in response.content.decode()


def test_refusal_records_zero_and_the_saving_shows_on_the_request(commissioner_client):
    provider = ProviderFactory()
    PlacementFactory(provider=provider, annual_cost=Decimal("50000"))
    uplift = UpliftRequestFactory(provider=provider, requested_percent=Decimal("2.50"))

    commissioner_client.post(
        f"/dps/uplifts/{uplift.pk}/",
        {"outcome": "rejected", "decided_on": "2025-06-01", "version": "1"},
    )

    uplift.refresh_from_db()
    assert (uplift.status, uplift.agreed_percent) == ("rejected", Decimal("0.00"))
    page = commissioner_client.get(f"/dps/uplifts/{uplift.pk}/").content.decode()
    assert "£1,250.00" in page  # £50,000 × 2.5%


def test_stale_uplift_decision_is_refused(commissioner_client):
    uplift = UpliftRequestFactory(requested_percent=Decimal("2.00"))
    url = f"/dps/uplifts/{uplift.pk}/"
    first = {"outcome": "agreed", "agreed_percent": "1", "decided_on": "2025-06-01"}
    commissioner_client.post(url, {**first, "version": "1"})

    stale = commissioner_client.post(
        url, {"outcome": "rejected", "decided_on": "2025-06-01", "version": "1"}
    )

    assert stale.status_code == 409
    assert UpliftRequest.objects.get(pk=uplift.pk).agreed_percent == Decimal("1.00")


def test_uplift_savings_report_json_has_exactly_the_agreed_keys(two_decided_uplifts):
    out = StringIO()
    call_command("report", "uplift-savings", "--ay", "2025", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())

    assert rows == [
        {
            "urn": 200001,
            "provider": "Oak School",
            "placements": 2,
            "requested_percent": 5.0,
            "agreed_percent": 2.0,
            "saving": 3000.0,
        },
        {
            "urn": 200002,
            "provider": "Elm School",
            "placements": 1,
            "requested_percent": 4.5,
            "agreed_percent": 0.0,
            "saving": 2250.0,
        },
    ]


def test_uplift_savings_report_csv_prints_money_to_two_decimals(two_decided_uplifts):
    out = StringIO()
    call_command("report", "uplift-savings", "--ay", "2025/26", stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[0] == "urn,provider,placements,requested_percent,agreed_percent,saving"
    assert lines[1] == "200001,Oak School,2,5.00,2.00,3000.00"


# --- Block contracts and the contract register ------------------------------------------


def test_block_contract_created_in_an_eligible_lot_shows_utilisation(commissioner_client):
    provider = ProviderFactory(urn=150001)
    lot = LotFactory(block_contract_eligible=True)
    MembershipFactory(provider=provider, lot=lot)
    PlacementFactory(provider=provider, start_date=dt.date(2025, 9, 1))
    PlacementFactory(provider=provider, start_date=dt.date(2025, 10, 1))
    response = commissioner_client.post(
        "/dps/block-contracts/new/",
        {
            "provider_urn": "150001",
            "lot": str(lot.pk),
            "places_reserved": "4",
            "price_per_place": "34,500",
            "start_date": "2025-09-01",
            "end_date": "2025-10-31",
        },
    )
    contract = BlockContract.objects.get()
    assert response.url == f"/dps/block-contracts/{contract.pk}/"

    page = commissioner_client.get(response.url).content.decode()
    assert 'data-chart="block-utilisation-chart"' in page
    assert 'data-month="2025-09"' in page
    assert "25.0%" in page  # 1 of 4 on 1 September
    assert "50.0%" in page  # 2 of 4 on 1 October


def test_block_contract_in_a_lot_the_provider_is_not_admitted_to_is_refused(commissioner_client):
    ProviderFactory(urn=150002)
    lot = LotFactory(block_contract_eligible=True)
    response = commissioner_client.post(
        "/dps/block-contracts/new/",
        {
            "provider_urn": "150002",
            "lot": str(lot.pk),
            "places_reserved": "4",
            "price_per_place": "34500",
            "start_date": "2025-09-01",
            "end_date": "2025-08-31",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "is not admitted to" in page
    assert "The end date must be the same as or after the start date" in page
    assert not BlockContract.objects.exists()


def _block_data(**changes: str) -> dict[str, str]:
    data = {
        "lot": "",
        "places_reserved": "4",
        "price_per_place": "34500",
        "start_date": "2025-09-01",
        "end_date": "2025-10-31",
        "version": "1",
    }
    data.update(changes)
    return data


def test_block_contract_changed_from_its_page_and_utilisation_follows(commissioner_client):
    """Two placements from 1 Sep and 1 Oct: 1 of 4 then 2 of 4; cut to 2 places and the
    period extended to November: 1 of 2, 2 of 2, 2 of 2."""
    provider = ProviderFactory(urn=150003)
    PlacementFactory(provider=provider, start_date=dt.date(2025, 9, 1))
    PlacementFactory(provider=provider, start_date=dt.date(2025, 10, 1))
    block = BlockContractFactory(
        provider=provider,
        lot=None,
        places_reserved=4,
        price_per_place=Decimal("34500"),
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 10, 31),
    )
    detail_url = f"/dps/block-contracts/{block.pk}/"
    before = commissioner_client.get(detail_url).content.decode()
    assert f'href="/dps/block-contracts/{block.pk}/edit/"' in before
    assert "25.0%" in before
    assert "50.0%" in before
    form = commissioner_client.get(f"/dps/block-contracts/{block.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in form

    response = commissioner_client.post(
        f"/dps/block-contracts/{block.pk}/edit/",
        _block_data(places_reserved="2", price_per_place="£36,000", end_date="2025-11-30"),
    )

    assert response.status_code == 302
    assert response.url == detail_url
    block.refresh_from_db()
    assert (block.places_reserved, block.price_per_place, block.end_date, block.version) == (
        2,
        Decimal("36000.00"),
        dt.date(2025, 11, 30),
        2,
    )
    after = commissioner_client.get(detail_url).content.decode()
    table = after[after.index('id="utilisation"') :]
    assert "50.0%" in table  # 1 of 2 on 1 September
    assert "100.0%" in table  # 2 of 2 on 1 October and 1 November
    assert 'data-month="2025-11"' in table
    assert "25.0%" not in table
    assert "£36,000.00" in after
    assert list(block.history.values_list("places_reserved", flat=True).order_by("history_id")) == [
        4,
        2,
    ]


def test_stale_or_bad_block_contract_change_is_refused(commissioner_client):
    provider = ProviderFactory(urn=150004)
    lot = LotFactory(block_contract_eligible=True)
    block = BlockContractFactory(provider=provider, lot=None, places_reserved=4)
    url = f"/dps/block-contracts/{block.pk}/edit/"

    saved = commissioner_client.post(url, _block_data(places_reserved="5"))
    stale = commissioner_client.post(url, _block_data(places_reserved="3"))
    bad = commissioner_client.post(
        url, _block_data(lot=str(lot.pk), end_date="2025-08-31", version="2")
    )

    assert saved.status_code == 302
    assert stale.status_code == 409
    assert "Someone else saved this record" in stale.content.decode()
    assert 'value="5"' in stale.content.decode()
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "The end date must be the same as or after the start date" in page
    block.refresh_from_db()
    assert (block.places_reserved, block.lot, block.version) == (5, None, 2)
    not_admitted = commissioner_client.post(url, _block_data(lot=str(lot.pk), version="2"))
    assert not_admitted.status_code == 400
    assert "is not admitted to" in not_admitted.content.decode()


def test_contract_register_flags_contracts_ending_within_six_months(commissioner_client, settings):
    today = dt.date.today()
    soon = ContractFactory(reference="SOON-1", end_date=today + dt.timedelta(days=90))
    later = ContractFactory(reference="LATER-1", end_date=today + dt.timedelta(days=400))
    page = commissioner_client.get("/dps/contracts/").content.decode()

    soon_row = page[page.index(f'id="contract-{soon.pk}"') :].split("</tr>")[0]
    later_row = page[page.index(f'id="contract-{later.pk}"') :].split("</tr>")[0]
    assert "Ends soon" in soon_row
    assert "Ends soon" not in later_row
    assert reverse("dps:contract_export") in page


def _contract_data(**changes: str) -> dict[str, str]:
    data = {
        "reference": "SEN-2025-014",
        "title": "Residential places for autistic young people",
        "provider_urn": "",
        "framework": "",
        "value": "£1,250,000",
        "start_date": "2025-09-01",
        "end_date": "2027-08-31",
        "extension_options": "2 × 12 months",
        "max_extension_months": "24",
        "status": "active",
    }
    data.update(changes)
    return data


def test_contract_added_in_the_browser_appears_in_the_register(commissioner_client):
    provider = ProviderFactory(urn=170001, name="Birch School")
    framework = FrameworkFactory(name="SEN DPS 2024")
    register = commissioner_client.get("/dps/contracts/").content.decode()
    assert 'href="/dps/contracts/new/"' in register
    assert "Add a contract" in register

    response = commissioner_client.post(
        "/dps/contracts/new/",
        _contract_data(provider_urn="170001", framework=str(framework.pk)),
    )

    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response.url == f"/dps/contracts/{contract.pk}/"
    assert (contract.reference, contract.provider, contract.framework) == (
        "SEN-2025-014",
        provider,
        framework,
    )
    assert contract.value == Decimal("1250000.00")
    assert (contract.start_date, contract.end_date) == (dt.date(2025, 9, 1), dt.date(2027, 8, 31))
    assert (contract.max_extension_months, contract.status, contract.version) == (24, "active", 1)
    page = commissioner_client.get("/dps/contracts/").content.decode()
    row = page[page.index(f'id="contract-{contract.pk}"') :].split("</tr>")[0]
    assert f'href="/dps/contracts/{contract.pk}/"' in row
    assert "Birch School" in row
    edit = commissioner_client.get(response.url).content.decode()
    assert "Contract added to the register" in edit


def test_contract_without_provider_or_framework_and_extension_months_left_blank(
    commissioner_client,
):
    response = commissioner_client.post(
        "/dps/contracts/new/", _contract_data(max_extension_months="", extension_options="")
    )

    assert response.status_code == 302
    contract = Contract.objects.get()
    assert (contract.provider, contract.framework, contract.max_extension_months) == (
        None,
        None,
        0,
    )


def test_duplicate_reference_and_end_before_start_are_errors_beside_the_fields(
    commissioner_client,
):
    ContractFactory(reference="SEN-2025-014")

    duplicate = commissioner_client.post(
        "/dps/contracts/new/", _contract_data(reference="sen-2025-014")
    )
    backwards = commissioner_client.post(
        "/dps/contracts/new/",
        _contract_data(reference="SEN-2025-015", end_date="2025-08-31"),
    )

    assert duplicate.status_code == 200
    page = duplicate.content.decode()
    assert "There is already a contract with reference sen-2025-014" in page
    assert 'id="id_reference-error"' in page
    assert backwards.status_code == 200
    page = backwards.content.decode()
    assert "The end date must be the same as or after the start date" in page
    assert 'id="id_end_date-error"' in page
    assert Contract.objects.count() == 1


def test_contract_change_is_kept_in_history_and_a_stale_save_is_refused(commissioner_client):
    contract = ContractFactory(reference="WCC-1", value=Decimal("100000"))
    url = f"/dps/contracts/{contract.pk}/"
    form = commissioner_client.get(url).content.decode()
    assert 'value="WCC-1"' in form
    assert 'name="version" value="1"' in form

    saved = commissioner_client.post(
        url, _contract_data(reference="WCC-1", value="120000", status="extended", version="1")
    )
    stale = commissioner_client.post(
        url, _contract_data(reference="WCC-1", value="90000", version="1")
    )

    assert saved.status_code == 302
    assert stale.status_code == 409
    contract.refresh_from_db()
    assert (contract.value, contract.status, contract.version) == (
        Decimal("120000.00"),
        Contract.Status.EXTENDED,
        2,
    )
    page = stale.content.decode()
    assert "Someone else saved this record" in page
    assert 'value="120000.00"' in page
    history = page[page.index('id="contract-history"') :]
    assert "Contract value" in history
    assert "£100,000.00" in history
    assert "£120,000.00" in history
    assert "Extended" in history


def test_contract_change_to_a_taken_reference_or_bad_dates_is_refused(commissioner_client):
    ContractFactory(reference="TAKEN-1")
    contract = ContractFactory(reference="MINE-1")
    url = f"/dps/contracts/{contract.pk}/"

    taken = commissioner_client.post(url, _contract_data(reference="TAKEN-1", version="1"))
    backwards = commissioner_client.post(
        url, _contract_data(reference="MINE-1", end_date="2020-01-01", version="1")
    )

    assert taken.status_code == 400
    assert "There is already a contract with reference TAKEN-1" in taken.content.decode()
    assert backwards.status_code == 400
    assert "The end date must be the same as or after the start date" in (
        backwards.content.decode()
    )
    contract.refresh_from_db()
    assert (contract.reference, contract.version) == ("MINE-1", 1)


# --- Attendance ---------------------------------------------------------------------------


def test_attendance_recorded_in_the_browser_gives_the_frameworks_penalty(commissioner_client):
    provider = ProviderFactory(urn=160001)
    framework = FrameworkFactory(start_date=dt.date(2022, 9, 1))
    MembershipFactory(provider=provider, lot=LotFactory(framework=framework))
    AttendancePenaltyRule.objects.create(
        framework=framework, threshold_percent=Decimal(80), fee_reduction_percent=Decimal(10)
    )
    child = ChildFactory(child_ref="WS900001")
    PlacementFactory(child=child, provider=provider, annual_cost=Decimal("36500"))
    form = {"child_ref": "ws900001", "provider_urn": "160001", "academic_year": "2025/26"}

    commissioner_client.post(
        "/dps/attendance/record/", {**form, "term": "autumn", "attendance_percent": "75"}
    )
    commissioner_client.post(
        "/dps/attendance/record/", {**form, "term": "spring", "attendance_percent": "95"}
    )

    assert AttendanceRecord.objects.count() == 2
    page = commissioner_client.get("/dps/attendance/?academic_year=2025/26").content.decode()
    # Autumn: £36,500 × 122 ÷ 365 = £12,200 term fee; 75% < 80% → 10% = £1,220.
    total = page[page.index('id="penalties-total"') :].split("</tr>")[0]
    assert "£1,220.00" in total
    assert "£12,200.00" in page


def test_attendance_for_a_term_with_no_placement_is_an_error(commissioner_client):
    ProviderFactory(urn=160002)
    ChildFactory(child_ref="WS900002")
    response = commissioner_client.post(
        "/dps/attendance/record/",
        {
            "child_ref": "WS900002",
            "provider_urn": "160002",
            "academic_year": "2025/26",
            "term": "autumn",
            "attendance_percent": "75",
        },
    )

    assert response.status_code == 200
    assert "no placement at this provider in that term" in response.content.decode()


# --- Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_dps_pages_take_a_fixed_number_of_queries(
    commissioner_client, django_assert_max_num_queries, size
):
    lot = LotFactory()
    for _ in range(size):
        provider = ProviderFactory()
        MembershipFactory(provider=provider, lot=lot)
        PlacementFactory(provider=provider)
        UpliftRequestFactory(
            provider=provider,
            status=UpliftRequest.Status.AGREED,
            agreed_percent=Decimal("1.00"),
            decided_on=dt.date(2025, 6, 1),
        )
        FeeScheduleFactory(provider=provider)
        BlockContractFactory(provider=provider)
        ContractFactory(provider=provider)
    commissioner_client.get("/")  # the session's first save is not the page's
    for url in (
        "/dps/manage/",
        "/dps/memberships/",
        "/dps/fees/",
        "/dps/uplifts/",
        "/dps/block-contracts/",
        "/dps/contracts/",
        "/dps/attendance/",
    ):
        with django_assert_max_num_queries(12, info=url):
            assert commissioner_client.get(url).status_code == 200, url


def test_the_saving_uses_the_base_fee_of_1_september_not_a_later_change(commissioner):
    """A fee raised in January does not rewrite the saving of the uplift for the September
    before (ADR 0008): the register and the dashboard both use the fee in effect that day."""
    from dps.selectors import market as selectors
    from placements import services as placement_services
    from reporting import loader, metrics

    provider = ProviderFactory(establishment_type="Other independent special school")
    placement = PlacementFactory(
        provider=provider,
        start_date=dt.date(2025, 4, 1),
        end_date=None,
        annual_cost=Decimal("40000"),
        additional_cost=Decimal("0"),
    )
    UpliftRequest.objects.create(
        provider=provider,
        academic_year=2025,
        requested_percent=Decimal("5"),
        agreed_percent=Decimal("2"),
        status="agreed",
    )
    placement_services.placement_update(
        placement=placement,
        version=placement.version,
        annual_cost=Decimal("60000"),
        cost_effective_from=dt.date(2026, 1, 1),
        user=commissioner,
    )

    (row,) = metrics.negotiation_savings(loader.load_uplifts(), loader.load_placements())
    assert row["saving"] == 1200.00  # £40,000 × (5 − 2) ÷ 100
    fees = selectors._base_fees_at_ay_start({(provider.pk, 2025)})
    assert fees[(provider.pk, 2025)] == [Decimal("40000.00")]
