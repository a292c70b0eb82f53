"""A browser asking for /favicon.ico gets the council mark, not a 404."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_browser_gets_the_icon(page, live_server):
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response is not None
    assert response.status == 200
    assert response.url.endswith("/static/favicon.svg")
    assert "svg" in response.headers["content-type"]
