"""Where a page's time goes: each benchmarked page once (after a warm-up), signed in, with its
wall clock, query count and slowest queries. A tool for finding what to fix, not a measurement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sen_bench_national \\
        python bench/profile_pages.py [--pages home,DPS] [--user commissioner] [--top 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", help="only pages whose names contain one of these words")
    parser.add_argument("--user", default="commissioner")
    parser.add_argument("--top", type=int, default=3, help="slowest queries shown per page")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    from bench.run import page_paths_here

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=args.user))
    wanted = [p.strip() for p in args.pages.split(",")] if args.pages else None
    with override_settings(DEBUG=True):
        for name, path in page_paths_here().items():
            if path is None or (wanted and not any(w in name for w in wanted)):
                continue
            client.get(path)
            reset_queries()
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
            queries = sorted(connection.queries, key=lambda q: -float(q["time"]))
            total_sql = sum(float(q["time"]) for q in queries)
            print(
                f"{name}: {response.status_code} in {seconds * 1000:.0f} ms, "
                f"{len(queries)} queries taking {total_sql * 1000:.0f} ms  ({path})"
            )
            for query in queries[: args.top]:
                print(f"    {float(query['time']) * 1000:7.0f} ms  {query['sql'][:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
