"""Every download link a person can see is tried: for each role, the pages it can reach (from the
home page and the pages the navigation leads to) are crawled through the test client, and every
link to a file (CSV, Excel, JSON, XML, ZIP, or marked `download` / `format=`) is fetched. None may
answer 500, and each must answer the kind of file it says it is (an Excel file that opens)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import deque
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from openpyxl import load_workbook

from panel.models import PanelRequest
from placements.sen2 import services as sen2_services
from reporting import services as reporting_services
from reporting.sufficiency_models import SufficiencyScenario
from tests.factories import (
    BlockContractFactory,
    BudgetLineFactory,
    ChildFactory,
    ConsultationFactory,
    ContractFactory,
    EHCPFactory,
    FeeScheduleFactory,
    LotFactory,
    MeetingFactory,
    MembershipFactory,
    NeedTypeFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
    UpliftRequestFactory,
)

pytestmark = pytest.mark.django_db

# Pages every crawl starts from (a role that may not see one is refused it, and it is skipped);
# links found on them are followed.
START_PAGES = (
    "/",
    "/dashboards/",
    "/dashboards/sufficiency/",
    "/placements/",
    "/children/",
    "/providers/",
    "/dps/search/",
    "/dps/manage/",
    "/dps/contracts/",
    "/dps/block-contracts/",
    "/dps/frameworks/",
    "/dps/memberships/",
    "/dps/fees/",
    "/dps/uplifts/",
    "/dps/attendance/",
    "/panel/meetings/",
    "/panel/summary/",
    "/panel/decisions/",
    "/imports/",
    "/sen2/",
    "/audit/",
)
# Never followed: signing out, the Django admin, and pages that only act on a POST.
NOT_FOLLOWED = re.compile(r"^/(accounts/logout|admin/|session/)")
# A page address shape (numbers as N, no query) is crawled at most this often; downloads are
# all tried whatever their shape.
PAGES_PER_SHAPE = 2
FILE_SUFFIXES = {
    ".csv": ("text/csv",),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    ".json": ("application/json",),
    ".xml": ("application/xml", "text/xml"),
    ".zip": ("application/zip", "application/x-zip-compressed"),
}
FILE_TYPES = tuple(kind for kinds in FILE_SUFFIXES.values() for kind in kinds)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        found = dict(attrs)
        href = found.get("href")
        if href:
            self.links.append((href, "download" in found))


def _is_download(href: str, marked: bool) -> bool:
    path = urlsplit(href).path
    return marked or path.endswith(tuple(FILE_SUFFIXES)) or "download" in href or "format=" in href


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


def crawl(client) -> tuple[set[str], set[str]]:
    """The pages visited and the download links found on them, from START_PAGES."""
    queue = deque(START_PAGES)
    seen: set[str] = set(START_PAGES)
    shapes: dict[str, int] = {}
    pages: set[str] = set()
    downloads: set[str] = set()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        pages.add(url)
        parser = _Links()
        parser.feed(response.content.decode())
        for href, marked in parser.links:
            target = urldefrag(urljoin(url, href)).url
            parts = urlsplit(target)
            if parts.netloc or parts.scheme not in ("", "http") or NOT_FOLLOWED.match(parts.path):
                continue
            if _is_download(target, marked):
                downloads.add(target)
                continue
            shape = _shape(target)
            if target in seen or shapes.get(shape, 0) >= PAGES_PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(target)
            queue.append(target)
    return pages, downloads


def _check_file(url: str, response) -> None:
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    if response.status_code in (301, 302, 303, 404):
        return  # a file no longer kept, or a download that leads to a page explaining why
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    content_type = response["Content-Type"]
    suffix = next((s for s in FILE_SUFFIXES if urlsplit(url).path.endswith(s)), None)
    if suffix is None and "xlsx" in urlsplit(url).query:
        suffix = ".xlsx"
    if suffix is not None and "text/html" not in content_type:
        assert content_type.startswith(FILE_SUFFIXES[suffix]), f"{url} came as {content_type}"
    else:
        assert content_type.startswith((*FILE_TYPES, "text/html")), f"{url}: {content_type}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith(FILE_SUFFIXES[".xlsx"]):
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        assert workbook.sheetnames
    elif content_type.startswith(FILE_SUFFIXES[".zip"]):
        assert zipfile.ZipFile(io.BytesIO(body)).namelist()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def county(commissioner, django_capture_on_commit_callbacks):
    """Some of everything a page lists, the dashboards computed and a SEN2 check run, so that
    every download link has something behind it."""
    today = dt.date.today()
    this_year = today.year
    special = ProviderFactory(name="Oakfield School", establishment_type="Community special school")
    independent = ProviderFactory(name="Alder School", need_types=["ASD", "SEMH"])
    lot = LotFactory()
    MembershipFactory(provider=independent, lot=lot)
    FeeScheduleFactory(provider=independent, academic_year=this_year - 1)
    UpliftRequestFactory(provider=independent, academic_year=this_year)
    BlockContractFactory(
        provider=independent,
        lot=lot,
        start_date=dt.date(this_year - 1, 9, 1),
        end_date=dt.date(this_year + 1, 8, 31),
    )
    ContractFactory(framework=lot.framework)
    for number, need in enumerate(["ASD", "ASD", "SEMH", "SLCN", "ASD", "SEMH"]):
        child = ChildFactory()
        EHCPFactory(child=child, primary_need=NeedTypeFactory(code=need))
        PlacementFactory(
            child=child,
            provider=independent if number % 2 else special,
            start_date=dt.date(this_year - 2, 9, 1),
            annual_cost=Decimal(30000 + 1000 * number),
        )
    waiting = ChildFactory()
    EHCPFactory(child=waiting)
    ConsultationFactory(child=waiting, provider=independent, sent_on=today - dt.timedelta(days=30))
    meeting = MeetingFactory(date=today - dt.timedelta(days=7))
    PanelRequestFactory(
        meeting=meeting,
        child=waiting,
        provider=independent,
        outcome=PanelRequest.Outcome.AGREED,
        agreed_cost=Decimal("36000"),
    )
    MeetingFactory(date=today + dt.timedelta(days=7))
    for fy in (this_year - 2, this_year - 1, this_year):
        BudgetLineFactory(financial_year=fy, amount=Decimal("1000000"))
    SufficiencyScenario.objects.create(name="More SRP places")
    with django_capture_on_commit_callbacks(execute=True):
        sen2_services.sen2_check_start(census_date=dt.date(this_year, 1, 15), user=commissioner)
    reporting_services.snapshots_recompute()


@pytest.mark.parametrize("role", ["officer", "commissioner", "manager", "admin_user"])
def test_every_download_link_each_role_sees_answers_its_file(role, request, county):
    from django.test import Client

    client = Client()
    client.force_login(request.getfixturevalue(role))
    pages, downloads = crawl(client)
    assert pages, "the crawl reached no page"
    for url in sorted(downloads):
        _check_file(url, client.get(url))
    if role in ("manager", "admin_user"):
        # The table whose 31-character sheet name once ended in a colon.
        assert any(
            urlsplit(url).path == "/dashboards/spend/inmss_vs_special.xlsx" for url in downloads
        ), sorted(downloads)
        assert any(urlsplit(url).path.startswith("/panel/summary/download/") for url in downloads)
    if role in ("commissioner", "admin_user"):
        tried = {urlsplit(url).path for url in downloads}
        assert {"/dps/contracts/export/", "/placements/export/"} <= tried, sorted(tried)
        assert any(path.endswith("/return.xml") for path in tried), sorted(tried)
