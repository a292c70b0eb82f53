"""Make a large `placements` import file for the import benchmark.

    DATABASE_URL=postgres://… python bench/make_placements_file.py big.csv --rows 100000

Creates, if they are not there yet, the children (`BENCH000001`…) and providers (URN 900001…)
the file refers to, with bulk inserts, then writes ROWS placements: each child has
PER_CHILD consecutive placements (each ends the day before the next starts, the last one
open), so the file is valid and every row is new. Then time the import, e.g.

    /usr/bin/time -v python manage.py import_data placements big.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--per-child", type=int, default=4, help="placements per child")
    parser.add_argument("--providers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="first delete the BENCH children's placements (a benchmark database only), so "
        "every row of the file is new again",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from placements import rules
    from placements.exports import PLACEMENT_COLUMNS
    from placements.models import Child, Placement, Provider

    rng = random.Random(args.seed)
    if args.fresh:
        Placement.objects.filter(child__child_ref__startswith="BENCH").delete()
    children_needed = -(-args.rows // args.per_child)
    refs = [f"BENCH{i:06d}" for i in range(1, children_needed + 1)]
    have = set(
        Child.objects.filter(child_ref__startswith="BENCH").values_list("child_ref", flat=True)
    )
    Child.objects.bulk_create(
        [
            Child(
                child_ref=ref,
                first_name="Bench",
                last_name=f"Child {ref[5:]}",
                date_of_birth=dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(3650)),
                sex=rng.choice("FM"),
                district="Benchshire",
            )
            for ref in refs
            if ref not in have
        ],
        batch_size=5000,
    )
    urns = [900_001 + i for i in range(args.providers)]
    have_urns = set(Provider.objects.filter(urn__in=urns).values_list("urn", flat=True))
    types = ["Other independent special school", "Community special school", "Community school"]
    new_providers = []
    for urn in urns:
        if urn in have_urns:
            continue
        kind = rng.choice(types)
        new_providers.append(
            Provider(
                urn=urn,
                name=f"Bench School {urn}",
                establishment_type=kind,
                setting_group=rules.setting_group_for_establishment_type(kind),
            )
        )
    Provider.objects.bulk_create(new_providers, batch_size=5000)

    patterns = ["day", "day", "day", "weekly", "52-week"]
    reasons = ["no_local_provision", "parental_request", "tribunal_order", ""]
    written = 0
    with open(args.output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PLACEMENT_COLUMNS)
        for ref in refs:
            start = dt.date(2015, 9, 1) + dt.timedelta(days=rng.randrange(365))
            for n in range(args.per_child):
                if written >= args.rows:
                    break
                last = n == args.per_child - 1 or written == args.rows - 1
                end = None if last else start + dt.timedelta(days=rng.randrange(200, 700))
                writer.writerow(
                    [
                        ref,
                        rng.choice(urns),
                        "srp" if rng.random() < 0.05 else "",
                        start.isoformat(),
                        end.isoformat() if end else "",
                        f"£{rng.randrange(15_000, 90_000):,}.00",
                        rng.choice(["", "0", "4500", "12,000.50"]),
                        rng.choice(patterns),
                        rng.choice(reasons),
                    ]
                )
                written += 1
                if end:
                    start = end + dt.timedelta(days=1)
    print(f"Wrote {written:,} placements for {len(refs):,} children to {args.output}")


if __name__ == "__main__":
    main()
