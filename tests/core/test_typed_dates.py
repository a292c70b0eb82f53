"""One range for every date a person types, the range the imports take (IMPORT_DATE_MIN_YEAR to
IMPORT_DATE_MAX_YEAR): a year such as 1 or 9999 is refused beside its field on every form."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps

from core.forms import GovukDateField
from panel.models import PanelRequest
from placements.forms import Sen2DetailsForm
from tests.factories import (
    BlockContractFactory,
    ChildFactory,
    ConsultationFactory,
    ContractFactory,
    EHCPFactory,
    FrameworkFactory,
    MeetingFactory,
    MembershipFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
    UpliftRequestFactory,
)

PROJECT_APPS = ("core", "imports", "placements", "dps", "panel", "reporting", "demo")
OUT_OF_RANGE = "must be between 1 January 1990 and 31 December 2100"


def _project_form_classes() -> list[type[forms.BaseForm]]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    stack: list[type] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.append(sub)
    return found


def test_every_date_field_of_every_form_is_the_one_date_field(db):
    date_fields = {}
    for form_class in _project_form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField):
                date_fields[f"{form_class.__module__}.{form_class.__name__}.{name}"] = field
    for name, field in Sen2DetailsForm().fields.items():
        if isinstance(field, forms.DateField):
            date_fields[f"Sen2DetailsForm.{name}"] = field
    assert len(date_fields) > 20, sorted(date_fields)  # the walk found the forms
    not_checked = [name for name, f in date_fields.items() if not isinstance(f, GovukDateField)]
    assert not not_checked, f"date fields outside the one date range: {not_checked}"


@pytest.mark.parametrize(
    ("typed", "refused"),
    [
        ("0001-01-01", True),
        ("9999-12-31", True),
        ("1989-12-31", True),
        ("2101-01-01", True),
        ("1990-01-01", False),
        ("2100-12-31", False),
    ],
)
def test_the_date_field_takes_the_imports_range(typed, refused):
    field = GovukDateField(label="Date of the meeting", required=False)
    if refused:
        with pytest.raises(forms.ValidationError) as error:
            field.clean(typed)
        assert error.value.messages == [
            "The date of the meeting must be between 1 January 1990 and 31 December 2100"
        ]
    else:
        assert field.clean(typed) == dt.date.fromisoformat(typed)


def test_the_range_is_the_imports_setting(settings):
    settings.IMPORT_DATE_MIN_YEAR = 2000
    field = GovukDateField(label="Start date")
    with pytest.raises(forms.ValidationError, match="between 1 January 2000 and 31 Dec"):
        field.clean("1999-12-31")


@pytest.fixture
def objects(db):
    child = ChildFactory(child_ref="C0042")
    EHCPFactory(child=child)
    provider = ProviderFactory(urn=123456)
    placement = PlacementFactory(child=child, provider=provider)
    meeting = MeetingFactory()
    framework = FrameworkFactory()
    return {
        "child": child.child_ref,
        "placement": placement.pk,
        "meeting": meeting.pk,
        "request": PanelRequestFactory(
            meeting=meeting,
            child=child,
            provider=provider,
            outcome=PanelRequest.Outcome.AGREED,
            agreed_cost=Decimal("36000"),
        ).pk,
        "framework": framework.pk,
        "membership": MembershipFactory(provider=provider, lot__framework=framework).pk,
        "uplift": UpliftRequestFactory(provider=provider).pk,
        "block": BlockContractFactory(provider=provider).pk,
        "contract": ContractFactory(framework=framework).pk,
        "consultation": ConsultationFactory(child=child, provider=provider).pk,
        "urn": provider.urn,
    }


# (how it is sent, the address, the date field): every form where a person types a date.
FORMS = [
    ("post", "/panel/meetings/new/", "date"),
    ("post", "/panel/meetings/{meeting}/requests/new/", "expected_start"),
    ("post", "/panel/requests/{request}/placement/", "start_date"),
    ("post", "/dps/frameworks/new/", "start_date"),
    ("post", "/dps/frameworks/{framework}/edit/", "start_date"),
    ("post", "/dps/memberships/new/", "applied_on"),
    ("post", "/dps/memberships/{membership}/status/", "on"),
    ("post", "/dps/uplifts/new/", "received_on"),
    ("post", "/dps/uplifts/{uplift}/", "decided_on"),
    ("post", "/dps/block-contracts/new/", "start_date"),
    ("post", "/dps/block-contracts/new/", "end_date"),
    ("post", "/dps/block-contracts/{block}/edit/", "end_date"),
    ("post", "/dps/contracts/new/", "start_date"),
    ("post", "/dps/contracts/new/", "end_date"),
    ("post", "/dps/contracts/{contract}/", "end_date"),
    ("post", "/dps/consultations/{consultation}/respond/", "responded_on"),
    ("post", "/dps/providers/{urn}/ofsted/", "inspection_date"),
    ("post", "/placements/{placement}/change/", "end_date"),
    ("post", "/children/{child}/annual-reviews/add/", "meeting_date"),
    ("post", "/children/{child}/phase-transfers/add/", "due_date"),
    ("post", "/children/{child}/phase-transfers/add/", "final_plan_date"),
    ("post", "/children/{child}/sen2/", "request_date"),
    ("post", "/sen2/", "census_date"),
    ("get", "/placements/", "active_on"),
    ("get", "/panel/summary/", "date_from"),
    ("get", "/panel/decisions/", "date_to"),
    ("get", "/audit/", "date_from"),
    ("get", "/audit/", "date_to"),
]


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(("method", "address", "field"), FORMS)
def test_a_far_year_is_refused_beside_its_field_on_every_form(
    admin_client, objects, method, address, field, typed
):
    url = address.format(**objects)
    send = admin_client.post if method == "post" else admin_client.get
    response = send(url, {field: typed})
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    beside = re.search(rf'id="[^"]*{field}-error"[^>]*>(.*?)</p>', page, re.S)
    assert beside is not None, f"no error beside {field} on {url}"
    assert OUT_OF_RANGE in beside.group(1)


def test_the_audit_log_to_date_at_the_end_of_time_is_explained_not_a_crash(admin_client):
    response = admin_client.get("/audit/", {"date_to": "9999-12-31"})
    assert response.status_code == 400
    assert "The to date must be between 1 January 1990 and 31 December 2100" in (
        response.content.decode()
    )
    response = admin_client.get("/audit/", {"date_from": "0001-01-01", "date_to": "2026-01-01"})
    assert response.status_code == 400


def test_every_project_app_is_walked():
    assert {a.name for a in apps.get_app_configs()} >= set(PROJECT_APPS)
