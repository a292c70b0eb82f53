"""`make bench`: the product's benchmark against the performance targets (bench/README.md).

On a machine with PostgreSQL and Redis (as CI and the development machines have):

1. seeds the demo county into a fresh database, with time and peak memory;
2. times `recompute_dashboards` end to end, and a hand-written SQL pass computing the same
   spend-by-need and concentration figures (the floor), with their ratio;
3. serves the app with gunicorn (2 workers) and drives it from this process with N concurrent
   signed-in clients (default 20) for a fixed number of requests per page: p50, p95, p99,
   errors and requests per second per page, and the same for a trivial signed-in page;
4. times a 100,000-row placements import with its peak memory, and the SEN2 and register exports;
5. writes bench/results.json and bench/results.md, and prints the table.

    python bench/run.py --size national        # the real test (several minutes)
    python bench/run.py --size kent            # county size, a few minutes
    python bench/run.py --size small --requests 20 --rows 2000   # a quick check of the harness
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
USERNAME, PASSWORD = "commissioner", "demo-password-1"
TARGET_P95_MS = 150.0


@dataclass
class Step:
    name: str
    seconds: float
    peak_mb: float | None = None
    note: str = ""


@dataclass
class PageResult:
    page: str
    path: str
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    statuses: dict[str, int] = field(default_factory=dict)


def _env(
    database: str, *, redis: bool = False, settings: str = "config.settings.bench"
) -> dict[str, str]:
    """The environment of a step. The demo commands refuse to run with DEBUG off, so the seed
    uses the local settings; everything measured runs with DEBUG off."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"{PG}/{database}"
    env["DJANGO_SETTINGS_MODULE"] = settings
    env["PYTHONUNBUFFERED"] = "1"
    if redis:
        env["REDIS_URL"] = REDIS  # tasks are queued (no worker): the step measures itself only
    return env


def timed(
    name: str, args: list[str], env: dict[str, str], note: str = "", *, check: bool = True
) -> Step:
    """Run a command under GNU time for its wall clock and peak resident memory (`check=False`:
    a non-zero exit is recorded, not raised; its output is dropped)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        started = time.perf_counter()
        quiet = {} if check else {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", out.name, *args],
            cwd=ROOT,
            env=env,
            check=check,
            **quiet,
        )
        seconds = time.perf_counter() - started
        peak_kb = int(out.read().strip().splitlines()[-1])
    step = Step(name, round(seconds, 2), round(peak_kb / 1024, 1), note)
    print(f"  {name}: {step.seconds} s, peak {step.peak_mb} MB", flush=True)
    return step


def manage(*args: str) -> list[str]:
    return [PYTHON, "manage.py", *args]


def fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- 2. The SQL floor ------------------------------------------------------------------


FLOOR_SQL = """
WITH period AS (
    SELECT %(start)s::date AS s, %(end)s::date AS e, %(days)s::numeric AS d, %(as_of)s::date AS a
),
needs AS (
    SELECT DISTINCT ON (child_id) child_id, primary_need_id AS need
    FROM placements_ehcp
    ORDER BY child_id, COALESCE(request_date, issue_date) DESC NULLS LAST, id DESC
),
placed AS (
    SELECT pr.urn, pr.name, n.need,
           COALESCE(NULLIF(p.setting_type, ''), pr.setting_group) AS grp,
           (p.annual_cost + p.additional_cost) AS cost,
           (p.start_date <= period.a AND (p.end_date IS NULL OR p.end_date >= period.a)) AS active,
           (p.annual_cost + p.additional_cost)
             * (LEAST(COALESCE(p.end_date, period.e), period.e)
                - GREATEST(p.start_date, period.s) + 1) / period.d AS spend
    FROM placements_placement p
    JOIN placements_provider pr ON pr.id = p.provider_id
    LEFT JOIN needs n ON n.child_id = p.child_id
    CROSS JOIN period
    WHERE NOT p.withdrawn AND p.start_date <= period.e
      AND (p.end_date IS NULL OR p.end_date >= period.s)
)
SELECT 'spend' AS kind, need, grp, NULL::integer AS urn, NULL::text AS name,
       COUNT(*) FILTER (WHERE active) AS placements, SUM(spend) AS spend,
       AVG(cost) FILTER (WHERE active) AS avg_cost
