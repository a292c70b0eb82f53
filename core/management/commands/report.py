from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core import calendar, downloads
from core.errors import DomainError
from core.registry import REPORTS, autodiscover


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"'{text}' is not a date as YYYY-MM-DD") from error


def _academic_year(text: str) -> int:
    try:
        return calendar.parse_academic_year(text)
    except ValueError as error:
        raise CommandError(f"'{text}' {error}") from error


class Command(BaseCommand):
    help = "Print a report as CSV or JSON. Names: " + ", ".join(sorted(REPORTS)) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The report to print")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD, inclusive")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD, inclusive")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD")
        parser.add_argument("--fy", help="Financial year by its starting year, e.g. 2024")
        parser.add_argument("--ay", help="Academic year by its starting year, e.g. 2025")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--scenario")
        parser.add_argument(
            "--suppress", action="store_true", help="Apply small-number suppression"
        )

    def handle(self, *args: str, **options: Any) -> None:
        autodiscover()
        name = options["name"]
        if name not in REPORTS:
            raise CommandError(
                f"Unknown report '{name}'. Choose from: {', '.join(sorted(REPORTS))}"
            )
        as_of = _date(options["as_of"]) if options["as_of"] else None
        if options["fy"]:
            try:
                fy = calendar.parse_financial_year(options["fy"])
            except ValueError as error:
                raise CommandError(str(error)) from error
        else:
            fy = calendar.financial_year_of(as_of or timezone.localdate())
        kwargs = {
            "date_from": _date(options["date_from"]) if options["date_from"] else None,
            "date_to": _date(options["date_to"]) if options["date_to"] else None,
            "as_of": as_of,
            "fy": fy,
            "ay": _academic_year(options["ay"]) if options["ay"] else None,
            "top": options["top"],
            "scenario": options["scenario"],
            "suppress": options["suppress"],
        }
        try:
            result = REPORTS[name].build(**kwargs)
        except DomainError as error:
            raise CommandError("; ".join(error.messages)) from error
        if options["format"] == "json":
            self.stdout.write(downloads.rows_to_json(result))
        else:
            self.stdout.write(downloads.rows_to_csv(result, REPORTS[name].money_fields), ending="")
