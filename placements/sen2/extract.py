"""The SEN2 working extract: the return's records flattened to one CSV per module, in a zip.

For checking the return in a spreadsheet before it is submitted; it is not the submission (that
is the XML). The check of the return (a job: reading every record takes seconds) writes it beside
the XML, from the same records. The rows are the XML's records, so the codes are the same.
Cells go through core.downloads, so nothing a spreadsheet would run as a formula gets through.
"""

from __future__ import annotations

import io
import zipfile

from core import downloads

from . import spec
from .records import Node

KEYS = ["PersonID", "RequestID"]


def tables(persons: list[Node]) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Module element name → (header, rows); every row starts with PersonID and RequestID."""
    out: dict[str, tuple[list[str], list[list[str]]]] = {
        tag: (KEYS + names, []) for tag, names in spec.MODULES.items()
    }

    def walk(node: Node, person_id: str, request_id: str) -> None:
        request_id = node.context.get("request_id", request_id)
        out[node.tag][1].append([person_id, request_id, *node.items.values()])
        for child in node.children:
            walk(child, person_id, request_id)

    for person in persons:
        walk(person, person.context.get("person_id", ""), "")
    return out


def working_extract_zip(persons: list[Node]) -> bytes:
    """The zip of module CSVs for the return's `persons` (as `prepare_return` read them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for tag, (header, rows) in tables(persons).items():
            archive.writestr(f"sen2_{tag}.csv", downloads.csv_text(header, rows, bom=False))
    return buffer.getvalue()
