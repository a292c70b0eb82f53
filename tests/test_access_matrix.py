"""Every URL of the product × every role × GET and POST, generated from the URLconf.

ACCESS declares, for every URL name, who may use it and with which methods. The test fails when
a URL name is missing from it (a new page must be declared here) and when the view's own
@permission_required or @require_* decorators disagree with the table. Then for each combination:
signed out → sent to sign in (only the public pages answer); a role without the permission →
403; a method the page does not take → 405; and never a 500, with real objects in the URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import roles
from core.models import Job
from imports.models import ImportRecord
from placements.models import NamedSetting
from reporting.models import PlannedPlaces, SufficiencyScenario
from tests.factories import (
    BlockContractFactory,
    ChildFactory,
    ConsultationFactory,
    ContractFactory,
    EHCPFactory,
    FeeScheduleFactory,
    FrameworkFactory,
    LotFactory,
    MeetingFactory,
    MembershipFactory,
    PanelRequestFactory,
    PlacementFactory,
    UpliftRequestFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # no sign-in needed
SIGNED_IN = "signed in"  # any role
GET, POST = "GET", "POST"
ANY = (GET, POST)

# URL name → (permissions needed, all of them; methods the page takes).
ACCESS: dict[str, tuple[str | tuple[str, ...], tuple[str, ...]]] = {
    "home": (SIGNED_IN, (GET,)),
    "health": (PUBLIC, (GET,)),
    "favicon": (PUBLIC, ANY),
    "login": (PUBLIC, ANY),
    "logout": (SIGNED_IN, (POST,)),
    "session_keep_alive": (SIGNED_IN, (POST,)),
    "audit_log": ("core.view_auditevent", (GET,)),
    "imports:start": (roles.IMPORT_DATA, ANY),
    "imports:guide": (roles.IMPORT_DATA, (GET,)),
    "imports:job": (roles.IMPORT_DATA, (GET,)),
    "imports:confirm": (roles.IMPORT_DATA, (POST,)),
    "imports:errors": (roles.IMPORT_DATA, (GET,)),
    "imports:template": (roles.IMPORT_DATA, (GET,)),
    "placements:child_list": (roles.CASEWORK, (GET,)),
    "placements:child_detail": (roles.CASEWORK, (GET,)),
    "placements:provider_list": ("placements.view_provider", (GET,)),
    "placements:provider_detail": ("placements.view_provider", (GET,)),
    "placements:placement_list": (roles.CASEWORK, (GET,)),
    "placements:placement_change": ("placements.change_placement", ANY),
    "placements:placement_export": (roles.CASEWORK, (GET,)),
    "placements:placement_export_start": (roles.CASEWORK, (POST,)),
    "placements:placement_export_job": (roles.CASEWORK, (GET,)),
    "placements:placement_export_download": (roles.CASEWORK, (GET,)),
    "placements:sen2_export": (roles.IMPORT_DATA, (GET,)),
    "dps:contract_export": (roles.MANAGE_DPS, (GET,)),
    "panel:meeting_list": ("panel.view_meeting", (GET,)),
    "panel:meeting_create": ("panel.add_meeting", ANY),
    "panel:meeting_detail": ("panel.view_meeting", (GET,)),
    "panel:meeting_record": ("panel.view_meeting", (GET,)),
    "panel:request_create": (roles.ADD_PANEL_REQUEST, ANY),
    "panel:request_detail": ("panel.view_panelrequest", (GET,)),
    "panel:decision_record": (roles.DECIDE_REQUEST, (POST,)),
    "panel:placement_record": ((roles.DECIDE_REQUEST, "placements.add_placement"), ANY),
    "panel:provider_suggest": (roles.ADD_PANEL_REQUEST, (GET,)),
    "panel:summary": (roles.VIEW_PANEL_SUMMARY, (GET,)),
    "panel:summary_download": (roles.VIEW_PANEL_SUMMARY, (GET,)),
    "panel:decision_search": ("panel.view_panelrequest", (GET,)),
    "session_status": (SIGNED_IN, (GET,)),
    "imports:restart": (roles.IMPORT_DATA, (POST,)),
    "placements:child_sen2_change": (roles.CASEWORK, ANY),
    "placements:annual_review_add": (roles.CASEWORK, ANY),
    "placements:phase_transfer_add": (roles.CASEWORK, ANY),
    "placements:named_setting_add": (roles.CASEWORK, ANY),
    "placements:named_setting_remove": (roles.CASEWORK, (POST,)),
    "placements:sen2_return": (roles.IMPORT_DATA, ANY),
    "placements:sen2_check": (roles.IMPORT_DATA, (GET,)),
    "placements:sen2_download": (roles.IMPORT_DATA, (GET,)),
    "placements:sen2_extract_download": (roles.IMPORT_DATA, (GET,)),
    # The officers' side of the DPS: search, shortlist, consultations.
    "dps:search": (roles.CASEWORK, (GET,)),
    "dps:provider_profile": ("placements.view_provider", (GET,)),
    "dps:provider_contact": ("dps.change_consultation", ANY),
    "dps:provider_ofsted": (roles.MANAGE_DPS, ANY),
    "dps:shortlist": ("dps.add_consultation", (GET,)),
    "dps:shortlist_add": ("dps.add_consultation", (POST,)),
    "dps:shortlist_remove": ("dps.add_consultation", (POST,)),
    "dps:consult": ("dps.add_consultation", (POST,)),
    "dps:child_consultations": ("dps.view_consultation", (GET,)),
    "dps:compare": ("dps.view_consultation", (GET,)),
    "dps:overdue": ("dps.view_consultation", (GET,)),
    "dps:consultation_detail": ("dps.view_consultation", (GET,)),
    "dps:consultation_respond": ("dps.change_consultation", (POST,)),
    "dps:consultation_chase": ("dps.change_consultation", (POST,)),
    "dps:consultation_contact": ("dps.change_consultation", (POST,)),
    "dps:accept": ("dps.change_consultation", (POST,)),
    "dps:consultation_emails_retry": ("dps.change_consultation", (POST,)),
    "dps:child_emails_retry": ("dps.change_consultation", (POST,)),
    # The commissioners' side: running the DPS (commercially sensitive: MANAGE_DPS to read too).
    "dps:overview": (roles.MANAGE_DPS, (GET,)),
    "dps:framework_list": (roles.MANAGE_DPS, (GET,)),
    "dps:framework_create": (roles.MANAGE_DPS, ANY),
    "dps:framework_edit": (roles.MANAGE_DPS, ANY),
    "dps:lot_create": (roles.MANAGE_DPS, ANY),
    "dps:lot_edit": (roles.MANAGE_DPS, ANY),
    "dps:membership_list": (roles.MANAGE_DPS, (GET,)),
    "dps:membership_create": (roles.MANAGE_DPS, ANY),
    "dps:membership_detail": (roles.MANAGE_DPS, (GET,)),
    "dps:membership_status": (roles.MANAGE_DPS, (POST,)),
    "dps:membership_evidence": (roles.MANAGE_DPS, (POST,)),
    "dps:fee_list": (roles.MANAGE_DPS, (GET,)),
    "dps:fee_create": (roles.MANAGE_DPS, ANY),
    "dps:fee_edit": (roles.MANAGE_DPS, ANY),
    "dps:uplift_list": (roles.MANAGE_DPS, (GET,)),
    "dps:uplift_create": (roles.MANAGE_DPS, ANY),
    "dps:uplift_detail": (roles.MANAGE_DPS, ANY),
    "dps:block_list": (roles.MANAGE_DPS, (GET,)),
    "dps:block_create": (roles.MANAGE_DPS, ANY),
    "dps:block_detail": (roles.MANAGE_DPS, (GET,)),
    "dps:block_edit": (roles.MANAGE_DPS, ANY),
    "dps:contract_register": (roles.MANAGE_DPS, (GET,)),
    "dps:contract_create": (roles.MANAGE_DPS, ANY),
    "dps:contract_edit": (roles.MANAGE_DPS, ANY),
    "dps:attendance": (roles.MANAGE_DPS, (GET,)),
    "dps:attendance_record": (roles.MANAGE_DPS, ANY),
    # Dashboards: aggregates for everyone with VIEW_DASHBOARDS; scenarios need their own right.
    "reporting:index": (roles.VIEW_DASHBOARDS, (GET,)),
    "reporting:dashboard": (roles.VIEW_DASHBOARDS, (GET,)),
    "reporting:download": (roles.VIEW_DASHBOARDS, (GET,)),
    "reporting:recompute": (roles.VIEW_DASHBOARDS, (POST,)),
    "reporting:recompute_job": (roles.VIEW_DASHBOARDS, (GET,)),
    "reporting:sufficiency": (roles.VIEW_DASHBOARDS, (GET,)),
    "reporting:sufficiency_download": (roles.VIEW_DASHBOARDS, (GET,)),
    "reporting:sufficiency_table_download": (roles.VIEW_DASHBOARDS, (GET,)),
    "reporting:sufficiency_preset_copy": ("reporting.manage_sufficiency", (POST,)),
    "reporting:sufficiency_planned_places": (roles.VIEW_DASHBOARDS, ANY),
    "reporting:sufficiency_scenario_create": ("reporting.manage_sufficiency", (POST,)),
    "reporting:sufficiency_scenario_edit": ("reporting.manage_sufficiency", ANY),
    "reporting:sufficiency_scenario_delete": ("reporting.manage_sufficiency", ANY),
    "reporting:sufficiency_planned_places_edit": ("reporting.manage_sufficiency", ANY),
    "reporting:sufficiency_planned_places_delete": ("reporting.manage_sufficiency", ANY),
}


# Pages whose form (POST) asks for more than reading them (GET) does, checked inside the view.
WRITE_NEEDS: dict[str, str] = {
    "reporting:sufficiency_planned_places": "reporting.manage_sufficiency",
}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the Django admin has its own sign-in and staff check (test_access.py)
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry


URLS = dict(_walk(get_resolver().url_patterns))


def _closure(func: Callable[..., Any]) -> Iterator[Any]:
    """Every value captured by the decorators wrapped around a view."""
    seen: set[int] = set()
    current: Any = func
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for cell in getattr(current, "__closure__", None) or ():
            try:
                yield cell.cell_contents
            except ValueError:
                continue
        current = getattr(current, "__wrapped__", None)


def declared_permissions(view: Callable[..., Any]) -> set[str]:
    """What the view's @permission_required decorators ask for."""
    perms: set[str] = set()
    for value in _closure(view):
        if callable(value) and getattr(value, "__name__", "") == "check_perms":
            for cell in value.__closure__ or ():
                if isinstance(cell.cell_contents, tuple | list):
                    perms.update(cell.cell_contents)
    return perms


