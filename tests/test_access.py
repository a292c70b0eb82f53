"""Every page needs sign-in; each role sees only what docs/adr/0002 allows."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {"/accounts/login/", "/health/"}
# Public on purpose, and they lead only to a public static file.
PUBLIC_REDIRECTS = {"/favicon.ico": "/static/favicon.svg"}
SAMPLE_ARGS = {"int": "1", "str": "REF1", "slug": "placements", "path": "x"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _concrete_urls():
    """Every URL pattern of the project with sample values for its arguments."""
    urls = set()
    for route, _entry in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or "(?P" in route or "^" in route:
            continue
        path = "/" + route
        for converter in SAMPLE_ARGS:
            path = path.replace(f"<{converter}:", "<")
        while "<" in path:
            start = path.index("<")
            end = path.index(">", start)
            name = path[start + 1 : end]
            path = (
                path[:start]
                + (
                    SAMPLE_ARGS["int"]
                    if "pk" in name or "urn" in name or "id" in name
                    else SAMPLE_ARGS["str"]
                )
                + path[end + 1 :]
            )
        urls.add(path)
    return sorted(urls)


@pytest.mark.parametrize("url", _concrete_urls())
def test_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    if url in PUBLIC:
        assert response.status_code == 200
    elif url in PUBLIC_REDIRECTS:
        assert response.status_code == 301
        assert response["Location"] == PUBLIC_REDIRECTS[url]
    else:
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_admin_site_needs_sign_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "login" in response.url


def test_sign_in_page_and_health_check_are_public(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/health/").json() == {"status": "ok"}


def test_manager_cannot_open_casework_pages(manager_client):
    assert manager_client.get("/children/").status_code == 403
    assert manager_client.get("/placements/").status_code == 403


def test_officer_sees_casework_but_not_the_admin(officer_client):
    assert officer_client.get("/children/").status_code == 200
    assert officer_client.get("/admin/").status_code == 302


def test_admin_role_opens_the_django_admin(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_navigation_follows_the_role(officer_client, manager_client):
    officer_page = officer_client.get("/").content.decode()
    manager_page = manager_client.get("/").content.decode()

    assert 'href="/children/"' in officer_page
    assert 'href="/children/"' not in manager_page
    assert 'href="/providers/"' in manager_page
