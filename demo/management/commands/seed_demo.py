"""`manage.py seed_demo --size small|kent|national --seed N [--today YYYY-MM-DD]
[--flush | --if-empty]`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.context import SIZES
from demo.generator import DemoDataExists, seed
from demo.writer import has_domain_data

KEPT_MESSAGE = "The database already holds data: keeping it. `make demo-reset` starts again."


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today must be a date such as 2026-11-23, not {text!r}") from error


class Command(BaseCommand):
    help = (
        "Fill the database with a reproducible fictional county of SEN placements: children, "
        "EHCPs, providers, placements, the DPS, consultations, panels and budgets. The same "
        "size, seed and --today always give the same data. Does not create users: run "
        "create_demo_users for those."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="the as-of date the history ends on (default: today)",
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--flush",
            action="store_true",
            help="delete existing children, EHCPs, providers, placements, DPS, panel and budget "
            "rows (and their history) first",
        )
        existing.add_argument(
            "--if-empty",
            action="store_true",
            help="seed only an empty database: when it already holds data, keep it, say so and "
            "exit successfully (what `make demo` does)",
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")

    def handle(self, *args, **options) -> None:
        if options["flush"] and not settings.DEBUG:
            raise CommandError(
                "seed_demo --flush deletes every child, placement, panel and DPS record, so it "
                "runs only with DEBUG on (DJANGO_SETTINGS_MODULE=config.settings.local, as "
                "`make demo-reset` sets). It never runs against a real service's data."
            )
        today = options["today"] or timezone.localdate()
        if options["if_empty"] and has_domain_data():
            self.stdout.write(KEPT_MESSAGE)
            return
        try:
            counts = seed(
                options["size"],
                options["seed"],
                today,
                progress=not options["no_progress"],
                flush=options["flush"],
            )
        except DemoDataExists as error:
            if options["if_empty"]:  # someone else seeded while this was generating
                self.stdout.write(KEPT_MESSAGE)
                return
            raise CommandError(str(error)) from error
        seconds = counts.pop("seconds")
        width = max(len(name) for name in counts)
        lines = [f"  {name:<{width}}  {count:>9,}" for name, count in counts.items()]
        self.stdout.write(
            f"Seeded the {options['size']} demo (seed {options['seed']}, as of {today:%-d %B %Y}) "
            f"in {seconds:.1f} s:\n" + "\n".join(lines)
        )
