"""Shortlist, consult, chase, responses, compare and accept, through the services and pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings

from core.errors import DomainError
from dps import services
from dps.models import Consultation, ConsultationEmail, ShortlistEntry
from dps.rules import offer_scores
from dps.selectors.consultations import offers_compared
from placements.models import Placement
from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    LotFactory,
    MembershipFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db


def test_offer_scores_by_hand():
    # Lowest annual cost 32,000. Cost scores: 100 × 32,000 ÷ cost.
    scores = offer_scores(
        [
            (Decimal("40000"), Decimal("80")),  # cost 80, quality 80: 0.6×80 + 0.4×80 = 80
            (Decimal("50000"), Decimal("90")),  # cost 64, quality 90: 54 + 25.6 = 79.6
            (Decimal("32000"), None),  # cost 100, no quality: 0 + 40 = 40
        ]
    )
    assert [s.cost_score for s in scores] == [Decimal("80.00"), Decimal("64.00"), Decimal("100.00")]
    assert [s.score for s in scores] == [Decimal("80.00"), Decimal("79.60"), Decimal("40.00")]


def test_offer_scores_follow_the_weighting_setting():
    with override_settings(DPS_QUALITY_WEIGHT=20, DPS_COST_WEIGHT=80):
        scores = offer_scores(
            [(Decimal("40000"), Decimal("80")), (Decimal("50000"), Decimal("90"))]
        )
    # A: 0.2×80 + 0.8×100 = 96; B: 0.2×90 + 0.8×80 = 82
    assert [s.score for s in scores] == [Decimal("96.00"), Decimal("82.00")]


@pytest.fixture
def child():
    child = ChildFactory(first_name="Jamie", last_name="Smith", date_of_birth=dt.date(2013, 10, 1))
    EHCPFactory(child=child)
    return child


def _dps_school(name: str, quality: str = "80", **kwargs):
    provider = ProviderFactory(
        name=name,
        need_types=["ASD"],
        sen_contact_email=f"sen@{name.split()[0].lower()}.example",
        **kwargs,
    )
    MembershipFactory(provider=provider, lot=LotFactory(), quality_score=Decimal(quality))
    return provider


def test_consulting_sends_a_pack_with_no_more_personal_data_than_needed(
    child, officer, django_capture_on_commit_callbacks
):
    on_dps = _dps_school("Oak School")
    outside = ProviderFactory(name="Parents' Choice School", sen_contact_email="senco@pc.example")
    services.shortlist_add(child=child, providers=[on_dps], user=officer)
    services.shortlist_add(child=child, providers=[outside], user=officer, parental_request=True)
    with django_capture_on_commit_callbacks(execute=True):
        consulted = services.consultations_send(
            child=child,
            providers=[on_dps, outside],
            user=officer,
            provision_sought="Small classes, speech and language therapy",
            sent_on=dt.date(2026, 3, 2),
        )
    assert [c.due_on for c in consulted.made] == [dt.date(2026, 3, 17)] * 2
    assert not ShortlistEntry.objects.filter(child=child).exists()
    outside_consultation = Consultation.objects.get(provider=outside)
    assert outside_consultation.on_dps is False
    assert outside_consultation.parental_request is True
    assert "Not on the DPS." in outside_consultation.warnings
    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert mail.outbox[1].to == ["senco@pc.example"]
    assert "JS" in body
    assert "Jamie" not in body
    assert "Smith" not in body
    assert child.home_postcode not in body
    assert "2013" not in body
    assert "ASD" in body
    assert "Small classes" in body
    assert "not on the council's DPS" in body
    assert ConsultationEmail.objects.filter(kind="pack", status="sent").count() == 2


def test_a_school_without_a_contact_is_consulted_and_emailed_once_a_contact_is_added(
    child, officer, django_capture_on_commit_callbacks
):
    school = ProviderFactory(name="No Contact School", sen_contact_email="")
    with django_capture_on_commit_callbacks(execute=True):
        (consultation,) = services.consultations_send(
            child=child, providers=[school], user=officer
        ).made
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_contact_update(
            consultation=consultation,
            version=consultation.version,
            contact_email="a@b.example",
            user=officer,
        )
    assert mail.outbox[0].to == ["a@b.example"]
    school.refresh_from_db()
    assert school.sen_contact_email == "a@b.example"


def test_chase_emails_a_reminder_and_records_the_date(
    child, officer, django_capture_on_commit_callbacks
):
    consultation = ConsultationFactory(
        child=child, contact_email="sen@x.example", sent_on=dt.date(2026, 1, 5)
    )
    for _ in range(2):  # the second is a double submit from the same page: no second reminder
        with django_capture_on_commit_callbacks(execute=True):
            services.consultation_chase(
                consultation=consultation,
                version=consultation.version,
                user=officer,
                today=dt.date(2026, 1, 26),
            )
    consultation.refresh_from_db()
    assert consultation.last_chased_on == dt.date(2026, 1, 26)
    assert [m.subject[:9] for m in mail.outbox] == ["Reminder:"]
    assert consultation.emails.get().kind == "chase"


def test_responses_need_their_details(child, officer):
    consultation = ConsultationFactory(child=child, sent_on=dt.date(2026, 1, 5))
    with pytest.raises(DomainError) as error:
        services.consultation_respond(
            consultation=consultation,
            version=1,
            response="offer",
            responded_on=dt.date(2026, 1, 9),
            user=officer,
        )
    assert set(error.value.errors) == {"offered_fee", "offered_start"}
    with pytest.raises(DomainError) as error:
        services.consultation_respond(
            consultation=consultation,
            version=1,
            response="decline",
            decline_reason="other",
            responded_on=dt.date(2026, 1, 9),
            user=officer,
        )
    assert set(error.value.errors) == {"decline_detail"}
    with pytest.raises(DomainError):
        services.consultation_respond(
            consultation=consultation,
            version=1,
            response="withdrawn",
            responded_on=dt.date(2026, 1, 1),
            user=officer,
        )
    done = services.consultation_respond(
        consultation=consultation,
        version=1,
        response="decline",
        decline_reason="no_vacancy",
        responded_on=dt.date(2026, 1, 9),
        user=officer,
    )
    assert done.response_days == 4


def test_accepting_an_offer_places_the_child_and_closes_the_rest(child, officer):
    old = PlacementFactory(child=child, start_date=dt.date(2024, 9, 2))
    a = _dps_school("Ash School", quality="80")
    b = _dps_school("Birch School", quality="90")
    c = _dps_school("Cedar School")
    first = ConsultationFactory(child=child, provider=a, sent_on=dt.date(2026, 1, 5))
    second = ConsultationFactory(child=child, provider=b, sent_on=dt.date(2026, 1, 7))
    third = ConsultationFactory(child=child, provider=c, sent_on=dt.date(2026, 1, 7))
    for consultation, fee in ((first, "40000"), (second, "45000")):
        services.consultation_respond(
            consultation=consultation,
            version=1,
            response="offer",
            offered_fee=Decimal(fee),
            offered_start=dt.date(2026, 4, 13),
            offered_additional_cost=Decimal("5000") if fee == "45000" else None,
            responded_on=dt.date(2026, 1, 15),
            user=officer,
        )
    ranked = offers_compared(child)
    # Ash: cost 100, quality 80 → 88. Birch: cost 100 × 40,000 ÷ 50,000 = 80, quality 90 → 86.
    assert [(r.consultation.provider.name, r.score.score) for r in ranked] == [
        ("Ash School", Decimal("88.00")),
        ("Birch School", Decimal("86.00")),
    ]
    first.refresh_from_db()
    placement = services.offer_accept(
        consultation=first,
        version=first.version,
        start_date=dt.date(2026, 4, 13),
        user=officer,
        accepted_on=dt.date(2026, 2, 2),
    )
    assert placement.provider == a
    assert placement.annual_cost == Decimal("40000")
    old.refresh_from_db()
    assert old.end_date == dt.date(2026, 4, 12)
    first.refresh_from_db()
    assert first.placement == placement
    assert first.days_to_place == 28  # 5 January to 2 February
    assert Consultation.objects.get(pk=second.pk).response == "not_needed"
    assert Consultation.objects.get(pk=third.pk).response == "not_needed"
    assert Placement.objects.filter(child=child, end_date__isnull=True).get() == placement
    # Accepting the same offer again (a double submit) makes no second placement.
    again = services.offer_accept(
        consultation=first, version=first.version - 1, start_date=dt.date(2026, 4, 13), user=officer
    )
    assert again == placement
    # Accepting another offer from a page opened before: told which placement was made.
    with pytest.raises(services.PlacementAlreadyMade) as error:
        services.offer_accept(
            consultation=second, version=2, start_date=dt.date(2026, 4, 13), user=officer
        )
    assert error.value.placement == placement
    assert "a placement at Ash School from 13 April 2026 was made" in error.value.messages[0]
    assert Placement.objects.filter(child=child).count() == 2


def test_pages_of_the_journey_open(officer_client, child):
    school = _dps_school("Elm School")
    consultation = ConsultationFactory(child=child, provider=school, sent_on=dt.date(2026, 1, 5))
    for url in (
        f"/dps/children/{child.child_ref}/shortlist/",
        f"/dps/children/{child.child_ref}/consultations/",
        f"/dps/children/{child.child_ref}/offers/",
        f"/dps/consultations/{consultation.pk}/",
        "/dps/consultations/overdue/",
        f"/dps/providers/{school.urn}/",
    ):
        assert officer_client.get(url).status_code == 200, url


@pytest.mark.parametrize("typed", ["-1", "0", "12345", "123456789", "urn"])
def test_a_school_urn_that_cannot_be_one_asks_for_6_or_7_digits(officer_client, child, typed):
    response = officer_client.post(
        f"/dps/children/{child.child_ref}/shortlist/add/", {"school_urn": typed}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a URN of 6 or 7 digits" in page
    assert "Ensure this value" not in page


def test_hostile_response_input_is_refused_beside_the_field(officer_client, child):
    consultation = ConsultationFactory(child=child, sent_on=dt.date(2026, 1, 5))
    response = officer_client.post(
        f"/dps/consultations/{consultation.pk}/respond/",
        {"version": "1", "response": "offer", "responded_on": "2026-01-09", "offered_fee": "lots"},
    )
    assert response.status_code == 400
    assert "must be an amount in pounds" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.response == "awaiting"


def test_manager_cannot_consult(manager_client, child):
    assert manager_client.get(f"/dps/children/{child.child_ref}/shortlist/").status_code == 403
    assert manager_client.get(f"/dps/search/?child={child.child_ref}").status_code == 403


def test_commissioner_records_a_report_card_and_the_search_follows(commissioner_client):
    school = _dps_school("Rowan School")
    data = {
        "version": "1",
        "shape": "report_card",
        "inspection_date": "2026-01-20",
        "inclusion": "2",
        "curriculum": "5",
        "safeguarding": "met",
    }
    response = commissioner_client.post(f"/dps/providers/{school.urn}/ofsted/", data)
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.ofsted_shape == "report_card"
    assert school.ofsted_lowest_area_grade == 5
    page = commissioner_client.get(f"/dps/providers/{school.urn}/").content.decode()
    assert "Curriculum and teaching: Urgent improvement" in page


def test_ofsted_entry_refuses_a_half_report_card(commissioner_client, officer_client):
    school = _dps_school("Hazel School")
    response = commissioner_client.post(
        f"/dps/providers/{school.urn}/ofsted/",
        {"version": "1", "shape": "report_card", "inspection_date": "2026-01-20", "inclusion": "3"},
    )
    assert response.status_code == 400
    assert "Say whether safeguarding is met" in response.content.decode()
    assert officer_client.get(f"/dps/providers/{school.urn}/ofsted/").status_code == 403


def test_officer_corrects_the_sen_contact(officer_client):
    school = _dps_school("Holly School")
    response = officer_client.post(
        f"/dps/providers/{school.urn}/contact/",
        {"version": "1", "name": "Ms Lee", "email": "not-an-email"},
    )
    assert response.status_code == 400
    response = officer_client.post(
        f"/dps/providers/{school.urn}/contact/",
        {"version": "1", "name": "Ms Lee", "email": "lee@holly.example"},
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.sen_contact_email == "lee@holly.example"


def test_panel_request_shows_suitability_warnings_for_its_school(officer_client):
    from tests.factories import PanelRequestFactory

    girls = ProviderFactory(name="Girls Only", sex_of_entry="girls", need_types=["SEMH"])
    boy = ChildFactory(sex="M", date_of_birth=dt.date(2013, 10, 1))
    EHCPFactory(child=boy)
    item = PanelRequestFactory(child=boy, provider=girls)
    page = officer_client.get(f"/panel/requests/{item.pk}/").content.decode()
    assert "Sex of entry: the school takes girls only." in page
    assert "Need not met: the school does not list ASD." in page
    assert "Not on the DPS." in page


def test_schools_already_consulted_are_listed_in_one_neutral_banner(officer, officer_client, child):
    schools = [_dps_school("Ash School"), _dps_school("Birch School")]
    services.shortlist_add(child=child, providers=schools, user=officer)
    data = {"urn": [str(s.urn) for s in schools], "attendance_pattern": "day"}
    url = f"/dps/children/{child.child_ref}/consult/"
    officer_client.post(url, data, follow=True)  # its banner shown and gone

    page = officer_client.post(url, data, follow=True).content.decode()

    assert page.count("govuk-notification-banner__title") == 1
    assert "govuk-notification-banner--success" not in page
    assert ">Success<" not in page
    assert "Already consulted and awaiting a response, so not consulted again:" in page
    consulted_on = Consultation.objects.filter(child=child).first().sent_on
    for school in schools:
        assert f"<li>{school.name}, consulted on {consulted_on:%-d %B %Y}</li>" in page
    assert Consultation.objects.filter(child=child).count() == 2
