"""A reference is one line of visible characters without a slash (core.references): the import's
check refuses any other with its row and column, a form that sets a reference says why beside
it, and a child whose reference was stored before the rule can be opened again."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from core.references import ReferenceValidator, reference_problem, repaired_reference
from dps.models import Contract
from placements.models import Child, Placement
from tests.dps.test_market_pages import _contract_data
from tests.factories import ChildFactory, ProviderFactory

from .conftest import errors_by_row

pytestmark = pytest.mark.django_db

CHILD_HEADER = ["child_ref", "first_name", "last_name", "date_of_birth", "sex"]
PLACEMENT_HEADER = ["child_ref", "provider_urn", "start_date", "annual_cost"]
INVISIBLE = "contains a line break, a tab or another character that cannot be seen"
BAD_REFERENCES = {
    "WS\n0001": INVISIBLE,
    "WS\r\n0001": INVISIBLE,
    "WS\t0001": INVISIBLE,
    "WS\u200b0001": INVISIBLE,  # a zero-width space
    "WS\u20280001": INVISIBLE,  # a line separator
    "WS/0001": "contains a slash (/), which cannot be part of a web address",
    "..": "is only dots",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("reference", "reason"), BAD_REFERENCES.items())
def test_the_children_import_refuses_a_reference_at_the_check(
    write_file, run_import, reference, reason
):
    path = write_file(
        "children.csv",
        CHILD_HEADER,
        [
            ["WS0002", "Ann", "Lee", "2014-03-01", "F"],
            [reference, "Sam", "Taylor", "2014-03-14", "M"],
        ],
    )

    result = run_import("children", path, dry_run=True)

    assert errors_by_row(result) == {3: [("child_ref", reason)]}
    result = run_import("children", path)
    assert not Child.objects.exists()  # all or nothing


def test_the_placements_import_says_why_a_reference_cannot_be(write_file, run_import):
    ProviderFactory(urn=118990)
    path = write_file("p.csv", PLACEMENT_HEADER, [["WS\n1", "118990", "2025-09-01", "36000"]])

    result = run_import("placements", path)

    assert errors_by_row(result) == {2: [("child_ref", INVISIBLE)]}
    assert not Placement.objects.exists()


def test_a_good_reference_passes(write_file, run_import):
    path = write_file("c.csv", CHILD_HEADER, [["WS-0001 A.1", "Ann", "Lee", "2014-03-01", "F"]])
    result = run_import("children", path)
    assert not result.errors
    child = Child.objects.get()
    assert child.child_ref == "WS-0001 A.1"


def test_the_admin_and_every_model_form_apply_the_rule():
    field = Child._meta.get_field("child_ref")
    assert any(isinstance(v, ReferenceValidator) for v in field.validators)
    child = ChildFactory.build(child_ref="WS\n1")
    with pytest.raises(Exception, match="The reference contains a line break"):
        child.full_clean(validate_unique=False)


@pytest.mark.parametrize(
    ("reference", "reason"),
    [("SEN\n2025", INVISIBLE), ("SEN/2025", BAD_REFERENCES["WS/0001"])],
)
def test_a_contract_reference_is_refused_beside_its_field(commissioner_client, reference, reason):
    response = commissioner_client.post("/dps/contracts/new/", _contract_data(reference=reference))
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["reference"] == [f"The reference {reason}"]
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    ("stored", "taken", "repaired"),
    [
        ("WS\n0001", set(), "WS 0001"),
        ("  WS\t\t0001\r\n", set(), "WS 0001"),
        ("WS/0001", set(), "WS-0001"),
        ("WS\n0001", {"WS 0001"}, "WS 0001-2"),
        ("..", set(), "CHILD-7"),
        ("\n", set(), "CHILD-7"),
    ],
)
def test_a_stored_reference_is_repaired_to_one_the_rule_accepts(stored, taken, repaired):
    fixed = repaired_reference(stored, max_length=32, taken=taken, fallback="CHILD-7")
    assert fixed == repaired
    assert reference_problem(fixed) is None


def test_a_child_stored_with_a_line_break_can_be_opened_after_the_migration(officer_client):
    good = ChildFactory(child_ref="WS 0001")
    broken = ChildFactory(last_name="Okafor")
    slashed = ChildFactory()
    Child.objects.filter(pk=broken.pk).update(child_ref="WS\n0001")
    Child.objects.filter(pk=slashed.pk).update(child_ref="WS/0002")
    assert officer_client.get("/children/WS%0A0001/").status_code == 400  # as before the fix

    migration = importlib.import_module("placements.migrations.0009_child_reference_rule")
    migration.repair_child_references(apps, None)

    broken.refresh_from_db()
    slashed.refresh_from_db()
    assert (broken.child_ref, slashed.child_ref) == ("WS 0001-2", "WS-0002")
    Child.objects.get(pk=good.pk, child_ref="WS 0001")  # left alone
    found = officer_client.get("/children/", {"q": "Okafor"}).content.decode()
    url = reverse("placements:child_detail", args=[broken.child_ref])
    assert url in found
    assert officer_client.get(url).status_code == 200
    assert (
        officer_client.get(reverse("placements:child_detail", args=["WS-0002"])).status_code == 200
    )


def test_the_migration_leaves_good_references_alone(db):
    ChildFactory(child_ref="WS000123", date_of_birth=dt.date(2014, 1, 1))
    migration = importlib.import_module("placements.migrations.0009_child_reference_rule")
    migration.repair_child_references(apps, None)
    assert list(Child.objects.values_list("child_ref", flat=True)) == ["WS000123"]
