"""How long the product keeps the files it writes: one rule for every file.

Everything the product writes to disk lives under MEDIA_ROOT: uploads and errors files of
imports (imports/), the SEN2 XML, working extract and list of records of each check (sen2/,
names, dates of birth and UPNs), the register downloads (exports/). `kept_files_expire` (a beat
task every night) deletes every file there written more than FILE_RETENTION_DAYS ago, whatever
wrote it, and sends `kept_files_deleted` so apps can mark their rows. The rows (jobs, import
records) stay: their pages say the file was deleted after that many days, and a download of it
answers 404 with a page saying so (core.downloads.kept_file_response).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .signals import kept_files_deleted


def kept_files_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def kept_file_written_at(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)


def kept_files_expire(*, now: dt.datetime | None = None) -> int:
    """Delete every file under MEDIA_ROOT written more than FILE_RETENTION_DAYS ago (by its
    modification time). Returns how many; sends `kept_files_deleted` with their paths, relative
    to MEDIA_ROOT, when there were any."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.FILE_RETENTION_DAYS)
    root = kept_files_root()
    if not root.is_dir():
        return 0
    deleted: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            if kept_file_written_at(path) >= cutoff:
                continue
            path.unlink()
        except FileNotFoundError:  # deleted meanwhile (a failed job tidying its partial file)
            continue
        deleted.append(path.relative_to(root).as_posix())
    if deleted:
        kept_files_deleted.send(sender=None, paths=deleted)
    return len(deleted)