FROM placed GROUP BY need, grp
UNION ALL
SELECT * FROM (
    SELECT 'concentration', NULL, NULL, urn, name, COUNT(*) FILTER (WHERE active), SUM(spend),
           AVG(cost) FILTER (WHERE active)
    FROM placed WHERE grp = 'inmss' GROUP BY urn, name ORDER BY SUM(spend) DESC, urn LIMIT 10
) AS top
"""


def sql_floor(database: str, as_of: dt.date) -> Step:
    import psycopg

    fy = as_of.year if as_of.month >= 4 else as_of.year - 1
    start, end = dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)
    params = {"start": start, "end": end, "days": (end - start).days + 1, "as_of": as_of}
    with psycopg.connect(f"{PG}/{database}") as conn:
        started = time.perf_counter()
        rows = conn.execute(FLOOR_SQL, params).fetchall()
        seconds = time.perf_counter() - started
    step = Step("SQL floor: spend by need and concentration", round(seconds, 2), None)
    step.note = f"{len(rows)} rows"
    print(f"  {step.name}: {step.seconds} s ({step.note})", flush=True)
    return step


# --- 3. Load ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_paths_here() -> dict[str, str | None]:
    """One real URL per page, from the seeded data (None where the page does not exist yet).
    Needs Django set up against the benchmark's database."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from panel.models import Meeting
    from placements.models import Child, Provider

    def url(name: str, *args: object, query: str = "") -> str | None:
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    child = Child.objects.filter(ehcps__isnull=False).order_by("id").first()
    provider = Provider.objects.annotate(n=Count("placements")).order_by("-n").first()
    meeting = Meeting.objects.annotate(n=Count("requests")).order_by("-n").first()
    surname = child.last_name[:4] if child else "a"
    paths = {
        "trivial signed-in page": url("session_status"),
        "home": url("home"),
        "children search by name": url("placements:child_list", query=f"?q={surname}"),
        "child page": child and url("placements:child_detail", child.child_ref),
        "provider page": provider and url("placements:provider_detail", provider.urn),
        "placements register": url("placements:placement_list"),
        "panel meeting page": meeting and url("panel:meeting_detail", meeting.pk),
        "panel summary": url("panel:summary"),
        "DPS search with filters": child
        and url("dps:search", query=f"?child={child.child_ref}&max_km=30"),
    }
    for slug in ["budget", "spend", "providers", "growth", "new-placements", "casework"]:
        paths[f"dashboard: {slug}"] = url("reporting:dashboard", slug)
    paths["dashboard: sufficiency"] = url("reporting:sufficiency")
    return paths


def page_paths(database: str) -> dict[str, str | None]:
    """`page_paths_here`, run in a process set up against `database`."""
    script = (
        "import json, sys, django; sys.path.insert(0, '.'); django.setup(); "
        "from bench.run import page_paths_here; print(json.dumps(page_paths_here()))"
    )
    out = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=_env(database), check=True, capture_output=True
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