def declared_methods(view: Callable[..., Any]) -> set[str] | None:
    """The methods the view's @require_* decorator allows (None: it takes any)."""
    for value in _closure(view):
        if (
            isinstance(value, list)
            and value
            and all(v in {"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH"} for v in value)
        ):
            return set(value)
    return None


def test_every_url_is_declared_in_the_access_table():
    assert sorted(set(URLS) - set(ACCESS)) == [], "declare these pages in ACCESS"
    assert sorted(set(ACCESS) - set(URLS)) == [], "these pages no longer exist"


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_the_views_decorators_match_the_table(name):
    needs, methods = ACCESS[name]
    view = URLS[name].callback
    expected = (
        set()
        if needs in (PUBLIC, SIGNED_IN)
        else set(needs if isinstance(needs, tuple) else (needs,))
    )

    assert declared_permissions(view) == expected
    allowed = declared_methods(view)
    if allowed is not None:
        assert {m for m in allowed if m in ANY} == set(methods)


@pytest.fixture
def objects(db, commissioner) -> dict[str, Any]:
    """One of everything a URL can name."""
    child = ChildFactory(child_ref="C0042")
    placement = PlacementFactory(child=child, start_date=dt.date(2025, 9, 1))
    meeting = MeetingFactory()
    panel_request = PanelRequestFactory(meeting=meeting, child=child, provider=placement.provider)
    contract = ContractFactory()
    job = Job.objects.create(kind="import", created_by=commissioner)
    record = ImportRecord.objects.create(
        kind="placements", file_name="p.csv", job=job, dry_run=True
    )
    framework = FrameworkFactory()
    lot = LotFactory(framework=framework)
    membership = MembershipFactory(lot=lot, provider=placement.provider)
    scenario = SufficiencyScenario.objects.create(name="More SRP places")
    places = PlannedPlaces.objects.create(
        scenario=scenario, setting_group="srp", phase="secondary", academic_year=2026, places=5
    )
    return {
        "child_ref": child.child_ref,
        "urn": placement.provider.urn,
        "placement_pk": placement.pk,
        "meeting_pk": meeting.pk,
        "request_pk": panel_request.pk,
        "job_id": job.pk,
        "record_id": record.pk,
        "kind": "placements",
        "fmt": "csv",
        "slug": "spend",
        "table": "backtest",
        "table_id": "by_need",
        "framework_pk": framework.pk,
        # URL name → the primary key its `pk` names.
        "pk_of": {
            "placements:placement_change": placement.pk,
            "panel:meeting_detail": meeting.pk,
            "panel:meeting_record": meeting.pk,
            "panel:request_create": meeting.pk,
            "dps:framework_edit": framework.pk,
            "placements:named_setting_remove": NamedSetting.objects.create(
                ehcp=EHCPFactory(child=child), rank=1, provider=placement.provider
            ).pk,
            "dps:lot_edit": lot.pk,
            "reporting:sufficiency_scenario_edit": scenario.pk,
            "reporting:sufficiency_scenario_delete": scenario.pk,
            "reporting:sufficiency_planned_places_edit": places.pk,
            "reporting:sufficiency_planned_places_delete": places.pk,
            "dps:membership_detail": membership.pk,
            "dps:membership_status": membership.pk,
            "dps:membership_evidence": membership.pk,
            "dps:fee_edit": FeeScheduleFactory(provider=placement.provider).pk,
            "dps:uplift_detail": UpliftRequestFactory(provider=placement.provider).pk,
            **dict.fromkeys(
                ["dps:block_detail", "dps:block_edit"],
                BlockContractFactory(provider=placement.provider).pk,
            ),
            "dps:contract_edit": contract.pk,
            **dict.fromkeys(
                [
                    "dps:accept",
                    "dps:consultation_emails_retry",
                    "dps:consultation_chase",
                    "dps:consultation_contact",
                    "dps:consultation_detail",
                    "dps:consultation_respond",
                ],
                ConsultationFactory(child=child, provider=placement.provider).pk,
            ),
        },
    }


