from __future__ import annotations

import os

from celery import Celery

# Production's settings unless told otherwise (`make worker`, `make worker-imports` and
# `make beat` name the local ones).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The audit log's nightly prune lives beside core.audit (core/audit_tasks.py).
app.autodiscover_tasks(["core"], related_name="audit_tasks")
