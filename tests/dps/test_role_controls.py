"""A page shows a role only the buttons its permissions let it press: a commissioner reads
consultations and offers but officers shortlist, consult and accept (core/roles.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dps.models import Consultation
from tests.factories import ConsultationFactory, EHCPFactory

pytestmark = pytest.mark.django_db


def _offer() -> Consultation:
    child = EHCPFactory().child
    return ConsultationFactory(
        child=child,
        sent_on=dt.date(2026, 1, 5),
        response=Consultation.Response.OFFER,
        responded_on=dt.date(2026, 1, 9),
        offered_fee=Decimal("40000"),
        offered_start=dt.date(2026, 4, 13),
    )


@pytest.mark.parametrize(
    ("role", "sees_buttons"), [("officer_client", True), ("commissioner_client", False)]
)
def test_shortlist_and_accept_controls_follow_the_permission(request, role, sees_buttons):
    client = request.getfixturevalue(role)
    consultation = _offer()
    ref = consultation.child.child_ref

    search = client.get(f"/dps/search/?child={ref}").content.decode()
    offers = client.get(f"/dps/children/{ref}/offers/").content.decode()

    assert (f"/dps/children/{ref}/shortlist/" in search) is sees_buttons
    assert ("Accept the offer from" in offers) is sees_buttons
    shortlist = client.get(f"/dps/children/{ref}/shortlist/")
    assert shortlist.status_code == (200 if sees_buttons else 403)
