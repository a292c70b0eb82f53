"""The casework pages: children, a child's record, providers and the placements register."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db


def _child_with_history(n_placements: int):
    today = timezone.localdate()
    child = ChildFactory(date_of_birth=dt.date(2012, 9, 1))
    EHCPFactory(child=child)
    start = today - dt.timedelta(days=400 * n_placements)
    for index in range(n_placements):
        end = start + dt.timedelta(days=399)
        last = index == n_placements - 1
        PlacementFactory(child=child, start_date=start, end_date=None if last else end)
        ConsultationFactory(child=child, sent_on=start - dt.timedelta(days=40))
        start = end + dt.timedelta(days=1)
    return child


def test_child_page_shows_needs_placements_and_consultations(officer_client):
    today = timezone.localdate()
    child = ChildFactory(date_of_birth=dt.date(2012, 9, 1), first_name="Ava", last_name="Mills")
    EHCPFactory(child=child, primary_need_id="ASD", secondary_need_id="SEMH")
    provider = ProviderFactory(
        name="Hillbrook School", establishment_type="Non-maintained special school"
    )
    PlacementFactory(
        child=child,
        provider=provider,
        start_date=today - dt.timedelta(days=30),
        end_date=None,
        annual_cost=Decimal("36233.00"),
        additional_cost=Decimal("0"),
    )
    ConsultationFactory(child=child, provider=provider, sent_on=today - dt.timedelta(days=60))

    page = officer_client.get(f"/children/{child.child_ref}/").content.decode()

    assert "Ava Mills" in page
    assert "ASD - Autistic Spectrum Disorder" in page
    assert "SEMH - Social, Emotional and Mental Health" in page
    assert "Hillbrook School" in page
    assert "£36,233.00" in page
    assert "Current" in page


def test_child_page_query_count_does_not_grow_with_history(officer_client):
    small = _child_with_history(1)
    large = _child_with_history(6)
    officer_client.get("/session/")  # renews the session, written once a minute at most
    with CaptureQueriesContext(connection) as few:
        officer_client.get(f"/children/{small.child_ref}/")
    with CaptureQueriesContext(connection) as many:
        officer_client.get(f"/children/{large.child_ref}/")

    assert len(many) == len(few)


def test_unknown_child_is_a_clear_404(officer_client):
    response = officer_client.get("/children/NOPE/")

    assert response.status_code == 404


def test_child_search_finds_by_name_and_renders_only_results_for_htmx(officer_client):
    ChildFactory(first_name="Zara", last_name="Quill")
    ChildFactory(first_name="Tom", last_name="Best")

    response = officer_client.get("/children/", {"q": "quill"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "Zara Quill" in body
    assert "Tom Best" not in body
    assert "<html" not in body


def test_provider_page_hides_names_from_managers_and_suppresses_small_counts(
    officer_client, manager_client
):
    provider = ProviderFactory(
        name="Oakfield School", establishment_type="Other independent special school"
    )
    child = ChildFactory(first_name="Noah", last_name="Pryce")
    PlacementFactory(child=child, provider=provider, start_date=timezone.localdate(), end_date=None)

    officer_page = officer_client.get(f"/providers/{provider.urn}/").content.decode()
    manager_page = manager_client.get(f"/providers/{provider.urn}/").content.decode()

    assert "Noah Pryce" in officer_page
    assert "Noah Pryce" not in manager_page
    assert re.search(r'id="active-count">\s*1\s*<', officer_page)
    assert re.search(r'id="active-count">\s*c\s*<', manager_page)


def test_placement_register_filters_by_setting_group(officer_client):
    PlacementFactory(
        provider=ProviderFactory(
            establishment_type="Community special school", name="Maple Special"
        )
    )
    PlacementFactory(
        provider=ProviderFactory(
            establishment_type="Other independent special school", name="Birch Independent"
        )
    )

    page = officer_client.get("/placements/", {"group": "inmss"}).content.decode()

    assert "Birch Independent" in page
    assert "Maple Special" not in page


def test_a_large_schools_page_lists_the_first_placements_and_links_to_the_rest(officer_client):
    import datetime as dt

    from placements import views
    from tests.factories import PlacementFactory, ProviderFactory

    school = ProviderFactory(urn=654321, name="Birch School")
    for day in range(views.PROVIDER_PLACEMENTS_SHOWN + 2):
        PlacementFactory(provider=school, start_date=dt.date(2024, 9, 1) + dt.timedelta(days=day))
    PlacementFactory()  # elsewhere

    page = officer_client.get("/providers/654321/")
    register = officer_client.get("/placements/", {"provider": "654321"})

    assert len(page.context["current_placements"]) == views.PROVIDER_PLACEMENTS_SHOWN
    assert "/placements/?provider=654321" in page.content.decode()
    assert register.context["page"].paginator.count == views.PROVIDER_PLACEMENTS_SHOWN + 2