async def _sign_in(client) -> None:  # noqa: ANN001 - an httpx.AsyncClient
    page = await client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    response = await client.post(
        "/accounts/login/",
        data={
            "username": USERNAME,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": str(client.base_url) + "/accounts/login/"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"Could not sign in as {USERNAME}: HTTP {response.status_code}")


async def _drive(base: str, path: str, clients: int, requests: int) -> PageResult:
    import httpx

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(requests):
        queue.put_nowait(index)

    async def one_client(client) -> None:  # noqa: ANN001
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                response = await client.get(path)
                status = str(response.status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

    limits = httpx.Limits(max_connections=clients)
    sessions = [httpx.AsyncClient(base_url=base, timeout=60, limits=limits) for _ in range(clients)]
    try:
        await asyncio.gather(*(_sign_in(client) for client in sessions))
        for client in sessions:  # one warm-up request each, not counted
            await client.get(path)
        started = time.perf_counter()
        await asyncio.gather(*(one_client(client) for client in sessions))
        elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*(client.aclose() for client in sessions))
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    errors = sum(n for status, n in statuses.items() if status != "200")
    return PageResult(
        page="",
        path=path,
        requests=len(ordered),
        errors=errors,
        p50_ms=round(statistics.median(ordered), 1),
        p95_ms=percentile(95),
        p99_ms=percentile(99),
        rps=round(len(ordered) / elapsed, 1),
        statuses=statuses,
    )


async def _download(base: str, path: str) -> tuple[float, int, int]:
    """One signed-in download, read to the end: seconds, status and bytes."""
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        await _sign_in(client)
        started = time.perf_counter()
        response = await client.get(path)
        return time.perf_counter() - started, response.status_code, len(response.content)


EXPORTS = {
    # Above 100,000 placements these answer with the page offering the job (timed in step 4).
    "placements register download (CSV)": "/placements/export/?format=csv",
    "placements register download (XLSX)": "/placements/export/?format=xlsx",
}
REGISTER_EXPORT_JOB = (
    "from core.services import job_create; "
    "from placements import exports; "
    "job = job_create(kind=exports.REGISTER_EXPORT_JOB, user=None, result={}); "
    "print(exports.register_export_run(job_id=job.pk)); "
    "exports.export_file(job).unlink()"
)


def load(
    database: str, clients: int, requests: int, pages: list[str] | None = None
) -> tuple[list[PageResult], list[str], list[Step]]:
    port = free_port()
    env = _env(database)
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    results, missing, exports = [], [], []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        for page, path in page_paths(database).items():
            wanted = pages is None or page.startswith("trivial") or any(p in page for p in pages)
            if not wanted:
                continue
            if not path:
                missing.append(page)
                print(f"  {page}: no such page yet, skipped", flush=True)
                continue
            result = asyncio.run(_drive(base, path, clients, requests))
            result.page = page
            results.append(result)
            print(
                f"  {page}: p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, "
                f"{result.rps} req/s, {result.errors} errors",
                flush=True,
            )
        for name, path in EXPORTS.items() if pages is None else ():
            try:
                seconds, status, size = asyncio.run(_download(base, path))
            except Exception as error:  # a failed download is a result, not the end of the run
                exports.append(Step(name, 0, None, f"failed: {type(error).__name__}: {error}"))
                print(f"  {name}: failed ({error})", flush=True)
                continue
            note = f"HTTP {status}, {size / 1024 / 1024:,.1f} MB"
            exports.append(Step(name, round(seconds, 2), None, note))
            print(f"  {name}: {seconds:.2f} s ({note})", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results, missing, exports


# --- 5. Report -------------------------------------------------------------------------


def markdown(result: dict) -> str:
    lines = [
        f"# Benchmark: {result['size']} size, {result['date']}",
        "",
        f"{result['machine']}. Command: `{result['command']}`.",
        "",
        "| step | seconds | peak MB | note |",
        "| --- | ---: | ---: | --- |",
    ]
    for step in result["steps"]:
        peak = "" if step["peak_mb"] is None else f"{step['peak_mb']:,.0f}"
        lines.append(f"| {step['name']} | {step['seconds']:,.2f} | {peak} | {step['note']} |")
    if result.get("recompute_vs_floor"):
        lines += ["", f"Recompute ÷ SQL floor: {result['recompute_vs_floor']}×."]
    floor = result.get("trivial_p95_ms")
    lines += [
        "",
        f"Load: {result['clients']} concurrent signed-in clients, {result['requests']} requests a "
        f"page, gunicorn with 2 workers. Target: p95 < {TARGET_P95_MS:.0f} ms and within 3× of "
        "the trivial page.",
        "",
        "| page | p50 ms | p95 ms | p99 ms | req/s | errors | p95 ÷ trivial | meets target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in result["pages"]:
        ratio = round(page["p95_ms"] / floor, 1) if floor else None
        meets = (
            page["p95_ms"] < TARGET_P95_MS and (ratio is None or ratio <= 3) and not page["errors"]
        )
        lines.append(
            f"| {page['page']} | {page['p50_ms']} | {page['p95_ms']} | {page['p99_ms']} | "
            f"{page['rps']} | {page['errors']} | {ratio if ratio is not None else ''} | "
            f"{'yes' if meets else 'no'} |"
        )
    if result["missing_pages"]:
        lines += [
            "",
            "Not measured (no such page yet): " + ", ".join(result["missing_pages"]) + ".",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "kent", "national"], default="kent")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the import file")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument(
        "--pages",
        help="only the pages whose names contain one of these words, comma-separated "
        "(e.g. 'trivial,DPS,dashboard'); the trivial page is always measured",
    )
    parser.add_argument(
        "--only-load", action="store_true", help="skip the recompute, import and export steps"
    )
    parser.add_argument("--out", default=str(ROOT / "bench"), help="folder for results")
    args = parser.parse_args()

    database = f"sen_bench_{args.size}"
    env = _env(database)
    queued = _env(database, redis=True)
    steps: list[Step] = []
    print(f"Benchmark at {args.size} size in database {database}", flush=True)

    if not args.skip_seed:
        print("1. Seed", flush=True)
        demo = _env(database, settings="config.settings.local")
        fresh_database(database)
        subprocess.run(manage("migrate", "-v", "0"), cwd=ROOT, env=env, check=True)
        subprocess.run(manage("create_demo_users"), cwd=ROOT, env=demo, check=True)
        steps.append(
            timed(
                f"seed_demo --size {args.size}",
                manage("seed_demo", "--size", args.size, "--seed", "1", "--no-progress"),
                demo,
            )
        )

    recompute = floor = None
    if not args.only_load:
        print("2. Dashboards against the SQL floor", flush=True)
        recompute = timed("recompute_dashboards", manage("recompute_dashboards"), env)
        steps.append(recompute)
        floor = sql_floor(database, dt.date.today())  # noqa: DTZ011 - the recompute's as-of
        steps.append(floor)

    print(f"3. Load: {args.clients} clients, {args.requests} requests a page", flush=True)
    wanted = [p.strip() for p in args.pages.split(",")] if args.pages else None
    pages, missing, exports = load(database, args.clients, args.requests, wanted)
    steps.extend(exports)

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    if args.only_load:
        shutil.rmtree(work)
    else:
        print("4. Import and exports", flush=True)
        try:
            big = work / "placements.csv"
            subprocess.run(
                [
                    PYTHON,
                    "bench/make_placements_file.py",
                    str(big),
                    "--rows",
                    str(args.rows),
                    "--fresh",
                ],
                cwd=ROOT,
                env=env,
                check=True,
            )
            steps.append(
                timed(
                    f"import_data placements ({args.rows:,} rows)",
                    manage("import_data", "placements", str(big), "-v", "0"),
                    queued,
                    note="the recompute it schedules is queued, not run",
                )
            )
            steps.append(
                timed(
                    "placements register as CSV (the job)",
                    manage("shell", "-c", REGISTER_EXPORT_JOB),
                    env,
                    note="the job a register over 100,000 placements is written by",
                )
            )
            steps.append(
                timed(
                    "SEN2 return (XML)",
                    manage("sen2", "--year", str(_census_year()), "--out", str(work / "sen2.xml")),
                    env,
                    note="exit status ignored: rule breaks in demo data",
                    check=False,
                )
                if args.size != "national"
                else Step(
                    "SEN2 return (XML)",
                    0,
                    None,
                    "not run at national size: a return is one council's (see the kent run)",
                )
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)

    trivial = next((p for p in pages if p.page == "trivial signed-in page"), None)
    result = {
        "size": args.size,
        "date": dt.datetime.now().isoformat(timespec="seconds"),  # noqa: DTZ005
        "machine": f"{os.cpu_count()} cores, PostgreSQL at {PG.rsplit('@', 1)[-1]}",
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "clients": args.clients,
        "requests": args.requests,
        "steps": [asdict(s) for s in steps],
        "recompute_vs_floor": (
            round(recompute.seconds / floor.seconds, 1)
            if recompute and floor and floor.seconds
            else None
        ),
        "trivial_p95_ms": trivial.p95_ms if trivial else None,
        "pages": [asdict(p) for p in pages],
        "missing_pages": missing,
    }
    out = Path(args.out)
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    table = markdown(result)
    (out / "results.md").write_text(table)
    print()
    print(table)
    return 0


def _census_year() -> int:
    today = dt.date.today()  # noqa: DTZ011
    return today.year if today.month >= 2 else today.year - 1


if __name__ == "__main__":
    sys.exit(main())
