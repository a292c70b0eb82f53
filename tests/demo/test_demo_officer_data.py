"""The demo county has what the officers' screens need: both Ofsted shapes, SEN contacts and
consultations in every state."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.generator import seed
from dps.models import Consultation
from dps.selectors import search
from placements.models import Provider

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def test_demo_has_both_ofsted_shapes_and_every_consultation_state():
    seed("small", 1, TODAY, progress=False, flush=True)
    shapes = {p.ofsted_shape for p in Provider.objects.all()}
    assert {"report_card", "judgement"} <= shapes
    assert Provider.objects.filter(ofsted_safeguarding_met=False).exists()
    assert Provider.objects.filter(ofsted_lowest_area_grade=5).exists()
    assert not Provider.objects.filter(sen_contact_email="").exists()
    states = set(Consultation.objects.values_list("response", flat=True))
    assert states == set(Consultation.Response.values)
    assert Consultation.objects.filter(response="awaiting", due_on__lt=TODAY).exists()
    # The default Ofsted filter leaves some schools out, on each shape.
    everyone = Provider.objects.count()
    acceptable = Provider.objects.filter(search.ofsted_q(search.OFSTED_ACCEPTABLE)).count()
    assert 0 < acceptable < everyone
