"""The four roles (officer, commissioner, manager, admin) as groups with permissions, kept in step after every migrate."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AnonymousUser, Group, Permission, User

OFFICER = "officer"
COMMISSIONER = "commissioner"
MANAGER = "manager"
ADMIN = "admin"
ROLES = [OFFICER, COMMISSIONER, MANAGER, ADMIN]

CASEWORK = "placements.view_casework"
IMPORT_DATA = "imports.import_data"
MANAGE_DPS = "dps.manage_dps"
ADD_PANEL_REQUEST = "panel.add_panelrequest"
DECIDE_REQUEST = "panel.decide_request"
VIEW_PANEL_SUMMARY = "panel.view_panel_summary"
VIEW_DASHBOARDS = "reporting.view_dashboards"
MANAGE_SUFFICIENCY = "reporting.manage_sufficiency"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        CASEWORK,
        ADD_PANEL_REQUEST,
        VIEW_PANEL_SUMMARY,
        VIEW_DASHBOARDS,
        "placements.view_child",
        "placements.view_placement",
        "placements.view_provider",
        "panel.view_meeting",
        "panel.view_panelrequest",
        "dps.view_consultation",
        "dps.add_consultation",
        "dps.change_consultation",
    ],
    COMMISSIONER: [
        CASEWORK,
        IMPORT_DATA,
        MANAGE_DPS,
        ADD_PANEL_REQUEST,
        DECIDE_REQUEST,
        VIEW_PANEL_SUMMARY,
        VIEW_DASHBOARDS,
        MANAGE_SUFFICIENCY,
        "placements.view_child",
        "placements.view_placement",
        "placements.add_placement",
        "placements.change_placement",
        "placements.view_provider",
        "panel.view_meeting",
        "panel.add_meeting",
        "panel.change_meeting",
        "panel.view_panelrequest",
        "panel.change_panelrequest",
        "dps.view_consultation",
    ],
    MANAGER: [VIEW_PANEL_SUMMARY, VIEW_DASHBOARDS, MANAGE_SUFFICIENCY, "placements.view_provider"],
    ADMIN: [],  # every permission, below
}


def roles_ensure() -> None:
    """Create the role groups and give each exactly its permissions. Idempotent."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == ADMIN:
            group.permissions.set(Permission.objects.all())
            continue
        perms = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)


def roles_ensure_after_migrate(**kwargs: object) -> None:
    roles_ensure()


def role_of(user: User | AnonymousUser) -> str | None:
    """The user's main role, for navigation and the home page (admin > commissioner > …)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    names = {group.name for group in user.groups.all()}
    for role in (ADMIN, COMMISSIONER, OFFICER, MANAGER):
        if role in names:
            return role
    return None
