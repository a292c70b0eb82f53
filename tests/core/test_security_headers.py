"""Every page sends a Content-Security-Policy without inline script or style and a
Permissions-Policy; what a signed-in person sees or downloads is never cached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def _directives(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in header.split(";")
        if part.strip()
    }


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")

    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_send_a_permissions_policy_and_referrer_policy(client):
    response = client.get("/accounts/login/")

    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_childs_record_is_never_stored_by_the_browser(officer_client):
    ChildFactory(child_ref="C0042")

    response = officer_client.get("/children/C0042/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url", ["/placements/export/", "/placements/export/?format=xlsx", "/dps/contracts/export/"]
)
def test_downloads_are_never_stored(commissioner_client, url):
    response = commissioner_client.get(url)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_signed_out_visitors_are_left_alone(client):
    assert "no-store" not in client.get("/health/").get("Cache-Control", "")


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def _templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_templates_hold_no_inline_script_style_or_event_handler():
    """The CSP would block them: JavaScript belongs in static/js, styles in static/css."""
    found = []
    for path in _templates():
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)!r}" for m in pattern.finditer(text)]

    assert _templates()
    assert found == []
