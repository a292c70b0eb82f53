"""A real Celery worker on Redis reaches the same database as the web process."""

from __future__ import annotations

import pytest

from placements.tasks import ping_database
from tests.factories import ChildFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_counts_the_children_the_test_committed(celery_worker_process):
    ChildFactory.create_batch(3)

    assert ping_database.delay().get(timeout=30) == 3
