"""The council mark as the favicon: linked from every page, and /favicon.ico does not 404."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_redirects_to_the_svg_without_signing_in():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"


def test_the_svg_is_there_and_teal():
    path = finders.find("favicon.svg")
    assert path is not None
    text = Path(path).read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg")
    assert "#0b4f6c" in text


@pytest.mark.django_db
def test_pages_link_the_icon(officer_client):
    body = Client().get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body
    assert 'rel="icon"' in officer_client.get("/").content.decode()
