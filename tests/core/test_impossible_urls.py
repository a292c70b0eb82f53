"""A NUL byte or another impossible value in an address answers 400 or 404, never 500, on every
page of the product (walked from the URLconf, as tests/test_access.py does)."""

from __future__ import annotations

import pytest

from tests.test_access import SAMPLE_ARGS, _concrete_urls

pytestmark = pytest.mark.django_db

URLS = _concrete_urls()


@pytest.fixture
def client_(admin_client):
    admin_client.raise_request_exception = False
    return admin_client


@pytest.mark.parametrize("url", URLS)
def test_a_nul_in_the_query_string_is_a_bad_request(client_, url):
    response = client_.get(url + "?q=%00&page=1")

    assert response.status_code == 400


@pytest.mark.parametrize("url", URLS)
def test_a_control_character_in_the_path_is_a_bad_request(client_, url):
    response = client_.get(url.rstrip("/") + "%00/")

    assert response.status_code == 400


@pytest.mark.parametrize("url", [u for u in URLS if f"/{SAMPLE_ARGS['int']}/" in u])
def test_a_number_too_large_for_the_database_is_not_found(client_, url):
    huge = url.replace(f"/{SAMPLE_ARGS['int']}/", "/99999999999999999999999999/", 1)

    read = client_.get(huge)
    write = client_.post(huge, {"version": "1"})

    assert read.status_code in (404, 405)  # 405: a page that only takes a form
    assert write.status_code in (404, 405)


@pytest.mark.parametrize("url", URLS)
def test_an_anonymous_visitor_with_a_nul_gets_a_bad_request_too(client, url):
    assert client.get(url + "?next=%00").status_code == 400
