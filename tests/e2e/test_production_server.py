"""The product as deployed: gunicorn on the production settings answers with its security
headers, serves the collected static files itself, shows the branded page for a missing record (DEBUG off), and
keeps the session cookie secure."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own http server
    try:
        return urllib.request.urlopen(request, timeout=10)  # noqa: S310
    except urllib.error.HTTPError as error:
        return error


def test_behind_a_tls_proxy_every_security_header_is_sent(production_server):
    response = _get(f"{production_server.url}/accounts/login/", **{"X-Forwarded-Proto": "https"})

    assert response.status == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    csrf_cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "Secure" in csrf_cookie


def test_static_files_are_served_with_hashed_names_and_long_caching(production_server):
    page = _get(f"{production_server.url}/accounts/login/").read().decode()
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page links no stylesheet with a hashed name (ManifestStaticFiles)"

    response = _get(f"{production_server.url}{stylesheet[1]}", **{"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"


def test_the_session_cookie_is_secure_and_a_missing_page_is_the_branded_404(
    page, production_server, officer
):
    page.goto(f"{production_server.url}/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("demo-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is waiting for you")

    session = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert session["secure"] is True
    assert session["httpOnly"] is True

    response = page.goto(f"{production_server.url}/children/NO-SUCH-CHILD/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("Traceback")).to_have_count(0)
