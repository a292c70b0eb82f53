"""The SEN2 columns of the `children` import: a case-management extract loads the child's and
the latest EHCP's SEN2 items; a bad cell is an error on its row and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from placements.models import EHCP, Child
from tests.factories import ChildFactory, EHCPFactory, NeedTypeFactory
from tests.imports.conftest import errors_by_row

pytestmark = pytest.mark.django_db

HEADER = [
    "child_ref", "first_name", "last_name", "date_of_birth", "sex", "ehcp_request_date",
    "ehcp_issue_date", "ehcp_ceased_date", "ethnicity", "upn", "uln", "upn_unknown",
    "request_source", "assessment_decision", "assessment_decision_date", "issue_decision",
    "issue_decision_date", "request_mediation", "week20_exception", "personal_budget",
    "cease_reason", "transfer_la",
]  # fmt: skip


def good_rows():
    return [
        ["WS1", "Zoë", "Adams", "2012-03-14", "F", "2023-01-09", "2023-05-15", "",
         "WBRI", "a123456789012", "", "", "1", "assess", "2023-02-20", "Y", "",
         "N", "yes", "1", "", "886"],
        ["WS2", "Sam", "Brown", "2013-03-14", "M", "2024-01-09", "", "",
         "Indian", "", "", "UN2", "2", "refused", "2024-03-01", "", "",
         "Y", "", "", "", ""],
        ["WS3", "Alex", "Cole", "2010-07-01", "X", "2019-02-01", "2019-06-01", "2024-07-31",
         "NOBT", "", "1234567890", "", "5", "Y", "2019-03-01", "", "",
         "0", "", "", "2", ""],
    ]  # fmt: skip


def test_a_good_extract_loads_the_sen2_items(run_import, write_file):
    NeedTypeFactory(code="ASD")
    existing = ChildFactory(child_ref="WS1", ethnicity="")
    EHCPFactory(child=existing, request_date=dt.date(2023, 1, 9))
    result = run_import("children", write_file("children.csv", HEADER, good_rows()))

    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 1)
    zoe = Child.objects.get(child_ref="WS1")
    assert (zoe.ethnicity, zoe.upn, zoe.uln, zoe.upn_unknown) == ("WBRI", "A123456789012", "", "")
    plan = zoe.ehcps.get()
    assert plan.request_source == 1
    assert plan.assessment_decision == EHCP.AssessmentDecision.ASSESS
    assert plan.assessment_decision_date == dt.date(2023, 2, 20)
    assert plan.issue_decision == "Y"
    assert (plan.request_mediation, plan.week20_exception, plan.personal_budget) == (
        False, True, True,
    )  # fmt: skip
    assert plan.transfer_la == "886"
    assert plan.history.latest().history_type in ("~", "+")

    sam = Child.objects.get(child_ref="WS2")
    assert (sam.ethnicity, sam.upn_unknown) == ("AIND", "UN2")
    sam_plan = sam.ehcps.get()
    assert sam_plan.assessment_decision == EHCP.AssessmentDecision.REFUSED
    assert sam_plan.request_mediation is True
    assert sam_plan.week20_exception is False  # a blank flag is N

    alex = Child.objects.get(child_ref="WS3")
    assert alex.uln == "1234567890"
    alex_plan = alex.ehcps.get()
    assert (alex_plan.cease_reason, alex_plan.request_source) == (2, 5)
    assert alex_plan.status == EHCP.Status.CEASED


def test_an_import_makes_an_open_sen2_form_stale_and_a_repeat_changes_nothing(
    run_import, write_file, officer_client
):
    """The SEN2 page opened before an import that changes the child and the plan: saving it is
    refused (409), so the import's values are not overwritten by the older ones on the page."""
    NeedTypeFactory(code="ASD")
    zoe = ChildFactory(child_ref="WS1", ethnicity="")
    plan = EHCPFactory(child=zoe, request_date=dt.date(2023, 1, 9))
    url = reverse("placements:child_sen2_change", args=["WS1"])
    opened = officer_client.get(url).context["form"].initial
    assert (opened["child_version"], opened["ehcp_version"]) == (1, 1)

    assert run_import("children", write_file("children.csv", HEADER, good_rows())).ok
    run_import("children", write_file("again.csv", HEADER, good_rows()))  # nothing changes
    assert (Child.objects.get(pk=zoe.pk).version, EHCP.objects.get(pk=plan.pk).version) == (2, 2)

    response = officer_client.post(
        url,
        {
            "child_version": "1",
            "ehcp_version": "1",
            "ethnicity": "AIND",
            "request_date": "2023-01-09",
            "assessment_decision": "pending",
        },
    )
    assert response.status_code == 409
    assert "Someone else changed these SEN2 details" in response.content.decode()
    assert Child.objects.get(pk=zoe.pk).ethnicity == "WBRI"


def test_sen2_items_alone_never_create_an_ehcp(run_import, write_file):
    header = ["child_ref", "first_name", "last_name", "date_of_birth", "sex", "week20_exception"]
    rows = [["WS9", "Kim", "Dale", "2014-01-01", "F", "N"]]
    result = run_import("children", write_file("children.csv", header, rows))
    assert result.ok, result.errors
    assert not EHCP.objects.exists()


def test_bad_sen2_cells_are_errors_on_their_rows_and_nothing_is_written(run_import, write_file):
    rows = good_rows()
    rows[0][9] = "A12345"  # UPN too short
    rows[0][21] = "88"  # LA number of two digits
    rows[1][8] = "Martian"  # not an ethnicity code
    rows[1][11] = "UN4"  # not a UPNunknown code
    rows[2][10] = "12345"  # ULN too short
    rows[2][12] = "7"  # not a request source
    rows[2][15] = "N"  # not to issue, without the date
    rows[2][18] = "maybe"  # not a flag
    result = run_import("children", write_file("children.csv", HEADER, rows))

    assert not result.ok
    assert not Child.objects.exists()
    assert not EHCP.objects.exists()
    found = {
        row: sorted(column for column, _ in errors) for row, errors in errors_by_row(result).items()
    }
    assert found == {
        2: ["transfer_la", "upn"],
        3: ["ethnicity", "upn_unknown"],
        4: ["issue_decision_date", "request_source", "uln", "week20_exception"],
    }
    reasons = [reason for errors in errors_by_row(result).values() for _, reason in errors]
    assert "is not a UPN: 13 characters, a letter, 11 digits, a digit or letter" in reasons
    assert "is not yes or no (Y, N, 1, 0, yes, no)" in reasons
