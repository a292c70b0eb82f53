"""The service navigation: one list, filtered by what the signed-in user may do.

Add an entry only once its page exists: every url_name must reverse."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from . import roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None
    section: str


NAV_ITEMS = [
    NavItem("Home", "home", None, "home"),
    NavItem("Children", "placements:child_list", roles.CASEWORK, "children"),
    NavItem("Find a school", "dps:search", roles.CASEWORK, "find-school"),
    NavItem("Providers", "placements:provider_list", "placements.view_provider", "providers"),
    NavItem("Placements", "placements:placement_list", roles.CASEWORK, "placements"),
    NavItem("Panels", "panel:meeting_list", "panel.view_meeting", "panel"),
    NavItem("Panel summary", "panel:summary", roles.VIEW_PANEL_SUMMARY, "panel-summary"),
    NavItem("Dashboards", "reporting:index", roles.VIEW_DASHBOARDS, "dashboards"),
    NavItem("DPS", "dps:overview", roles.MANAGE_DPS, "dps"),
    NavItem("Imports", "imports:start", roles.IMPORT_DATA, "imports"),
    NavItem("Audit log", "audit_log", "core.view_auditevent", "audit"),
]


def nav_for(user: User | AnonymousUser, current_section: str | None) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for item in NAV_ITEMS:
        if item.permission and not user.has_perm(item.permission):
            continue
        # No try/except: an entry for a page that does not exist is a bug, and must fail loudly
        # (tests/core/test_navigation.py) rather than vanish from the menu.
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "active": item.section == current_section})
    if user.is_staff:
        items.append({"label": "Admin", "url": reverse("admin:index"), "active": False})
    return items
