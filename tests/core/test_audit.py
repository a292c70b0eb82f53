"""The audit log: opening a child's record, a panel request or a decision record, and every
export, writes an event naming the user; only admins read the log; old events are deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core import audit
from core.audit_tasks import audit_prune as audit_prune_task
from core.models import AuditEvent
from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    PanelRequestFactory,
    PlacementFactory,
)

pytestmark = pytest.mark.django_db


def _only_event() -> AuditEvent:
    events = list(AuditEvent.objects.all())
    assert len(events) == 1, events
    return events[0]


def test_opening_a_childs_record_writes_an_event_with_the_user(officer, officer_client):
    child = ChildFactory(child_ref="C0042")

    response = officer_client.get("/children/C0042/", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    event = _only_event()
    assert event.user == officer
    assert event.username == "officer"
    assert event.action == AuditEvent.Action.VIEW_CHILD
    assert (event.object_type, event.object_id, event.label) == ("child", "C0042", "C0042")
    assert event.path == "/children/C0042/"
    assert event.ip == "10.1.2.3"
    assert abs(event.at - timezone.now()) < dt.timedelta(minutes=1)
    assert child.full_name not in str(event)


def test_a_refused_or_missing_record_writes_nothing(manager_client, officer_client):
    ChildFactory(child_ref="C0042")

    assert manager_client.get("/children/C0042/").status_code == 403
    assert officer_client.get("/children/NOPE/").status_code == 404

    assert not AuditEvent.objects.exists()


def test_downloading_the_placement_register_writes_an_event(commissioner, commissioner_client):
    PlacementFactory()

    response = commissioner_client.get("/placements/export/?format=xlsx")

    assert response.status_code == 200
    event = _only_event()
    assert event.user == commissioner
    assert event.action == AuditEvent.Action.EXPORT
    assert event.object_type == "placement_register"
    assert event.label.startswith("placements-")
    assert event.label.endswith(".xlsx")


@pytest.mark.parametrize(
    ("url", "object_type"),
    [
        ("/placements/export/", "placement_register"),
        ("/dps/contracts/export/", "contract_register"),
        ("/panel/summary/download/csv/?date_from=2026-04-01&date_to=2026-06-30", "panel_summary"),
        ("/imports/templates/placements.csv", "template"),
    ],
)
def test_every_export_writes_an_event(commissioner_client, url, object_type):
    response = commissioner_client.get(url)

    assert response.status_code == 200
    event = _only_event()
    assert (event.username, event.action, event.object_type) == (
        "commissioner",
        AuditEvent.Action.EXPORT,
        object_type,
    )


def test_every_page_of_one_childs_data_names_the_child(officer_client, commissioner_client):
    placement = PlacementFactory(child=ChildFactory(child_ref="C0042"))
    consultation = ConsultationFactory(child=placement.child, provider=placement.provider)

    assert officer_client.get("/children/C0042/sen2/").status_code == 200
    assert commissioner_client.get(f"/placements/{placement.pk}/change/").status_code == 200
    assert officer_client.get(f"/dps/consultations/{consultation.pk}/").status_code == 200
    assert officer_client.get("/dps/search/?child=C0042").status_code == 200
    assert officer_client.get("/dps/search/").status_code == 200  # no child: no event

    events = AuditEvent.objects.order_by("pk")
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        (AuditEvent.Action.VIEW_CHILD, "child", "C0042")
    ] * 4
    assert [e.path for e in events][1:3] == [
        f"/placements/{placement.pk}/change/",
        f"/dps/consultations/{consultation.pk}/",
    ]


def test_a_list_of_children_writes_one_event_with_its_filters(officer_client):
    for _ in range(3):
        ChildFactory(last_name="Smith")

    response = officer_client.get("/children/?q=Smith")

    assert response.status_code == 200
    event = _only_event()
    assert (event.action, event.object_type, event.object_id) == (
        AuditEvent.Action.VIEW_LIST,
        "list",
        "",
    )
    assert event.label == "Children search: q=Smith"
    assert event.path == "/children/?q=Smith"


def test_the_worklist_is_audited_for_casework_only(officer_client, manager_client):
    assert manager_client.get("/").status_code == 200
    assert not AuditEvent.objects.exists()

    assert officer_client.get("/").status_code == 200
    assert _only_event().label == "Worklist"


def test_panel_request_and_decision_record_write_events(officer_client):
    item = PanelRequestFactory(child=ChildFactory(child_ref="C0077"))

    assert officer_client.get(f"/panel/requests/{item.pk}/").status_code == 200
    assert officer_client.get(f"/panel/meetings/{item.meeting.pk}/record/").status_code == 200

    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "label"))
    assert actions[0] == (AuditEvent.Action.VIEW_PANEL_REQUEST, f"Request {item.pk} (C0077)")
    assert actions[1][0] == AuditEvent.Action.VIEW_DECISION_RECORD


def test_only_admins_read_the_audit_log(
    officer_client, commissioner_client, manager_client, admin_client
):
    for client in (officer_client, commissioner_client, manager_client):
        assert client.get("/audit/").status_code == 403
    assert admin_client.get("/audit/").status_code == 200


def test_the_audit_log_page_filters_by_user_action_date_and_child(officer_client, admin_client):
    ChildFactory(child_ref="C0001")
    ChildFactory(child_ref="C0002")
    officer_client.get("/children/C0001/")
    officer_client.get("/children/C0002/")
    item = PanelRequestFactory(child=ChildFactory(child_ref="C0003"))
    admin_client.get(f"/panel/requests/{item.pk}/")
    AuditEvent.objects.filter(object_id="C0002").update(at=timezone.now() - dt.timedelta(days=40))

    def rows(query: str) -> str:
        response = admin_client.get("/audit/" + query)
        assert response.status_code == 200
        return response.content.decode().split("<tbody", 1)[-1]

    assert "C0001" in rows("?username=officer")
    assert "C0003" not in rows("?username=officer")
    assert "C0003" in rows("?action=view_panel_request")
    assert "C0001" not in rows("?action=view_panel_request")
    assert "C0003" in rows("?child_ref=c0003")
    recent = rows(f"?date_from={(timezone.localdate() - dt.timedelta(days=7)).isoformat()}")
    assert "C0001" in recent
    assert "C0002" not in recent


def test_a_bad_date_is_an_error_beside_the_field(admin_client):
    response = admin_client.get("/audit/?date_from=2026-13-45")

    assert response.status_code == 400
    assert "The from date must be a real date" in response.content.decode()


def test_the_audit_log_is_read_only_in_the_django_admin(officer_client, admin_client):
    ChildFactory(child_ref="C0001")
    officer_client.get("/children/C0001/")
    event = AuditEvent.objects.get()

    assert admin_client.get("/admin/core/auditevent/").status_code == 200
    assert admin_client.get("/admin/core/auditevent/add/").status_code == 403
    change = admin_client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert admin_client.post(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403


def test_events_older_than_the_retention_period_are_deleted(settings, officer_client):
    settings.AUDIT_RETENTION_DAYS = 730
    ChildFactory(child_ref="C0001")
    officer_client.get("/children/C0001/")
    officer_client.get("/children/C0001/")
    old, recent = AuditEvent.objects.order_by("pk")
    old.at = timezone.now() - dt.timedelta(days=731)
    old.save()

    assert audit_prune_task.delay().get() == 1

    assert list(AuditEvent.objects.all()) == [recent]


def test_record_can_be_called_by_any_view(rf, officer):
    request = rf.get("/somewhere/?q=1", REMOTE_ADDR="not-an-address")
    request.user = officer

    event = audit.record(request, audit.Action.VIEW_SEN2, label="SEN2 return 2026")

    assert (event.path, event.ip, event.label) == ("/somewhere/?q=1", None, "SEN2 return 2026")
