"""The officers' school search: filters from the child, ranking, Ofsted in both shapes,
distance in SQL, and a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dps.rules import distance_km
from dps.selectors import search
from placements.models import EHCP, Provider
from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    FeeScheduleFactory,
    LotFactory,
    MembershipFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

HOME = (600_000, 150_000)
AY = 2025


def _school(*, km_east: float, needs=("ASD",), lot=None, fee="40000", **kwargs) -> Provider:
    provider = ProviderFactory(
        easting=HOME[0] + int(km_east * 1000), northing=HOME[1], need_types=list(needs), **kwargs
    )
    if lot is not None:
        MembershipFactory(provider=provider, lot=lot)
    if fee is not None:
        FeeScheduleFactory(provider=provider, academic_year=AY, annual_fee=Decimal(fee))
    return provider


def _names(filters: search.SearchFilters) -> list[str]:
    return [p.name for p in search.provider_search(filters, academic_year=AY)]


def _filters(**kwargs) -> search.SearchFilters:
    base = {"needs": ["ASD"], "easting": HOME[0], "northing": HOME[1], "dps": search.DPS_ALL}
    return search.SearchFilters(**{**base, **kwargs})


def test_distance_is_pythagoras_on_eastings_and_northings_in_km():
    # 3 km east and 4 km north: 5 km, as a 3-4-5 triangle.
    assert distance_km(600_000, 150_000, 603_000, 154_000) == pytest.approx(5.0)
    assert distance_km(None, 150_000, 603_000, 154_000) is None


def test_ranking_members_first_lot_1_before_lot_2_then_nearest():
    lot1 = LotFactory(number=1)
    lot2 = LotFactory(framework=lot1.framework, number=2, name="Improving")
    _school(km_east=1, name="Near outsider")
    _school(km_east=20, lot=lot2, name="Far lot 2")
    _school(km_east=5, lot=lot2, name="Near lot 2")
    _school(km_east=25, lot=lot1, name="Far lot 1")
    _school(km_east=10, lot=lot1, name="Near lot 1")
    assert _names(_filters()) == [
        "Near lot 1",
        "Far lot 1",
        "Near lot 2",
        "Far lot 2",
        "Near outsider",
    ]
    assert _names(_filters(dps=search.DPS_MEMBERS, lot=2)) == ["Near lot 2", "Far lot 2"]


def test_distance_filter_in_sql_is_straight_line_km():
    _school(km_east=29.9, name="Inside")
    _school(km_east=30.1, name="Outside")
    ProviderFactory(easting=None, northing=None, need_types=["ASD"], name="No location")
    assert _names(_filters(max_km=Decimal(30))) == ["Inside"]


def test_needs_age_sex_vacancies_fee_and_pattern_filters():
    _school(km_east=1, name="Fits")
    _school(km_east=2, needs=("SEMH",), name="Other need")
    _school(km_east=3, name="Too young", low_age=3, high_age=11)
    _school(km_east=4, name="Girls", sex_of_entry=Provider.SexOfEntry.GIRLS)
    _school(km_east=5, name="Full", capacity=40, number_of_pupils=40)
    _school(km_east=6, name="Dear", fee="60000")
    names = _names(_filters(age=12, sex="M", vacancies=True, max_fee=Decimal("50000")))
    assert names == ["Fits"]
    # Weekly boarding needs a boarding school.
    assert _names(_filters(pattern="weekly")) == []


def test_ncy_means_ages_n_plus_4_to_n_plus_5():
    _school(km_east=1, name="Primary", low_age=4, high_age=11)
    _school(km_east=2, name="Secondary", low_age=11, high_age=16)
    assert _names(_filters(ncy=7)) == ["Primary", "Secondary"]  # ages 11-12
    assert _names(_filters(ncy=8)) == ["Secondary"]


def test_ofsted_filter_works_on_both_shapes():
    _school(km_east=1, name="Old good")
    _school(km_east=2, name="Old inadequate", ofsted_grade=Provider.OfstedGrade.INADEQUATE)
    card = {"ofsted_report_card_date": dt.date(2026, 1, 20), "ofsted_safeguarding_met": True}
    _school(km_east=3, name="Card expected", ofsted_lowest_area_grade=3, **card)
    _school(km_east=4, name="Card urgent", ofsted_lowest_area_grade=5, **card)
    _school(
        km_east=5,
        name="Card unsafe",
        ofsted_lowest_area_grade=2,
        ofsted_report_card_date=dt.date(2026, 1, 20),
        ofsted_safeguarding_met=False,
    )
    # Inadequate under the old judgement, then a report card: the report card counts.
    _school(
        km_east=6,
        name="Improved",
        ofsted_grade=Provider.OfstedGrade.INADEQUATE,
        ofsted_lowest_area_grade=4,
        **card,
    )
    _school(km_east=7, name="Card needs attention", ofsted_lowest_area_grade=4, **card)
    assert _names(_filters()) == ["Old good", "Card expected", "Improved", "Card needs attention"]
    assert _names(_filters(ofsted=search.OFSTED_GOOD)) == ["Old good", "Card expected"]
    assert len(_names(_filters(ofsted=search.OFSTED_ANY))) == 7


def test_page_opened_from_a_child_fills_the_filters(officer_client):
    child = ChildFactory(
        date_of_birth=dt.date(2013, 10, 1), sex="M", easting=HOME[0], northing=HOME[1]
    )
    EHCPFactory(child=child)
    _school(km_east=3, name="Near ASD school", lot=LotFactory())
    _school(km_east=3, needs=("SEMH",), name="SEMH school", lot=LotFactory())
    response = officer_client.get(f"/dps/search/?child={child.child_ref}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Near ASD school" in html
    assert "SEMH school" not in html
    assert "3.0 km" in html
    assert 'value="ASD" checked' in html


def test_htmx_request_gets_only_the_results(officer_client):
    _school(km_east=3, name="A school", lot=LotFactory())
    response = officer_client.get("/dps/search/?need=ASD", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "A school" in html
    assert "HX-Request" in response["Vary"]


def test_bad_filter_is_shown_beside_its_field_not_a_500(officer_client):
    response = officer_client.get("/dps/search/?max_km=far&age=200")
    assert response.status_code == 200
    assert "Distance must be a number" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("age=26", "Enter an age between 0 and 25"),
        ("age=six", "Enter an age between 0 and 25"),
        ("ncy=22", "Enter a national curriculum year between -4 and 21"),
        ("ncy=1.5", "Enter a national curriculum year between -4 and 21"),
    ],
)
def test_an_age_or_year_out_of_range_says_which_and_the_range(officer_client, query, message):
    page = officer_client.get(f"/dps/search/?{query}").content.decode()

    assert message in page
    assert "Ensure this value" not in page
    assert "Enter a whole number" not in page


def _world(size: int) -> str:
    lot = LotFactory()
    child = ChildFactory(easting=HOME[0], northing=HOME[1])
    EHCPFactory(child=child)
    for i in range(size):
        provider = _school(km_east=i % 40, lot=lot if i % 3 else None, needs=("ASD", "SEMH"))
        ConsultationFactory(provider=provider, response="offer", responded_on=dt.date(2025, 3, 10))
    return child.child_ref


@pytest.mark.parametrize("size", [3, 40])
def test_search_page_queries_do_not_grow_with_the_data(
    officer_client, django_assert_max_num_queries, size
):
    child_ref = _world(size)
    with django_assert_max_num_queries(13):  # 12, and the audit event of reading the child
        response = officer_client.get(f"/dps/search/?child={child_ref}")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        officer_client.get("/dps/search/?need=ASD&dps=all&max_km=30&easting=600000&northing=150000")


def test_ehcp_ceased_is_not_the_childs_need():
    child = ChildFactory()
    EHCPFactory(child=child, status=EHCP.Status.CEASED, primary_need__code="SEMH")
    facts = search.child_facts(child, today=dt.date(2026, 1, 5))
    assert facts.primary_need is None


def test_link_from_a_panel_request_keeps_its_need_and_fills_the_rest(officer_client):
    child = ChildFactory(easting=HOME[0], northing=HOME[1])
    EHCPFactory(child=child)  # ASD on the plan
    _school(km_east=2, needs=("SEMH",), name="SEMH school", lot=LotFactory())
    _school(km_east=2, name="ASD school", lot=LotFactory())
    html = officer_client.get(f"/dps/search/?child={child.child_ref}&need=SEMH").content.decode()
    assert "SEMH school" in html
    assert "ASD school" not in html
    assert "2.0 km" in html  # the child's home still fills the distance


def test_once_filtered_a_cleared_need_stays_cleared(officer_client):
    child = ChildFactory(easting=HOME[0], northing=HOME[1])
    EHCPFactory(child=child)
    _school(km_east=2, needs=("SEMH",), name="SEMH school", lot=LotFactory())
    html = officer_client.get(f"/dps/search/?child={child.child_ref}&filtered=1").content.decode()
    assert "SEMH school" in html


def test_schools_across_the_county_are_found_without_overflowing_the_distance():
    # 100 km is 10^10 squared metres, past a 32-bit integer: a county-wide search must not fail.
    _school(km_east=100, name="Far")
    _school(km_east=5, name="Near")
    assert _names(_filters()) == ["Near", "Far"]
    assert _names(_filters(max_km=Decimal(150))) == ["Near", "Far"]
