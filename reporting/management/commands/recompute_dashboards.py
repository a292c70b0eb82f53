from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reporting import services


class Command(BaseCommand):
    help = "Recompute every dashboard snapshot for an as-of date (default today)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of=None, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError as error:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from error
        bar = tqdm(desc="Recomputing dashboards", unit="dashboard", file=self.stderr._out)

        def progress(done: int, total: int, name: str) -> None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(name)
            bar.refresh()

        snapshots = services.snapshots_recompute(as_of=day, progress=progress)
        bar.close()
        self.stdout.write(f"Recomputed {len(snapshots)} dashboard(s) as of {snapshots[0].as_of}.")
