"""A commissioner uploads a placements file with a mistake, sees the errors, fixes the file
and imports it, watching the progress bar reach the end."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from placements.models import Placement
from tests.factories import ChildFactory, ProviderFactory

HEADER = (
    "child_ref,provider_urn,start_date,end_date,annual_cost,additional_cost,attendance_pattern\n"
)
BAD = HEADER + "WS1,118990,2024-09-02,,36000,,day\nWS2,118990,2024-09-02,2024-08-01,36000,,day\n"
GOOD = HEADER + "WS1,118990,2024-09-02,,36000,,day\nWS2,118990,2024-09-02,2025-07-20,36000,,day\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


def choose_and_check(page, content: str) -> None:
    page.get_by_label("Placements", exact=True).check()
    page.set_input_files(
        "#id_file",
        files=[{"name": "placements.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    page.get_by_role("button", name="Check file").click()


@pytest.mark.production_too
@pytest.mark.django_db(transaction=True)
def test_commissioner_fixes_a_bad_file_and_imports_it(signed_in_page, server, commissioner):
    ChildFactory(child_ref="WS1")
    ChildFactory(child_ref="WS2")
    ProviderFactory(urn=118990)
    page = signed_in_page(commissioner)

    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Import data")).to_be_visible()
    choose_and_check(page, BAD)

    expect(page.get_by_text("The file has 1 error: nothing was written")).to_be_visible()
    errors = page.get_by_role("table", name="Errors by row")
    expect(errors).to_contain_text("end_date")
    expect(errors).to_contain_text("is before the start date 02/09/2024")
    expect(page.get_by_role("link", name="Download errors as CSV")).to_be_visible()
    assert Placement.objects.count() == 0

    page.get_by_role("link", name="Upload a corrected file").click()
    choose_and_check(page, GOOD)
    expect(page.get_by_text("The file is good. Nothing has been written yet.")).to_be_visible()
    expect(page.get_by_text("Would create")).to_be_visible()

    page.get_by_role("button", name="Import 2 rows").click()
    progress = page.locator("progress.app-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("value", "100")
    expect(page.get_by_text("Imported 2 rows: 2 created, 0 updated.")).to_be_visible()
    assert Placement.objects.count() == 2

    page.get_by_role("link", name="Import another file").click()
    expect(page.get_by_role("table", name="Past imports, newest first")).to_contain_text(
        "placements.csv"
    )