def _url(name: str, objects: dict[str, Any]) -> str:
    pattern = URLS[name].pattern
    # path() names its parts as converters; re_path() as the regular expression's groups.
    keys = list(pattern.converters) or list(pattern.regex.groupindex)
    kwargs: dict[str, Any] = {}
    for key in keys:
        if key == "pk":
            kwargs[key] = objects["pk_of"].get(name, objects["request_pk"])
        else:
            kwargs[key] = objects[key]
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def clients(officer, commissioner, manager, admin_user) -> dict[str, tuple[Any, Client]]:
    result: dict[str, tuple[Any, Client]] = {"anonymous": (None, Client())}
    for user in (officer, commissioner, manager, admin_user):
        client = Client()
        client.force_login(user)
        result[user.username] = (user, client)
    return result


def _may(user: Any, needs: str | tuple[str, ...]) -> bool:
    if needs in (PUBLIC, SIGNED_IN):
        return True
    return user.has_perms(needs if isinstance(needs, tuple) else (needs,))


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_every_role_and_method_gets_the_answer_the_table_promises(name, objects, clients):
    needs, methods = ACCESS[name]
    url = _url(name, objects)
    for role, (user, client) in clients.items():
        for method in ANY:
            response = client.get(url) if method == GET else client.post(url, {})
            status = response.status_code
            assert status != 500, (role, method, url)
            if needs == PUBLIC:
                continue
            if user is None:
                assert status == 302, (role, method, url)
                assert response.url.startswith("/accounts/login/"), (role, method, url)
            elif method not in methods:
                assert status == 405, (role, method, url, status)
            elif _may(user, WRITE_NEEDS.get(name, needs) if method == POST else needs):
                assert status not in (401, 403, 405), (role, method, url, status)
            else:
                assert status == 403, (role, method, url, status)
