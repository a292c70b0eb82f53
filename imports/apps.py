from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"

    def ready(self) -> None:
        from core.signals import jobs_reaped, kept_files_deleted

        from .services import imports_fail_reaped, uploads_forget

        def on_jobs_reaped(sender: object, job_ids: list[int], **kwargs: object) -> None:
            imports_fail_reaped(job_ids=job_ids)

        jobs_reaped.connect(on_jobs_reaped, dispatch_uid="imports-fail-reaped", weak=False)

        def on_kept_files_deleted(sender: object, paths: list[str], **kwargs: object) -> None:
            uploads_forget(paths=paths)

        kept_files_deleted.connect(
            on_kept_files_deleted, dispatch_uid="imports-forget-uploads", weak=False
        )
