"""Rows that double submissions saved before the natural keys existed are merged when the keys
are added, so the migrations run on a council's real data (docs/adr/0007-double-submissions.md)."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_repeated_annual_reviews_keep_the_one_the_sen2_return_uses(migrator):
    old = migrator.apply_initial_migration(("placements", "0007_child_search_indexes"))
    Child = old.apps.get_model("placements", "Child")
    EHCP = old.apps.get_model("placements", "EHCP")
    Review = old.apps.get_model("placements", "AnnualReview")
    Transfer = old.apps.get_model("placements", "PhaseTransfer")
    child = Child.objects.create(
        child_ref="DUP1", first_name="A", last_name="B", date_of_birth=dt.date(2012, 1, 1), sex="F"
    )
    plan = EHCP.objects.create(child=child, issue_date=dt.date(2025, 1, 10))
    meeting = dt.date(2025, 10, 1)
    Review.objects.create(ehcp=plan, meeting_date=meeting)
    Review.objects.create(ehcp=plan, meeting_date=meeting)
    latest = Review.objects.create(
        ehcp=plan, meeting_date=meeting, outcome="M", decision_date=dt.date(2025, 10, 20)
    )
    other_day = Review.objects.create(ehcp=plan, meeting_date=dt.date(2024, 10, 1))
    for _ in range(3):
        Transfer.objects.create(ehcp=plan, due_date=dt.date(2026, 2, 15))

    new = migrator.apply_tested_migration(("placements", "0008_plan_events_one_per_date"))
    Review = new.apps.get_model("placements", "AnnualReview")
    Transfer = new.apps.get_model("placements", "PhaseTransfer")

    assert sorted(Review.objects.values_list("pk", flat=True)) == sorted([latest.pk, other_day.pk])
    assert Review.objects.get(pk=latest.pk).outcome == "M"
    assert Transfer.objects.count() == 1


def test_planned_places_repeated_in_one_cell_are_merged_without_moving_the_forecast(migrator):
    old = migrator.apply_initial_migration(("reporting", "0002_sufficiency_scenarios"))
    Places = old.apps.get_model("reporting", "PlannedPlaces")
    Scenario = old.apps.get_model("reporting", "SufficiencyScenario")
    cell = {"setting_group": "srp", "phase": "secondary", "need": "", "academic_year": 2027}
    # A form sent three times (exact copies count once) ...
    first = Places.objects.create(**cell, places=30, note="New unit at Hillside")
    Places.objects.create(**cell, places=30, note="New unit at Hillside")
    Places.objects.create(**cell, places=30, note="New unit at Hillside")
    # ... and a second unit planned in the same cell (added to it).
    Places.objects.create(**cell, places=12, note="Oakfield extension")
    elsewhere = Places.objects.create(**{**cell, "academic_year": 2028}, places=8)
    scenario = Scenario.objects.create(name="More places")
    in_scenario = Places.objects.create(**cell, scenario=scenario, places=5)

    new = migrator.apply_tested_migration(
        ("reporting", "0003_one_scenario_per_name_one_line_per_cell")
    )
    Places = new.apps.get_model("reporting", "PlannedPlaces")

    merged = Places.objects.get(pk=first.pk)
    assert (merged.places, merged.note) == (42, "New unit at Hillside; Oakfield extension")
    assert sorted(Places.objects.values_list("pk", flat=True)) == sorted(
        [first.pk, elsewhere.pk, in_scenario.pk]
    )
