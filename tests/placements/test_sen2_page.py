"""The commissioners' SEN2 page (check as a job, counts by rule, the XML download), the SEN2
items entered on the child's page, and EHCP 20-week timeliness (hand-computed)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from core.models import Job
from placements.models import EHCP, AnnualReview, Child, NamedSetting, RequestSource
from placements.selectors import ehcp_timeliness
from placements.sen2 import document
from tests.factories import ChildFactory, EHCPFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db

CENSUS = "2026-01-15"
OPENED = {"child_version": "1", "ehcp_version": "1"}  # the versions of a page just opened


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ann():
    """A child whose return is clean except for her ethnicity, not recorded."""
    school = ProviderFactory(urn=123456)
    child = ChildFactory(child_ref="WS-ANN", ethnicity="", upn="A123456789012")
    plan = EHCPFactory(
        child=child,
        request_date=dt.date(2025, 2, 3),
        assessment_decision_date=dt.date(2025, 3, 10),
        issue_date=dt.date(2025, 6, 16),
        request_source=RequestSource.YOUNG_PERSON_OR_PARENT,
    )
    NamedSetting.objects.create(ehcp=plan, rank=1, provider=school)
    PlacementFactory(child=child, provider=school, start_date=dt.date(2025, 9, 1))
    return child


def _check(client, django_capture_on_commit_callbacks, census=CENSUS):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("placements:sen2_return"), {"census_date": census})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_commissioner_checks_the_return_sees_the_issue_fixes_it_and_downloads(
    commissioner_client, ann, django_capture_on_commit_callbacks
):
    page = commissioner_client.get(reverse("placements:sen2_return"))
    assert page.status_code == 200
    assert 'value="2027-01-21"' in page.content.decode() or "census_date" in page.content.decode()

    page = _check(commissioner_client, django_capture_on_commit_callbacks)
    html = page.content.decode()
    assert "1 record breaks a rule" in html
    assert 'href="/children/WS-ANN/"' in html
    assert "Ethnicity is missing" in html
    counts = page.context["counts"]
    assert {row["rule"]: row["count"] for row in counts}["missing_item"] == 1
    assert page.context["chart"]["datasets"][0]["data"] == [1]

    response = commissioner_client.post(
        reverse("placements:child_sen2_change", args=["WS-ANN"]),
        {
            **OPENED,
            "ethnicity": "WBRI",
            "upn": "A123456789012",
            "request_date": "2025-02-03",
            "request_source": "1",
            "assessment_decision": "assess",
            "assessment_decision_date": "2025-03-10",
            "primary_need": "ASD",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Child.objects.get(pk=ann.pk).ethnicity == "WBRI"

    page = _check(commissioner_client, django_capture_on_commit_callbacks)
    assert "no record breaks a rule" in page.content.decode()
    job = Job.objects.filter(kind="sen2").latest("created_at")
    download = commissioner_client.get(reverse("placements:sen2_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="sen2-886-2026-01-15.xml"' in download["Content-Disposition"]
    tree = etree.ElementTree(etree.fromstring(b"".join(download.streaming_content)))
    assert document.schema_errors(tree) == []
    assert [p.get("Surname") for p in document.read(etree.tostring(tree))] == [ann.last_name]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-31", "Enter the census date as a real date"),
        ("next january", "Enter the census date as a real date"),
        ("", "Enter the census date"),
        ("1999-01-21", "Enter a census date between 1 January 2015"),
    ],
)
def test_a_bad_census_date_is_an_error_beside_the_field(commissioner_client, value, message):
    response = commissioner_client.post(reverse("placements:sen2_return"), {"census_date": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.filter(kind="sen2").exists()


@pytest.mark.parametrize("client_name", ["officer_client", "manager_client"])
def test_only_people_who_submit_returns_see_the_sen2_page(request, client_name):
    client = request.getfixturevalue(client_name)
    job = Job.objects.create(kind="sen2", status=Job.Status.SUCCEEDED, result={})
    assert client.get(reverse("placements:sen2_return")).status_code == 403
    assert (
        client.post(reverse("placements:sen2_return"), {"census_date": CENSUS}).status_code == 403
    )
    assert client.get(reverse("placements:sen2_check", args=[job.pk])).status_code == 403
    assert client.get(reverse("placements:sen2_download", args=[job.pk])).status_code == 403


def test_an_unknown_check_is_not_found(commissioner_client):
    assert commissioner_client.get(reverse("placements:sen2_check", args=[999])).status_code == 404
    assert (
        commissioner_client.get(reverse("placements:sen2_download", args=[999])).status_code == 404
    )


def test_the_check_page_shows_progress_while_the_job_waits(commissioner_client):
    job = Job.objects.create(kind="sen2", result={"census_date": CENSUS})
    page = commissioner_client.get(reverse("placements:sen2_check", args=[job.pk]))
    assert page.status_code == 200
    assert "<progress" in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()


# --- SEN2 items on the child's page -------------------------------------------------------


def test_an_officer_changes_sen2_details_and_the_history_says_who(officer_client, officer, ann):
    url = reverse("placements:child_sen2_change", args=["WS-ANN"])
    form = officer_client.get(url)
    assert form.status_code == 200
    response = officer_client.post(
        url,
        {
            **OPENED,
            "ethnicity": "AIND",
            "upn": "",
            "uln": "",
            "upn_unknown": "UN2",
            "request_date": "2025-02-03",
            "request_source": "2",
            "request_mediation": "on",
            "assessment_decision": "assess",
            "assessment_decision_date": "2025-03-10",
            "week20_exception": "on",
            "primary_need": "ASD",
            "personal_budget": "on",
        },
    )
    assert response.status_code == 302
    ann.refresh_from_db()
    plan = ann.ehcps.get()
    assert (ann.ethnicity, ann.upn, ann.upn_unknown) == ("AIND", "", "UN2")
    assert plan.request_source == 2
    assert plan.request_mediation
    assert plan.week20_exception
    assert plan.personal_budget
    assert ann.history.latest().history_user == officer
    assert plan.history.latest().history_user == officer
    page = officer_client.get(reverse("placements:child_detail", args=["WS-ANN"]))
    assert "Indian" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"upn": "A1234"}, "upn", "Enter a UPN of 13 characters"),
        ({"uln": "12ab"}, "uln", "Enter a ULN of 10 digits"),
        ({"upn_unknown": "UN1"}, "upn_unknown", "Leave the reason blank"),
        ({"assessment_decision_date": ""}, "assessment_decision_date", "Enter the date"),
        ({"assessment_decision_date": "2025-01-01"}, "assessment_decision_date", "on or after"),
        ({"issue_decision": "N"}, "issue_decision_date", "no plan would be issued"),
        ({"transfer_la": "88"}, "transfer_la", "3-digit LA number"),
        ({"request_date": "2099-01-01"}, "request_date", "today or in the past"),
        ({"request_source": "9"}, "request_source", "Select a valid choice"),
    ],
)
def test_bad_sen2_details_are_errors_beside_the_field_and_nothing_is_saved(
    commissioner_client, ann, changes, field, message
):
    data = {
        **OPENED,
        "ethnicity": "WBRI",
        "upn": "A123456789012",
        "request_date": "2025-02-03",
        "request_source": "1",
        "assessment_decision": "assess",
        "assessment_decision_date": "2025-03-10",
        "primary_need": "ASD",
        **changes,
    }
    response = commissioner_client.post(
        reverse("placements:child_sen2_change", args=["WS-ANN"]), data
    )
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert Child.objects.get(pk=ann.pk).ethnicity == ""


def test_a_ceased_plan_needs_a_cease_reason(commissioner_client, ann):
    EHCP.objects.filter(child=ann).update(ceased_date=dt.date(2025, 12, 1), status="ceased")
    response = commissioner_client.post(
        reverse("placements:child_sen2_change", args=["WS-ANN"]),
        {
            **OPENED,
            "ethnicity": "WBRI",
            "upn": "A123456789012",
            "assessment_decision": "assess",
            "assessment_decision_date": "2025-03-10",
        },
    )
    assert response.status_code == 400
    assert "Choose why the plan ceased" in str(response.context["form"].errors["cease_reason"])


def test_annual_reviews_and_phase_transfers_are_added_on_the_childs_page(commissioner_client, ann):
    url = reverse("placements:annual_review_add", args=["WS-ANN"])
    bad = commissioner_client.post(url, {"meeting_date": "2025-10-01", "outcome": "M"})
    assert bad.status_code == 400
    assert "Enter the date the family was told" in bad.content.decode()
    early = commissioner_client.post(url, {"meeting_date": "2025-01-01"})
    assert early.status_code == 400
    assert "on or after the plan was issued" in early.content.decode()
    assert not AnnualReview.objects.exists()
    ok = commissioner_client.post(
        url, {"meeting_date": "2025-10-01", "outcome": "M", "decision_date": "2025-10-20"}
    )
    assert ok.status_code == 302
    review = AnnualReview.objects.get()
    assert (review.outcome, review.decision_date) == ("M", dt.date(2025, 10, 20))

    url = reverse("placements:phase_transfer_add", args=["WS-ANN"])
    assert commissioner_client.post(url, {"due_date": "not a date"}).status_code == 400
    ok = commissioner_client.post(url, {"due_date": "2026-02-15"})
    assert ok.status_code == 302
    page = commissioner_client.get(reverse("placements:child_detail", args=["WS-ANN"]))
    html = page.content.decode()
    assert "1 October 2025" in html
    assert "Due 15 February 2026" in html


def test_sen2_edit_pages_need_casework(manager_client, ann):
    for name in ("child_sen2_change", "annual_review_add", "phase_transfer_add"):
        assert manager_client.get(reverse(f"placements:{name}", args=["WS-ANN"])).status_code == 403


# --- EHCP 20-week timeliness --------------------------------------------------------------


def test_20_week_timeliness_worked_out_by_hand():
    request = dt.date(2025, 1, 6)
    # Issued in January–February 2025:
    EHCPFactory(request_date=request - dt.timedelta(days=140), issue_date=dt.date(2025, 1, 6))
    EHCPFactory(request_date=request - dt.timedelta(days=141), issue_date=dt.date(2025, 1, 6))
    EHCPFactory(
        request_date=request - dt.timedelta(days=200),
        issue_date=dt.date(2025, 1, 6),
        week20_exception=True,
    )
    EHCPFactory(request_date=dt.date(2024, 12, 1), issue_date=dt.date(2025, 2, 10))
    EHCPFactory(  # cannot be timed
        request_date=None, assessment_decision_date=None, issue_date=dt.date(2025, 2, 10)
    )
    EHCPFactory(request_date=dt.date(2024, 12, 1), issue_date=dt.date(2025, 3, 3))  # outside

    tables = ehcp_timeliness(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 2, 28))

    # January: 3 issued, 1 excepted, 2 counted, 1 in 140 days (the 141-day one is late): 50.0%.
    # February: 1 issued in 71 days: 100.0%. Total: 4 issued, 3 counted, 2 within: 66.7%.
    assert tables["total"] == [
        {
            "period": "2025-01-01 to 2025-02-28",
            "issued": 4,
            "excepted": 1,
            "counted": 3,
            "within_20_weeks": 2,
            "percent_within_20_weeks": Decimal("66.7"),
        }
    ]
    months = {row["period"]: row for row in tables["months"]}
    assert (months["2025-01"]["counted"], months["2025-01"]["within_20_weeks"]) == (2, 1)
    assert str(months["2025-01"]["percent_within_20_weeks"]) == "50.0"
    assert str(months["2025-02"]["percent_within_20_weeks"]) == "100.0"


def test_timeliness_report_as_json_and_its_errors():
    EHCPFactory(request_date=dt.date(2025, 1, 6), issue_date=dt.date(2025, 3, 3))
    out = io.StringIO()
    call_command(
        "report", "ehcp-timeliness", "--from", "2025-03-01", "--to", "2025-03-31",
        "--format", "json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["total"][0]["within_20_weeks"] == 1
    assert data["total"][0]["percent_within_20_weeks"] == 100.0
    assert [row["period"] for row in data["months"]] == ["2025-03"]
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="needs --from and --to"):
        call_command("report", "ehcp-timeliness", stdout=io.StringIO())


@pytest.mark.parametrize("children", [1, 12])
def test_the_check_page_and_the_sen2_edit_page_take_few_queries(
    commissioner_client, django_capture_on_commit_callbacks, django_assert_max_num_queries, children
):
    school = ProviderFactory(urn=123456)
    for n in range(children):
        child = ChildFactory(child_ref=f"WS-{n}", ethnicity="")
        EHCPFactory(child=child, request_date=dt.date(2025, 2, 3), issue_date=dt.date(2025, 6, 16))
        PlacementFactory(child=child, provider=school, start_date=dt.date(2025, 9, 1))
    page = _check(commissioner_client, django_capture_on_commit_callbacks)
    assert page.status_code == 200
    job = Job.objects.filter(kind="sen2").latest("created_at")
    with django_assert_max_num_queries(12):
        commissioner_client.get(reverse("placements:sen2_check", args=[job.pk]))
    with django_assert_max_num_queries(12):
        commissioner_client.get(reverse("placements:sen2_return"))
    with django_assert_max_num_queries(12):
        commissioner_client.get(reverse("placements:child_sen2_change", args=["WS-0"]))


def test_settings_named_in_the_plan_are_added_removed_and_sent_in_the_return(
    commissioner_client, commissioner, ann
):
    add = reverse("placements:named_setting_add", args=["WS-ANN"])
    taken = commissioner_client.post(add, {"rank": "1", "sen2_setting": "EHE"})
    assert taken.status_code == 400
    assert "already names a setting of this rank" in taken.content.decode()
    neither = commissioner_client.post(add, {"rank": "2"})
    assert "Enter the school&#x27;s URN, or choose a setting code" in neither.content.decode()
    unknown = commissioner_client.post(add, {"rank": "2", "provider_urn": "999999"})
    assert "No school with that URN" in unknown.content.decode()
    vague = commissioner_client.post(add, {"rank": "2", "sen2_setting": "OTH"})
    assert "Say what the other setting is" in vague.content.decode()
    assert NamedSetting.objects.count() == 1

    ok = commissioner_client.post(
        add, {"rank": "2", "sen2_setting": "OTH", "sen2_setting_other": "Hospital school"}
    )
    assert ok.status_code == 302
    second = NamedSetting.objects.get(rank=2)
    assert second.history.first().history_user == commissioner
    from placements.sen2 import build_return

    tree = build_return(dt.date.fromisoformat(CENSUS))
    assert "Hospital school" in etree.tostring(tree).decode()

    remove = reverse("placements:named_setting_remove", args=["WS-ANN", second.pk])
    assert commissioner_client.get(remove).status_code == 405
    assert commissioner_client.post(remove).status_code == 302
    assert list(NamedSetting.objects.values_list("rank", flat=True)) == [1]
    assert (
        "Hospital school"
        not in commissioner_client.get(
            reverse("placements:child_detail", args=["WS-ANN"])
        ).content.decode()
    )


def test_opening_a_check_and_downloading_the_return_are_audited(
    commissioner_client, commissioner, ann, django_capture_on_commit_callbacks
):
    from core.models import AuditEvent

    ann.ethnicity = "WBRI"
    ann.save()
    page = _check(commissioner_client, django_capture_on_commit_callbacks)
    job_id = page.context["job"].pk
    download = commissioner_client.get(reverse("placements:sen2_download", args=[job_id]))
    assert download.status_code == 200

    events = list(
        AuditEvent.objects.order_by("pk").values_list("user", "action", "object_type", "label")
    )
    assert events[0][:3] == (commissioner.pk, AuditEvent.Action.VIEW_SEN2, "job")
    assert events[-1][:3] == (commissioner.pk, AuditEvent.Action.EXPORT, "sen2_return")
    assert events[-1][3] == f"sen2-886-{CENSUS}.xml"


def test_timeliness_report_suppressed_as_a_manager_sees_it():
    for day in range(1, 8):  # seven plans in March, within 20 weeks
        EHCPFactory(request_date=dt.date(2025, 1, 6), issue_date=dt.date(2025, 3, day))
    EHCPFactory(request_date=dt.date(2024, 9, 2), issue_date=dt.date(2025, 4, 1))  # late
    out = io.StringIO()
    call_command(
        "report", "ehcp-timeliness", "--from", "2025-03-04", "--to", "2025-04-10",
        "--suppress", "--format", "json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    # Whole months; 8 issued rounded to 10; April's single plan hidden, and March with it (the
    # total less March would give April).
    assert data["total"][0]["period"] == "2025-03-01 to 2025-04-30"
    assert data["total"][0]["issued"] == 10
    assert [row["issued"] for row in data["months"]] == ["c", "c"]
    assert [row["percent_within_20_weeks"] for row in data["months"]] == ["c", "c"]
