"""Hostile values in every commissioner's DPS form and filter get an answer beside the field,
never a 500 and never a partial write."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dps.models import BlockContract, Contract, FeeSchedule, Membership, UpliftRequest
from tests.factories import (
    BlockContractFactory,
    ContractFactory,
    FeeScheduleFactory,
    LotFactory,
    MembershipFactory,
    ProviderFactory,
    UpliftRequestFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "1e30",
    "NaN",
    "Infinity",
    "-0.001",
    "99999999999999",
    "£1,000,000,000,000",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "9999-99-99",
    "",
    "\x00",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_never_give_a_500_or_a_write(commissioner_client, value):
    provider = ProviderFactory(urn=190001)
    lot = LotFactory()
    membership = MembershipFactory(status=Membership.Status.APPLIED)
    fee = FeeScheduleFactory(provider=provider)
    uplift = UpliftRequestFactory(provider=provider, requested_percent=Decimal("2"))
    contract = ContractFactory(reference="KEEP-1")
    block = BlockContractFactory(provider=provider)
    contract_fields = [
        "reference",
        "title",
        "provider_urn",
        "framework",
        "value",
        "start_date",
        "end_date",
        "extension_options",
        "max_extension_months",
        "status",
    ]
    posts = {
        "/dps/frameworks/new/": ["name", "start_date", "initial_term_years", "max_extension_years"],
        f"/dps/frameworks/{lot.framework_id}/lots/new/": ["number", "name"],
        "/dps/memberships/new/": ["provider_urn", "lot", "applied_on", "quality_score"],
        f"/dps/memberships/{membership.pk}/status/": ["status", "on", "lot", "version"],
        f"/dps/memberships/{membership.pk}/evidence/": ["ofsted_grade", "quality_score", "version"],
        "/dps/fees/new/": ["provider_urn", "academic_year", "attendance_pattern", "annual_fee"],
        f"/dps/fees/{fee.pk}/": ["annual_fee", "version"],
        "/dps/uplifts/new/": ["provider_urn", "academic_year", "requested_percent", "received_on"],
        f"/dps/uplifts/{uplift.pk}/": ["outcome", "agreed_percent", "decided_on", "version"],
        "/dps/block-contracts/new/": [
            "provider_urn",
            "lot",
            "places_reserved",
            "price_per_place",
            "start_date",
            "end_date",
        ],
        "/dps/contracts/new/": contract_fields,
        f"/dps/contracts/{contract.pk}/": [*contract_fields, "version"],
        f"/dps/block-contracts/{block.pk}/edit/": [
            "lot",
            "places_reserved",
            "price_per_place",
            "start_date",
            "end_date",
            "version",
        ],
        "/dps/attendance/record/": [
            "child_ref",
            "provider_urn",
            "academic_year",
            "term",
            "attendance_percent",
        ],
    }
    for url, fields in posts.items():
        response = commissioner_client.post(url, dict.fromkeys(fields, value))
        assert response.status_code in (200, 400, 409), (url, response.status_code)
    for url in (
        f"/dps/memberships/?framework={value}&status={value}&q={value}&page={value}",
        f"/dps/fees/?q={value}&ay={value}&page={value}",
        f"/dps/uplifts/?ay={value}&status={value}",
        f"/dps/contracts/?status={value}",
        f"/dps/attendance/?academic_year={value}",
    ):
        # 400 where the value holds a NUL or control character (core.middleware refuses those)
        assert commissioner_client.get(url).status_code in (200, 400), url

    assert FeeSchedule.objects.get().annual_fee == fee.annual_fee
    assert UpliftRequest.objects.get().status == UpliftRequest.Status.REQUESTED
    assert Membership.objects.get().status == Membership.Status.APPLIED
    assert BlockContract.objects.get().version == 1
    assert Contract.objects.get().version == 1


def test_percent_field_messages_read_plainly(commissioner_client):
    uplift = UpliftRequestFactory(requested_percent=Decimal("2"))
    response = commissioner_client.post(
        f"/dps/uplifts/{uplift.pk}/",
        {"outcome": "agreed", "agreed_percent": "abc", "decided_on": "2025-06-01", "version": "1"},
    )

    assert "The agreed uplift must be a number, like 3.5" in response.content.decode()


@pytest.mark.parametrize("year", ["9999", "9999/00", "1850/51", "2101/02"])
def test_an_academic_year_outside_the_one_range_is_refused_beside_the_field(
    commissioner_client, year
):
    """As dates are: a fee schedule for 9999/000 would be shown and summed as a real year."""
    ProviderFactory(urn=190002)
    response = commissioner_client.post(
        "/dps/fees/new/",
        {
            "provider_urn": "190002",
            "academic_year": year,
            "attendance_pattern": "day",
            "annual_fee": "1",
        },
    )

    assert response.status_code == 200
    assert "The academic year must start between 1990 and 2099" in response.content.decode()
    assert not FeeSchedule.objects.exists()
