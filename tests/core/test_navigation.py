"""Every navigation entry points at a page that exists, and every role's menu leads to 200s."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core import roles
from core.navigation import NAV_ITEMS, nav_for
from tests.factories import UserFactory


@pytest.mark.parametrize("item", NAV_ITEMS, ids=lambda item: item.url_name)
def test_every_nav_item_reverses(item):
    assert reverse(item.url_name).startswith("/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_each_roles_nav_links_open(role, role_groups):
    user = UserFactory(
        username=f"nav-{role}",
        is_staff=role == roles.ADMIN,
        is_superuser=role == roles.ADMIN,
        groups=[role_groups[role]],
    )
    client = Client()
    client.force_login(user)
    items = nav_for(user, "home")
    assert items[0]["label"] == "Home"
    home = client.get("/")
    assert home.status_code == 200
    body = home.content.decode()
    for item in items:
        assert f'href="{item["url"]}"' in body, f"{item['label']} missing from {role}'s menu"
        response = client.get(item["url"])
        assert response.status_code == 200, f"{role}: {item['label']} {item['url']}"


@pytest.mark.django_db
def test_nav_is_filtered_by_permission(manager, commissioner):
    manager_labels = {item["label"] for item in nav_for(manager, None)}
    assert manager_labels == {"Home", "Providers", "Panel summary", "Dashboards"}
    commissioner_labels = {item["label"] for item in nav_for(commissioner, None)}
    assert {"Children", "Placements", "Panels", "Imports"} <= commissioner_labels


def test_a_missing_page_fails_instead_of_vanishing(monkeypatch, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.urls import NoReverseMatch

    from core import navigation

    broken = navigation.NavItem("Nowhere", "reporting:no_such_page", None, "nowhere")
    monkeypatch.setattr(navigation, "NAV_ITEMS", [*navigation.NAV_ITEMS, broken])
    with pytest.raises(NoReverseMatch):
        navigation.nav_for(AnonymousUser(), None)
