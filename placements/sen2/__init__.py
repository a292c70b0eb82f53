"""The SEN2 person-level return a council submits to DfE through COLLECT each January.

`build_return` reads the records in scope for a census date (`records.py`), writes the XML
(`document.py`) and checks it against the schema (`sen2.xsd`) and the record rules
(`checks.py`). The specification followed is `spec_items.csv`; docs/sen2.md maps every item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from lxml import etree

from . import checks, document, records, spec
from .checks import RULES, Issue
from .records import Node

__all__ = ["RULES", "Issue", "Node", "Sen2Return", "build_return", "prepare_return"]


@dataclass
class Sen2Return:
    census_date: dt.date
    la_code: str
    persons: list[Node]
    tree: etree._ElementTree
    schema_errors: list[str]
    issues: list[Issue]

    @property
    def valid(self) -> bool:
        return not self.schema_errors and not self.issues

    @property
    def issue_counts(self) -> dict[str, int]:
        return checks.counts(self.issues)

    def to_bytes(self) -> bytes:
        return document.to_bytes(self.tree)


def prepare_return(
    census_date: dt.date | None = None,
    la_code: str | None = None,
    *,
    year: int | None = None,
    serial_no: int = 1,
    generated_at: dt.datetime | None = None,
    progress: records.Progress | None = None,
) -> Sen2Return:
    """The return for a census date (default: DfE's census day of `year`, or of the collection
    being prepared), with its schema errors and the records that break a rule. `progress`
    (done, total, message) is told how the reading of records is going."""
    if census_date is None:
        census_date = (
            spec.census_day(year)
            if year is not None
            else spec.default_census_day(timezone.localdate())
        )
    la_code = settings.COUNCIL_LA_CODE if la_code is None else la_code
    persons = records.collect(census_date, progress=progress)
    if progress:
        progress(len(persons), len(persons), "Writing the XML and checking it")
    tree = document.write(
        persons,
        census_date=census_date,
        la_code=la_code,
        serial_no=serial_no,
        generated_at=generated_at or timezone.localtime(),
        la_level={
            "DMO": settings.SEN2_DMO,
            "DCO": settings.SEN2_DCO,
            "DSCO": settings.SEN2_DSCO,
        },
    )
    return Sen2Return(
        census_date=census_date,
        la_code=la_code,
        persons=persons,
        tree=tree,
        schema_errors=document.schema_errors(tree),
        issues=checks.check(persons, census_date=census_date, la_code=la_code),
    )


def build_return(
    census_date: dt.date | None = None,
    la_code: str | None = None,
    *,
    year: int | None = None,
    serial_no: int = 1,
    generated_at: dt.datetime | None = None,
) -> etree._ElementTree:
    """The return's XML tree (see `prepare_return` for the checks that go with it)."""
    return prepare_return(
        census_date, la_code, year=year, serial_no=serial_no, generated_at=generated_at
    ).tree
