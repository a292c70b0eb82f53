"""Every page that shows a child's name writes an audit event (docs/security.md "Audit").

The pages come from the URLconf, not from a list of audited pages: every URL pattern the access
table (tests/test_access_matrix.py) says takes GET is fetched, with real records in the URL, by
each role, bare and with a child's reference and part of their surname in the query string (the searches and
the pages started "for a child"). Whenever the answer, or a file inside a downloaded zip or
XLSX, contains the child's first or last name, or (where the page's address does not hold it)
the child's reference, that request must have written an audit event.
A new page that shows a child and is not audited therefore fails here.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from dps.models import AttendancePenaltyRule, AttendanceRecord, Membership
from panel.models import PanelRequest
from placements.models import Child, Placement
from tests.factories import ConsultationFactory, PanelRequestFactory
from tests.test_access_matrix import ACCESS, GET, URLS, _url
from tests.test_access_matrix import objects as objects  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db

FIRST_NAME = "Zephyrine"
LAST_NAME = "Quillfeather"

# Pages not fetched, each with its reason. Pages that do not take GET (POST-only: sign-out, the
# consultation actions, recording a decision...) are left out through ACCESS, whose methods
# tests/test_access_matrix.py checks against each view's own decorators.
NOT_FETCHED: dict[str, str] = {
    "login": "the sign-in page: a signed-in person is sent home; it shows no one's record",
}


# Pages that show children's references without naming a child's record: each with its reason.
REFERENCES_NOT_RECORDS: dict[str, str] = {
    "audit_log": "the audit log lists who read what, labelled with references: it shows "
    "events, not the child's records (and the log is for administrators, who read it whole)",
}


def _names_the_child(name: str, url: str, body: str, child_ref: str) -> bool:
    """The child's name, or (on a page whose address does not hold it: a page echoes its own
    links and the search it was asked for) the child's reference, as lists of records show it."""
    if FIRST_NAME in body or LAST_NAME in body:
        return True
    if name in REFERENCES_NOT_RECORDS or child_ref in url:
        return False
    return child_ref in body


def _pages() -> list[str]:
    return sorted(
        name
        for name, (_, methods) in ACCESS.items()
        if GET in methods and name not in NOT_FETCHED and name in URLS
    )


def _body(response: HttpResponse) -> str:
    """The text of a page or download, and of every file inside a zip (XLSX is one)."""
    raw = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content
    )
    texts = [raw.decode("utf-8", errors="replace")]
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            texts += [
                archive.read(member).decode("utf-8", errors="replace")
                for member in archive.namelist()
            ]
    return "\n".join(texts)


@pytest.fixture
def named_child(objects: dict[str, Any]) -> Child:  # noqa: F811 - the imported fixture
    """The child every URL names, with a name no page shows by chance, and records that put it
    on the lists: an overdue consultation, a decided panel request, a term's attendance."""
    child = Child.objects.get(child_ref=objects["child_ref"])
    child.first_name, child.last_name = FIRST_NAME, LAST_NAME
    child.save()
    ConsultationFactory(child=child)
    PanelRequestFactory(
        child=child,
        outcome=PanelRequest.Outcome.AGREED,
        agreed_cost=Decimal("36000.00"),
        decided_at=timezone.now(),
    )
    placement = Placement.objects.get(pk=objects["placement_pk"])
    for membership in Membership.objects.filter(provider=placement.provider):
        AttendancePenaltyRule.objects.create(framework=membership.framework)
    AttendanceRecord.objects.create(
        placement=placement,
        academic_year=2025,
        term=AttendanceRecord.Term.AUTUMN,
        attendance_percent=Decimal("70.0"),  # below the threshold: listed with its penalty
    )
    return child


def test_every_page_that_shows_a_child_writes_an_audit_event(
    objects,  # noqa: F811 - the imported fixture
    named_child,
    officer,
    commissioner,
    manager,
    admin_user,
):
    # Part of the surname: a search box that shows back what was typed is not showing a child.
    query = "?" + urlencode({"child": named_child.child_ref, "q": LAST_NAME[:6]})
    shown: set[str] = set()
    unaudited: list[str] = []
    for user in (officer, commissioner, manager, admin_user):
        client = Client()
        client.force_login(user)
        for name in _pages():
            for url in (_url(name, objects), _url(name, objects) + query):
                latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
                response = client.get(url)
                if response.status_code != 200:
                    continue
                body = _body(response)
                if not _names_the_child(name, url, body, named_child.child_ref):
                    continue
                shown.add(name)
                audited = AuditEvent.objects.filter(
                    pk__gt=latest or 0, username=user.username, path=url
                ).exists()
                if not audited:
                    unaudited.append(f"{name} {url} as {user.username}")

    # The test proves something only if the child's name is really on the pages that read it.
    assert {"placements:child_detail", "placements:child_list", "home"} <= shown, sorted(shown)
    assert "dps:attendance" in shown, "the attendance page lists the child's reference"
    assert unaudited == [], (
        "pages that show a child's name or reference without an audit event:\n"
        + ("\n".join(unaudited))
    )
