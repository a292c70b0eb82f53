"""Consultation emails are an outbox: consulting and chasing save whatever the mail server does;
the emails not sent yet are listed with the reason, tried again (by the task, the schedule and
an officer's "Try sending again"), and never sent twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from dps import services
from dps.models import Consultation, ConsultationEmail
from tests.factories import ChildFactory, ConsultationFactory, EHCPFactory, ProviderFactory

UNREACHABLE = "tests.dps.mail_backends.UnreachableMailServer"
REFUSING = "tests.dps.mail_backends.RefusingMailServer"


@pytest.fixture
def child():
    child = ChildFactory(first_name="Jamie", last_name="Smith", date_of_birth=dt.date(2013, 10, 1))
    EHCPFactory(child=child)
    return child


def _schools(*names: str):
    return [
        ProviderFactory(name=f"{name} School", sen_contact_email=f"sen@{name.lower()}.example")
        for name in names
    ]


@pytest.mark.django_db(transaction=True)
def test_consulting_with_the_mail_server_down_saves_and_lists_the_unsent_emails(
    officer, officer_client, admin_client, child
):
    schools = _schools("Ash", "Birch", "Cedar")
    services.shortlist_add(child=child, providers=schools, user=officer)
    consult_url = f"/dps/children/{child.child_ref}/consult/"
    data = {"urn": [str(s.urn) for s in schools], "attendance_pattern": "day"}

    with override_settings(EMAIL_BACKEND=UNREACHABLE):
        response = officer_client.post(consult_url, data, follow=True)

    assert response.status_code == 200
    assert Consultation.objects.filter(child=child, response="awaiting").count() == 3
    page = response.content.decode()
    assert "3 schools consulted." in page
    assert (
        "The emails to Ash School, Birch School, Cedar School have not been sent yet: "
        "the council&#x27;s mail server could not be reached"
    ) in page
    assert "3 emails to schools have not been sent yet" in page
    assert page.count("The council&#x27;s mail server could not be reached.") == 3
    assert "Try sending again" in page
    assert mail.outbox == []
    emails = ConsultationEmail.objects.filter(consultation__child=child)
    assert sorted(emails.values_list("status", "attempts")) == [("failed", 1)] * 3
    consultation = Consultation.objects.get(child=child, provider=schools[0])
    detail = officer_client.get(f"/dps/consultations/{consultation.pk}/").content.decode()
    assert "1 email to the school has not been sent yet" in detail
    assert "ConnectionRefusedError" not in detail
    assert "Technical detail" not in detail
    assert "Consulted on" in detail
    assert "Email not sent yet" in detail
    assert page.count("Email not sent yet") == 3  # each consultation in the table says so
    assert ">Sent<" not in page
    record = officer_client.get(f"/children/{child.child_ref}/").content.decode()
    assert record.count("Email not sent yet") == 3  # the child's own record says so too
    assert ">Sent<" not in record
    as_admin = admin_client.get(f"/dps/consultations/{consultation.pk}/").content.decode()
    assert "Technical detail</span></summary>" in as_admin
    assert "ConnectionRefusedError" in as_admin

    # The mail server is back: the officer tries again, and each school gets its pack once.
    retry_url = f"/dps/children/{child.child_ref}/consultations/emails/retry/"
    page = officer_client.post(retry_url, follow=True).content.decode()
    assert "3 emails sent." in page
    assert "not been sent yet" not in page
    assert "Email not sent yet" not in page
    assert (
        "Email not sent yet"
        not in officer_client.get(f"/children/{child.child_ref}/").content.decode()
    )
    assert sorted(m.to[0] for m in mail.outbox) == [s.sen_contact_email for s in schools]
    page = officer_client.post(retry_url, follow=True).content.decode()
    assert "nothing to send again" in page
    assert services.consultation_emails_send_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 3
    assert sorted(emails.values_list("status", "attempts")) == [("sent", 2)] * 3


@pytest.mark.django_db(transaction=True)
def test_a_refused_address_is_explained_on_the_consultation(officer, officer_client, child):
    (school,) = _schools("Oak")
    services.shortlist_add(child=child, providers=[school], user=officer)
    with override_settings(EMAIL_BACKEND=REFUSING):
        officer_client.post(
            f"/dps/children/{child.child_ref}/consult/",
            {"urn": [str(school.urn)], "attendance_pattern": "day"},
        )
    consultation = Consultation.objects.get(child=child)
    page = officer_client.get(f"/dps/consultations/{consultation.pk}/").content.decode()
    assert "The mail server refused the school&#x27;s address: check the SEN contact email" in page


@pytest.mark.django_db(transaction=True)
def test_a_chase_with_the_mail_server_down_is_recorded_and_sent_by_the_scheduled_retry(
    officer_client, child
):
    consultation = ConsultationFactory(
        child=child, contact_email="sen@x.example", sent_on=dt.date(2026, 1, 5)
    )
    with override_settings(EMAIL_BACKEND=UNREACHABLE):
        page = officer_client.post(
            f"/dps/consultations/{consultation.pk}/chase/",
            {"version": consultation.version},
            follow=True,
        ).content.decode()
    assert "Reminder to" in page
    assert "has not been sent yet: the council&#x27;s mail server could not be reached" in page
    consultation.refresh_from_db()
    assert consultation.last_chased_on == timezone.localdate()
    chase = consultation.emails.get()
    assert (chase.kind, chase.status, chase.attempts) == ("chase", "failed", 1)
    assert chase.next_attempt_at is not None

    # Not before its wait is over; then once, however often the schedule comes round.
    assert services.consultation_emails_send_due(now=chase.next_attempt_at) == 1
    assert services.consultation_emails_send_due(now=chase.next_attempt_at) == 0
    assert [m.subject[:9] for m in mail.outbox] == ["Reminder:"]


@pytest.mark.django_db
def test_the_schedule_waits_longer_after_each_failure_and_stops_at_the_limit(
    child, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = UNREACHABLE
    settings.CONSULTATION_EMAIL_MAX_ATTEMPTS = 3
    (school,) = _schools("Elm")
    with django_capture_on_commit_callbacks(execute=True):
        services.consultations_send(child=child, providers=[school], user=None)
    email = ConsultationEmail.objects.get()
    waits = []
    while True:
        before = email.next_attempt_at
        assert services.consultation_emails_send_due(now=before - dt.timedelta(seconds=1)) == 0
        tried_at = timezone.now()
        services.consultation_emails_send_due(now=before)
        email.refresh_from_db()
        if email.next_attempt_at == before:
            break
        waits.append(round((email.next_attempt_at - tried_at).total_seconds() / 60))
    assert email.attempts == 3
    assert email.status == "failed"
    assert waits == [2, 4]  # minutes, after the 2nd and 3rd attempts (after the 1st: 1)


@pytest.mark.django_db
def test_an_email_for_a_consultation_answered_meanwhile_is_not_sent(child, officer):
    consultation = ConsultationFactory(child=child, contact_email="sen@x.example")
    email = ConsultationEmail.objects.create(
        consultation=consultation, kind="chase", to="sen@x.example", subject="Reminder"
    )
    Consultation.objects.filter(pk=consultation.pk).update(response="decline")
    services.consultation_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == "cancelled"
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_retries_racing_for_one_email_send_it_once(child):
    if connection.vendor == "sqlite":
        pytest.skip(
            "Threads cannot share the tests' in-memory SQLite database; the claim is one "
            "conditional UPDATE, which SQLite runs one writer at a time anyway"
        )
    consultation = ConsultationFactory(child=child, contact_email="sen@x.example")
    email = ConsultationEmail.objects.create(
        consultation=consultation, kind="pack", to="sen@x.example", subject="Pack", body="Body"
    )
    later = timezone.now() + dt.timedelta(hours=1)
    racers = 8
    barrier = threading.Barrier(racers)
    errors: list[BaseException] = []

    def race(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            if n % 2:
                services.consultation_email_send(email_id=email.pk)
            else:
                services.consultation_emails_send_due(now=later)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_a_corrected_contact_gets_the_pack_its_old_address_refused(officer, child):
    (school,) = _schools("Yew")
    with override_settings(EMAIL_BACKEND=REFUSING):
        (consultation,) = services.consultations_send(
            child=child, providers=[school], user=officer
        ).made
    assert consultation.emails.get().status == "failed"
    services.consultation_contact_update(
        consultation=consultation,
        version=consultation.version,
        contact_email="senco@yew.example",
        user=officer,
    )
    assert [m.to for m in mail.outbox] == [["senco@yew.example"]]
    assert consultation.emails.get().status == "sent"
