"""Write the hostile files of bench/README.md "Hostile files" into a folder.

    python bench/make_hostile_files.py /tmp/hostile

- zip-bomb.xlsx: a sheet that inflates to 2 GB, in about 2 MB;
- long-cells.xlsx: 100,000 children whose first name is one 30,000-character text, kept once in
  the shared strings table as Excel keeps it (a few hundred KB);
- too-many-rows.csv: 250,001 children, one row over IMPORT_MAX_ROWS;
- bad-rows.csv: 200,000 children, every one with a bad date (200,000 errors, 1,000 kept).
"""

from __future__ import annotations

import csv
import sys
import zipfile
from pathlib import Path

HEADER = ["child_ref", "first_name", "last_name", "date_of_birth", "sex"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _package(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr(
        "_rels/.rels",
        f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
    )
    archive.writestr(
        "xl/workbook.xml",
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
    )
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        f'<Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
    )


def zip_bomb(path: Path, megabytes: int = 2048) -> None:
    block = b"0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _package(archive)
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(block)


def long_cells(path: Path, rows: int = 100_000) -> None:
    texts = [*HEADER, "x" * 30_000, "Taylor", "2012-03-14", "M"]
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _package(archive)
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{items}</sst>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            header = "".join(f'<c r="{"ABCDE"[i]}1" t="s"><v>{i}</v></c>' for i in range(5))
            member.write(f'<row r="1">{header}</row>'.encode())
            for number in range(2, rows + 2):
                cells = f'<c r="A{number}" t="inlineStr"><is><t>L{number}</t></is></c>'
                cells += "".join(
                    f'<c r="{"BCDE"[i]}{number}" t="s"><v>{i + 5}</v></c>' for i in range(4)
                )
                member.write(f'<row r="{number}">{cells}</row>'.encode())
            member.write(b"</sheetData></worksheet>")


def csv_rows(path: Path, rows: int, date_of_birth: str) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(rows):
            writer.writerow([f"H{number:06d}", "Sam", "Taylor", date_of_birth, "M"])


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    folder.mkdir(parents=True, exist_ok=True)
    zip_bomb(folder / "zip-bomb.xlsx")
    long_cells(folder / "long-cells.xlsx")
    csv_rows(folder / "too-many-rows.csv", 250_001, "2012-03-14")
    csv_rows(folder / "bad-rows.csv", 200_000, "not a date")
    for path in sorted(folder.iterdir()):
        print(f"{path.name}: {path.stat().st_size:,} bytes")
