from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from imports import parsing
from imports.readers import TableReader
from placements.imports import parse_attendance, parse_need


@pytest.mark.parametrize("text", ["2024-09-02", "02/09/2024", "02-09-2024", " 2024-09-02 "])
def test_dates_in_every_accepted_format_parse(text):
    assert parsing.parse_date(text) == dt.date(2024, 9, 2)


@pytest.mark.parametrize("text", ["2024-13-01", "2/9/24", "next week", "31/02/2024"])
def test_a_bad_date_gives_a_reason(text):
    with pytest.raises(ValueError, match="is not a date"):
        parsing.parse_date(text)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("36000", "36000.00"),
        ("£36,000.50", "36000.50"),
        (" £ 1,234 ", "1234.00"),
        (36000.5, "36000.50"),
    ],
)
def test_money_with_pound_sign_and_thousands_separators_parses(text, amount):
    assert parsing.parse_money(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["-5", "£-5.00", "(5.00)"])
def test_negative_money_is_refused(text):
    with pytest.raises(ValueError, match="must not be negative"):
        parsing.parse_money(text)


@pytest.mark.parametrize("text", ["52-week", "52 week", "52_WEEK", "52-week residential"])
def test_attendance_choices_match_with_spaces_hyphens_and_underscores_alike(text):
    assert parse_attendance(text) == "52_week"


def test_need_codes_in_any_case_and_gias_labels_parse():
    assert parse_need("asd") == "ASD"
    assert parse_need("SEMH - Social, Emotional and Mental Health") == "SEMH"
    with pytest.raises(ValueError, match="is not a need code"):
        parse_need("XYZ")


def test_headers_are_matched_case_insensitively_and_rows_numbered_as_in_the_spreadsheet(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(" Child_Ref ,DISTRICT\nA1,Dover\n,\nA2,Thanet\n", encoding="utf-8")
    reader = TableReader(path)
    assert reader.headers == ["child_ref", "district"]
    rows = list(reader.rows())
    assert [(r.number, r.values["child_ref"]) for r in rows] == [(2, "A1"), (4, "A2")]


def test_utf8_with_bom_and_windows_1252_are_both_read(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffname\nSt Mary’s\n".encode())
    cp = tmp_path / "cp.csv"
    cp.write_bytes("name\nSt Mary’s £\n".encode("cp1252"))
    assert next(TableReader(bom).rows()).values["name"] == "St Mary’s"
    assert next(TableReader(cp).rows()).values["name"] == "St Mary’s £"


def test_chunks_hold_at_most_the_chunk_size(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a\n" + "".join(f"{i}\n" for i in range(25)), encoding="utf-8")
    sizes = [len(chunk) for chunk in TableReader(path, chunk_size=10).chunks()]
    assert sizes == [10, 10, 5]
