"""`python manage.py import_data KIND FILE [--dry-run]`: import one of the council's files."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import DomainError
from imports.registry import import_kinds
from imports.services import import_run


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of one KIND. Writes nothing if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(sorted(import_kinds()))}")
        parser.add_argument("file", help="a CSV (UTF-8 or Windows-1252) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, kind: str, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        bar = tqdm(total=0, unit="row", file=sys.stderr, disable=options["verbosity"] == 0)

        def progress(done: int, total: int, message: str) -> None:
            bar.total = total
            bar.n = done
            bar.set_description(message.split(" ")[0])
            bar.refresh()

        try:
            result = import_run(
                kind=kind,
                path=path,
                filename=path.name,
                user=None,
                dry_run=dry_run,
                progress=progress,
            )
        except DomainError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            bar.close()
        write = self.stdout.write
        verb = "would be" if dry_run else "were"
        write(f"{kind}: {result.rows_read} rows read from {path.name}")
        if result.ok:
            write(f"{result.created} {verb} created, {result.updated} {verb} updated")
        if result.unknown_columns:
            write(f"Unknown columns ignored: {', '.join(result.unknown_columns)}")
        for warning in result.warnings:
            write(f"Warning: {warning}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(error.line())
            count = result.errors_count
            if count > len(result.errors):
                self.stderr.write(f"... and {count - len(result.errors):,} more errors")
            raise CommandError(f"{count:,} error{'s' if count != 1 else ''}: nothing was imported")
        if dry_run:
            write(self.style.SUCCESS("Dry run: the file is good; nothing was written"))
        else:
            write(self.style.SUCCESS("Imported"))
