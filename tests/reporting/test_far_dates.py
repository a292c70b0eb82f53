"""A date stored before the forms kept to the one date range (a block contract ending on
9999-12-31, a placement starting in year 1) no longer stops every dashboard recompute: the
loader clips dates to that range, and the figures are fresh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.models import Job
from dps.models import BlockContract
from placements.models import Placement
from reporting import loader, services
from reporting.models import DashboardSnapshot
from tests.factories import BlockContractFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 31)


@pytest.fixture
def far_dates():
    """Two placements at Alder, and a block contract of 4 places there stored as ending on
    9999-12-31 (written past the forms, as before they checked the year)."""
    alder = ProviderFactory(name="Alder School")
    for _ in range(2):
        PlacementFactory(provider=alder, start_date=dt.date(2024, 9, 1))
    contract = BlockContractFactory(
        provider=alder,
        places_reserved=4,
        price_per_place=Decimal("30000"),
        start_date=dt.date(2024, 9, 1),
    )
    BlockContract.objects.filter(pk=contract.pk).update(end_date=dt.date(9999, 12, 31))
    odd = PlacementFactory(start_date=dt.date(2024, 9, 1))
    Placement.objects.filter(pk=odd.pk).update(
        start_date=dt.date(1, 1, 1), end_date=dt.date(9999, 12, 31)
    )
    return contract


def test_the_loader_clips_a_far_date_to_the_one_range(far_dates):
    contracts = loader.load_block_contracts()
    assert contracts["end_date"].tolist() == [dt.datetime(2100, 12, 31)]
    placements = loader.load_placements()
    assert placements["start_date"].min() == dt.datetime(1990, 1, 1)
    assert placements["end_date"].max() == dt.datetime(2100, 12, 31)
    assert placements["end_date"].isna().sum() == 2  # open placements stay open


def test_recompute_succeeds_with_a_far_date_stored_and_the_figures_are_fresh(
    far_dates, manager_client, django_capture_on_commit_callbacks
):
    services.snapshots_recompute(as_of=AS_OF)
    before = DashboardSnapshot.objects.get(dashboard="providers", as_of=AS_OF).computed_at
    PlacementFactory(provider=far_dates.provider, start_date=dt.date(2025, 1, 6))

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/dashboards/recompute/")

    job = Job.objects.get(kind="recompute")
    assert job.status == "succeeded", job.result
    snapshot = DashboardSnapshot.objects.filter(dashboard="providers").latest("computed_at")
    assert snapshot.computed_at > before
    (row,) = snapshot.data["tables"]["block_contracts"]
    assert row["places_reserved"] == 4
    assert row["places_used"] == 3  # the placement added since the last recompute counts
    assert manager_client.get(response.url).status_code == 200
    assert manager_client.get("/dashboards/providers/").status_code == 200
