"""Disclosure control on the dashboards, replayed as the issue's manager tried it: every output
of a table (page, chart, CSV, XLSX, `report --suppress`) gives the same disclosed figures, and
none of the attacks recovers a small number; an officer sees the exact figures
(docs/security.md, "Disclosure control")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from dps.models import Consultation
from reporting import services
from tests.factories import (
    ChildFactory,
    ConsultationFactory,
    EHCPFactory,
    NeedTypeFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 3, 31)  # the last day of FY 2024
SPECIAL = "Maintained or academy special"


def _placement(provider, need: str, district: str, **fields):
    child = ChildFactory(date_of_birth=fields.pop("born", dt.date(2013, 5, 1)), district=district)
    EHCPFactory(child=child, primary_need=NeedTypeFactory(code=need))
    return PlacementFactory(
        child=child,
        provider=provider,
        start_date=fields.pop("start_date", dt.date(2023, 9, 1)),
        annual_cost=fields.pop("annual_cost", Decimal("36500")),
        **fields,
    )


@pytest.fixture
def county():
    """Maintained special, ASD: Ashford 4 children at £18,887.45 (£75,549.80 in the year), Dover
    6, Canterbury 7. INMSS, SEMH, Dover: one child whose placement ended on 31 July 2024 (0
    active, £73,000 × 122/365 spend) and one born in 2007 (Year 13, alone in its NCY) at Birch;
    Canterbury 5 children at Cedar."""
    special = ProviderFactory(name="Oakfield", establishment_type="Community special school")
    inmss = ProviderFactory(name="Birch School")
    cedar = ProviderFactory(name="Cedar School")
    for _ in range(4):
        _placement(special, "ASD", "Ashford", annual_cost=Decimal("18887.45"))
    for _ in range(6):
        _placement(special, "ASD", "Dover")
    for _ in range(7):
        _placement(special, "ASD", "Canterbury")
    _placement(inmss, "SEMH", "Dover", end_date=dt.date(2024, 7, 31), annual_cost=Decimal("73000"))
    _placement(inmss, "ASD", "Canterbury", born=dt.date(2007, 5, 1))
    for _ in range(5):
        _placement(cedar, "ASD", "Canterbury")
    return services.snapshots_recompute(as_of=AS_OF)


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(client, url: str) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _report(*args: str) -> list[dict]:
    out = StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _page_rows(client, url: str, table: str) -> list[list[str]]:
    context = client.get(url).context
    found = next(t for t in context["tables"] if t["id"] == table)
    return [[cell["text"] for cell in row] for row in found["rows"]], found["chart"]


def _plain(text: str) -> str:
    """A page cell as a download writes it: no £ or thousands separators."""
    return text.replace("£", "").replace(",", "")


def test_page_chart_csv_xlsx_and_report_give_the_same_disclosed_figures(county, manager_client):
    rows, chart = _page_rows(manager_client, "/dashboards/spend/?fy=2024", "need_group")
    downloaded = _csv(manager_client, "/dashboards/spend/need_group.csv?fy=2024")[1:]
    workbook = _xlsx(manager_client, "/dashboards/spend/need_group.xlsx?fy=2024")[1:]
    reported = _report("spend", "--fy", "2024", "--suppress")

    assert len(rows) == len(downloaded) == len(workbook) == len(reported) == 3
    for page, csv_row, xlsx_row, report_row in zip(
        rows, downloaded, workbook, reported, strict=True
    ):
        figures = [report_row[key] for key in ("children", "placements", "spend")]
        assert [_plain(cell) for cell in page[2:5]] == [
            str(int(float(v))) if v != "c" else "c" for v in figures
        ]
        assert [_plain(cell).removesuffix(".00") for cell in csv_row[2:5]] == [
            _plain(cell) for cell in page[2:5]
        ]
        assert [cell.removesuffix(".0") for cell in xlsx_row[2:5]] == [
            _plain(cell) for cell in page[2:5]
        ]
    # The chart draws the spend the table shows (rows of one need added), nothing hidden.
    for need, drawn in zip(chart["labels"], chart["datasets"][0]["data"], strict=True):
        shown = [_plain(r[4]) for r in rows if r[0].startswith(need) and r[4] != "c"]
        assert drawn == (sum(float(v) for v in shown) if shown else None)


def test_a_row_of_ended_placements_is_small_by_its_children(county, manager_client, officer_client):
    url = "/dashboards/spend/?fy=2024&district=Dover"
    manager, _ = _page_rows(manager_client, url, "need_group")
    officer, _ = _page_rows(officer_client, url, "need_group")

    semh = next(row for row in manager if row[0].startswith("SEMH"))
    assert semh[2:] == ["c", "0", "c", "–"]  # one child, no placement active: spend hidden
    exact = next(row for row in officer if row[0].startswith("SEMH"))
    assert exact[2:5] == ["1", "0", "£24,400"]  # 122 days at £73,000


def test_a_single_placement_row_is_hidden(county, manager_client, officer_client):
    manager, _ = _page_rows(manager_client, "/dashboards/spend/?fy=2024", "ncy")
    officer, _ = _page_rows(officer_client, "/dashboards/spend/?fy=2024", "ncy")
    assert [row for row in manager if row[0] == "Year 13"][0][2:] == ["c", "c", "c"]
    assert [row for row in officer if row[0] == "Year 13"][0][2:] == ["1", "1", "£36,500"]


def test_districts_subtracted_from_the_county_recover_nothing(county, manager_client):
    tables = {
        district: _csv(
            manager_client, f"/dashboards/spend/need_group.csv?fy=2024&district={district}"
        )[1:]
        for district in ("", "Ashford", "Dover", "Canterbury")
    }
    special = {
        district: next(
            (row for row in rows if row[0].startswith("ASD") and row[1] == SPECIAL), None
        )
        for district, rows in tables.items()
    }
    assert special["Ashford"][2:5] == ["c", "c", "c"]
    # Another district (or the county) is hidden with it: no subtraction gives Ashford's.
    hidden = [district for district, row in special.items() if row and row[2] == "c"]
    assert len(hidden) >= 2
    # Every figure shown is rounded: to 5 children and placements, to £5,000.
    for rows in tables.values():
        for row in rows:
            for count in row[2:4]:
                assert count == "c" or int(count) % 5 == 0
            assert row[4] == "c" or Decimal(row[4]) % 5000 == 0
    everything = str(tables)
    assert "75549" not in everything
    assert "18887" not in everything


def test_a_hidden_providers_spend_keeps_no_rank(county, manager_client, officer_client):
    manager, _ = _page_rows(manager_client, "/dashboards/providers/?fy=2024", "concentration")
    officer, _ = _page_rows(officer_client, "/dashboards/providers/?fy=2024", "concentration")
    assert [row[0] for row in officer] == ["1", "2"]  # Cedar, then Birch (two children)
    for row in manager:
        if row[3] == "c":
            assert row[0] == "c"
    shown = [row for row in manager if row[3] != "c"]
    assert [row[0] for row in shown] == [str(rank) for rank in range(1, len(shown) + 1)]
    assert [row[3] == "c" for row in manager] == sorted(row[3] == "c" for row in manager)


def test_casework_months_with_many_consultations_are_shown(manager_client, officer_client):
    """24, 12 and 31 consultations in September to November 2026, a few declined in each."""
    provider = ProviderFactory()
    for month, count in ((9, 24), (10, 12), (11, 31)):
        for index in range(count):
            ConsultationFactory(
                provider=provider,
                sent_on=dt.date(2026, month, 1 + index % 20),
                response=Consultation.Response.DECLINE
                if index < 2
                else Consultation.Response.AWAITING,
            )
    services.snapshots_recompute(as_of=dt.date(2026, 12, 7))

    manager, _ = _page_rows(manager_client, "/dashboards/casework/?fy=2026", "months")
    officer, _ = _page_rows(officer_client, "/dashboards/casework/?fy=2026", "months")
    assert [row[1] for row in officer] == ["24", "12", "31"]
    assert [row[1] for row in manager] == ["25", "10", "30"]  # rounded to 5, not hidden
    assert [row[3] for row in manager] == ["c", "c", "c"]  # two declines each: small
