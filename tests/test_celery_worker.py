"""A real Celery worker on Redis reaches the same database as the web process."""

from __future__ import annotations

import pytest

from placements.tasks import ping_database
from tests.factories import ChildFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_counts_the_children_the_test_committed(celery_worker_process):
    ChildFactory.create_batch(3)

    assert ping_database.delay().get(timeout=30) == 3


def test_worker_sends_the_consultation_packs_queued_when_the_consultation_commits(
    celery_worker_process,
):
    from dps import services
    from dps.models import ConsultationEmail
    from dps.tasks import consultation_emails_send_due
    from tests.factories import ProviderFactory

    child = ChildFactory()
    schools = [ProviderFactory(sen_contact_email=f"sen{n}@school.example") for n in range(2)]
    services.consultations_send(child=child, providers=schools, user=None)

    # One worker takes tasks in turn: once this later one answers, the sends queued on commit
    # have run (and the schedule's pass finds nothing left to send).
    assert consultation_emails_send_due.delay().get(timeout=30) == 0
    emails = ConsultationEmail.objects.filter(consultation__child=child)
    assert sorted(emails.values_list("status", "attempts")) == [("sent", 1), ("sent", 1)]
