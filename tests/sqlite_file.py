"""Run a test scenario in another process against a real SQLite file.

The tests' own SQLite database lives in memory, where neither locking nor the journal mode
behaves like the file `make demo` uses, and threads cannot share it. A scenario module (run as
`python -m MODULE DB_PATH`) points DATABASE_URL at the file, migrates, runs its threads and
prints one JSON line: what the test then checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_on_sqlite_file(module: str, db_path: Path, *, timeout: int = 300, **extra_env: str) -> dict:
    """The JSON line `python -m module db_path` printed last, with the test settings, no
    PostgreSQL and no broker; fails the test with the end of its stderr when it did not finish."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **extra_env}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    finished = subprocess.run(
        [sys.executable, "-m", module, str(db_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-4000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])
