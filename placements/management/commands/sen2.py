"""`manage.py sen2 --census 2026-01-15 [--out FILE]`: the SEN2 return as COLLECT's XML.

The XML goes to stdout (or FILE); schema errors and the records that break a rule go to stderr,
with counts by rule. The exit status is non-zero when either list is not empty.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placements import sen2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date such as 2026-01-15") from None


class Command(BaseCommand):
    help = "Write the SEN2 person-level return (XML) and list what breaks the specification."

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--census",
            help="Census date YYYY-MM-DD (default: DfE's census day of the collection due next)",
        )
        when.add_argument("--year", type=int, help="Collection year: its DfE census day")
        parser.add_argument("--out", help="Write the XML to this file instead of stdout")
        parser.add_argument("--la", help="3-digit LA number (default: COUNCIL_LA_CODE)")
        parser.add_argument("--serial", type=int, default=1, help="SerialNo (default 1)")

    def handle(self, *args: object, **options: Any) -> None:
        census = _date(options["census"]) if options["census"] else None
        try:
            result = sen2.prepare_return(
                census, options["la"], year=options["year"], serial_no=options["serial"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        data = result.to_bytes()
        if options["out"]:
            Path(options["out"]).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()

        err = self.stderr
        err.write(
            f"SEN2 {result.census_date.year}: census date {result.census_date}, "
            f"LA {result.la_code}, {len(result.persons)} people"
        )
        for line in result.schema_errors:
            err.write(f"schema: {line}")
        for issue in result.issues:
            err.write(f"{issue.rule}: {issue.record}: {issue.module}/{issue.item}: {issue.message}")
        broken = {rule: n for rule, n in result.issue_counts.items() if n}
        for rule, n in broken.items():
            err.write(f"  {n:5d}  {sen2.RULES[rule]} ({rule})")
        if not result.valid:
            raise CommandError(
                f"The return does not validate: {len(result.schema_errors)} schema errors, "
                f"{len(result.issues)} records break a rule"
            )
        err.write("The return validates against the schema and every rule.")
