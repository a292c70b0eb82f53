"""Writes for sufficiency: its snapshot, scenarios and planned places (docs/sufficiency.md).

The snapshot holds the fitted model, so a scenario is computed from it in milliseconds on save
without reading the children's records again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, StaleEditError, full_clean_or_raise, refuse_duplicate
from core.history import history_user_set, save_as
from core.idempotency import submit_once
from placements.models import Provider

from . import loader, sufficiency
from .models import DashboardSnapshot, PlannedPlaces, SufficiencyScenario
from .sufficiency_models import EHCP_CHANGE_LIMIT, EHCP_CHANGE_OUT_OF_RANGE

DASHBOARD = "sufficiency"
SCENARIO_TAKEN = "There is already a scenario with this name"


PROVIDER_COLUMNS = [
    "setting_group",
    "low_age",
    "high_age",
    "capacity",
    "resourced_provision_capacity",
]


def _ehcp_change_errors(
    percent: Decimal | None, from_year: int | None, full_by: int | None
) -> dict[str | None, list[str]]:
    """A change in the rate of new EHCPs is within EHCP_CHANGE_LIMIT either way, and needs the
    year it starts, and its full effect (when phased in) in or after that year."""
    errors: dict[str | None, list[str]] = {}
    has_change = percent is not None
    if percent is not None and not abs(percent) <= EHCP_CHANGE_LIMIT:
        errors["ehcp_change_percent"] = [EHCP_CHANGE_OUT_OF_RANGE]
    if has_change and not from_year:
        errors["ehcp_change_from_year"] = ["Enter the academic year the change starts"]
    if has_change and full_by and from_year and full_by < from_year:
        errors["ehcp_change_full_by"] = ["The full effect must be in or after the starting year"]
    return errors


def _places(records: Any) -> tuple[sufficiency.Places, ...]:
    return tuple(
        sufficiency.Places(
            group=p.setting_group,
            phase=p.phase,
            academic_year=p.academic_year,
            places=float(p.places),
            need=p.need or None,
        )
        for p in records
    )


def _council_plan() -> tuple[sufficiency.Places, ...]:
    return _places(PlannedPlaces.objects.filter(scenario__isnull=True).order_by("id"))


@dataclass(frozen=True)
class Preset:
    """A read-only scenario the product ships: the council's assumptions, written out, which a
    manager copies into a scenario of their own to change."""

    slug: str
    name: str
    summary: str
    assumptions: tuple[str, ...]
    ehcp_change_percent: Decimal
    ehcp_change_from_year: int
    ehcp_change_full_by: int | None = None
    ehcp_change_need: str = ""
    ehcp_change_phase: str = ""

    def scenario(self) -> sufficiency.Scenario:
        return sufficiency.Scenario(
            ehcp_changes=(
                sufficiency.EHCPChange(
                    percent=float(self.ehcp_change_percent),
                    from_year=self.ehcp_change_from_year,
                    need=self.ehcp_change_need or None,
                    phase=self.ehcp_change_phase or None,
                    full_by=self.ehcp_change_full_by,
                ),
            )
        )


WHITE_PAPER = Preset(
    slug="white-paper-2026",
    name="Schools White Paper, February 2026",
    summary="EHCPs reserved for the most complex needs, phased in to 2029/30.",
    assumptions=(
        "These figures are the council's assumptions about the Schools White Paper of "
        "February 2026, not national statistics: change them in your copy to match your own.",
        "New EHCPs fall by 30% against the mean of the last three years, for every need and "
        "phase, as plans are kept for the most complex needs.",
        "The change is phased in from 2027/28 to its full effect in 2029/30: 10% fewer new "
        "EHCPs in 2027/28, 20% in 2028/29 and 30% from 2029/30.",
        "Children who already have an EHCP keep it; only new EHCPs change.",
        "No places are added: add them to your copy to test new provision as well.",
    ),
    ehcp_change_percent=Decimal("-30"),
    ehcp_change_from_year=2027,
    ehcp_change_full_by=2029,
)
PRESETS = {preset.slug: preset for preset in (WHITE_PAPER,)}


def presets_results(model: sufficiency.Model) -> dict[str, Any]:
    """Each preset's forecast from a fitted model, stored in the snapshot beside the baseline."""
    return {slug: sufficiency.results(model, p.scenario()) for slug, p in PRESETS.items()}


def sufficiency_compute(as_of: dt.date, frames: loader.Frames | None = None) -> dict[str, Any]:
    """The sufficiency snapshot's data for `as_of` (one of reporting.services.DASHBOARDS), from
    the recompute's `frames` (read afresh without them)."""
    frames = frames or loader.load_all()
    providers = frames.providers
    open_providers = providers[providers["status"] == Provider.Status.OPEN].rename(
        columns={"group": "setting_group"}
    )
    data = sufficiency.build(
        frames.children[["child_id", "date_of_birth"]],
        frames.ehcps,
        frames.placements,
        open_providers[PROVIDER_COLUMNS].reset_index(drop=True),
        as_of,
        planned=_council_plan(),
    )
    data["presets"] = presets_results(sufficiency.model_from_json(data["model"]))
    return data


def _scenario_model(scenario: SufficiencyScenario) -> sufficiency.Scenario:
    changes: tuple[sufficiency.EHCPChange, ...] = ()
    if scenario.ehcp_change_percent is not None and scenario.ehcp_change_from_year:
        changes = (
            sufficiency.EHCPChange(
                percent=float(scenario.ehcp_change_percent),
                from_year=scenario.ehcp_change_from_year,
                need=scenario.ehcp_change_need or None,
                phase=scenario.ehcp_change_phase or None,
                full_by=scenario.ehcp_change_full_by,
            ),
        )
    return sufficiency.Scenario(
        places=_places(scenario.places.order_by("id")), ehcp_changes=changes
    )


def scenario_result(scenario: SufficiencyScenario, snapshot: DashboardSnapshot) -> dict[str, Any]:
    """A scenario's forecast from a snapshot's fitted model (milliseconds; nothing is stored)."""
    model = sufficiency.model_from_json(snapshot.data["model"])
    return sufficiency.results(model, _scenario_model(scenario))


def _scenario_store(scenario: SufficiencyScenario, snapshot: DashboardSnapshot) -> None:
    scenario.result = scenario_result(scenario, snapshot)
    scenario.as_of = snapshot.as_of
    scenario.computed_at = timezone.now()
    scenario.save(update_fields=["result", "as_of", "computed_at"])


def _latest_snapshot() -> DashboardSnapshot | None:
    return (
        DashboardSnapshot.objects.filter(dashboard=DASHBOARD)
        .order_by("-as_of", "-computed_at")
        .first()
    )


def sufficiency_scenarios_refresh(*, snapshot: DashboardSnapshot | None = None) -> int:
    """Recompute every scenario against the latest sufficiency snapshot (after a recompute)."""
    snapshot = snapshot or _latest_snapshot()
    if snapshot is None:
        return 0
    scenarios = list(SufficiencyScenario.objects.prefetch_related("places"))
    for scenario in scenarios:
        _scenario_store(scenario, snapshot)
    return len(scenarios)


def _year(value: int | None, field: str, label: str) -> None:
    if value is not None and not 2000 <= value <= 2100:
        raise DomainError({field: f"{label} must be a year between 2000 and 2100, like 2026"})


def sufficiency_scenario_create(
    *,
    name: str,
    description: str = "",
    setting_group: str = "",
    need: str = "",
    phase: str = "",
    academic_year: int | None = None,
    places: int | None = None,
    ehcp_change_percent: Decimal | None = None,
    ehcp_change_need: str = "",
    ehcp_change_phase: str = "",
    ehcp_change_from_year: int | None = None,
    ehcp_change_full_by: int | None = None,
    user: User | None,
) -> SufficiencyScenario:
    """A scenario of added places and/or a change in new EHCPs, computed at once from the
    latest sufficiency snapshot (it takes milliseconds: the snapshot holds the fitted model)."""
    name = name.strip()
    errors: dict[str | None, list[str]] = {}
    if not name:
        errors["name"] = ["Enter a name for the scenario"]
    elif SufficiencyScenario.objects.filter(name__iexact=name).exists():
        errors["name"] = [SCENARIO_TAKEN]
    has_places = any(v not in ("", None) for v in (setting_group, phase, academic_year, places))
    if has_places:
        for field, value, message in (
            ("setting_group", setting_group, "Choose the provision the places are in"),
            ("phase", phase, "Choose the phase of the places"),
            ("academic_year", academic_year, "Enter the academic year the places open"),
            ("places", places, "Enter the number of places"),
        ):
            if value in ("", None):
                errors[field] = [message]
    has_change = ehcp_change_percent is not None
    errors.update(
        _ehcp_change_errors(ehcp_change_percent, ehcp_change_from_year, ehcp_change_full_by)
    )
    if not has_places and not has_change and not errors:
        errors[None] = ["Add places, or a change in new EHCPs, or both"]
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        scenario = SufficiencyScenario(
            name=name,
            description=description.strip(),
            ehcp_change_percent=ehcp_change_percent,
            ehcp_change_need=ehcp_change_need if has_change else "",
            ehcp_change_phase=ehcp_change_phase if has_change else "",
            ehcp_change_from_year=ehcp_change_from_year if has_change else None,
            ehcp_change_full_by=ehcp_change_full_by if has_change else None,
            created_by=user,
        )
        full_clean_or_raise(scenario, exclude=["result"])
        with refuse_duplicate({"name": SCENARIO_TAKEN}):
            save_as(scenario, user)
        if has_places and academic_year is not None and places is not None:
            line = PlannedPlaces(
                scenario=scenario,
                setting_group=setting_group,
                need=need,
                phase=phase,
                academic_year=academic_year,
                places=places,
                note=description.strip()[:300],
            )
            full_clean_or_raise(line)
            save_as(line, user)
        snapshot = _latest_snapshot()
        if snapshot is not None:
            _scenario_store(scenario, snapshot)
    return scenario


def _free_name(name: str) -> str:
    """`name`, or `name (copy 2)`, `name (copy 3)`... when a scenario already has it."""
    candidate, number = name, 1
    while SufficiencyScenario.objects.filter(name__iexact=candidate).exists():
        number += 1
        candidate = f"{name} (copy {number})"
    return candidate


def sufficiency_preset_copy(
    *, slug: str, user: User | None, submission_token: uuid.UUID | None = None
) -> SufficiencyScenario:
    """A scenario of the user's own from a preset: its change in new EHCPs and its assumptions
    (as the description), computed at once, to change like any other. Copying twice makes two
    scenarios (`… (copy 2)`); the button's `submission_token` makes a double click one."""
    preset = PRESETS.get(slug)
    if preset is None:
        raise DomainError("There is no preset scenario with that name")
    return submit_once(
        token=submission_token,
        user=user,
        model=SufficiencyScenario,
        create=lambda: _preset_copy(preset, user),
    )


def _preset_copy(preset: Preset, user: User | None) -> SufficiencyScenario:
    with transaction.atomic():
        scenario = SufficiencyScenario(
            name=_free_name(preset.name),
            description="\n".join(preset.assumptions),
            ehcp_change_percent=preset.ehcp_change_percent,
            ehcp_change_need=preset.ehcp_change_need,
            ehcp_change_phase=preset.ehcp_change_phase,
            ehcp_change_from_year=preset.ehcp_change_from_year,
            ehcp_change_full_by=preset.ehcp_change_full_by,
            created_by=user,
        )
        full_clean_or_raise(scenario, exclude=["result"])
        with refuse_duplicate({"name": SCENARIO_TAKEN}):
            save_as(scenario, user)
        snapshot = _latest_snapshot()
        if snapshot is not None:
            _scenario_store(scenario, snapshot)
    return scenario


def planned_places_add(
    *,
    setting_group: str,
    phase: str,
    academic_year: int,
    places: int,
    need: str = "",
    note: str = "",
    user: User | None,
) -> PlannedPlaces:
    """Add places to the council's plan (the baseline). The latest snapshot's baseline and every
    scenario are recomputed from its stored model at once; no children's records are read."""
    line = PlannedPlaces(
        setting_group=setting_group,
        phase=phase,
        academic_year=academic_year,
        places=places,
        need=need,
        note=note.strip(),
    )
    full_clean_or_raise(line)
    with transaction.atomic():
        _cell_check(line)
        with refuse_duplicate(CELL_TAKEN):
            save_as(line, user)
        _baseline_refresh()
    return line


CELL_TAKEN = {
    "academic_year": "There are already planned places for this provision, phase, need and year: "
    "change their line instead"
}


def _cell_check(line: PlannedPlaces) -> None:
    """One line per forecast cell, in the council's plan and in each scenario."""
    clash = PlannedPlaces.objects.filter(
        scenario=line.scenario,
        setting_group=line.setting_group,
        phase=line.phase,
        need=line.need,
        academic_year=line.academic_year,
    )
    if line.pk is not None:
        clash = clash.exclude(pk=line.pk)
    if clash.exists():
        raise DomainError(CELL_TAKEN)


def _baseline_refresh() -> None:
    """The council's plan changed: recompute the latest snapshot's baseline and every scenario
    from its stored model (milliseconds; no children's records are read)."""
    snapshot = _latest_snapshot()
    if snapshot is None:
        return
    data = dict(snapshot.data)
    model = sufficiency.model_from_json(data["model"])
    model.planned = _council_plan()
    data["model"] = sufficiency.model_to_json(model)
    data["baseline"] = sufficiency.results(model)
    data["presets"] = presets_results(model)
    snapshot.data = data
    snapshot.computed_at = timezone.now()
    snapshot.save(update_fields=["data", "computed_at"])
    sufficiency_scenarios_refresh(snapshot=snapshot)


def _places_changed(scenario: SufficiencyScenario | None) -> None:
    """Recompute what a change to planned places moves: the baseline (and so every scenario)
    for the council's plan, or just that scenario for a scenario's own places."""
    if scenario is None:
        _baseline_refresh()
        return
    snapshot = _latest_snapshot()
    if snapshot is not None:
        _scenario_store(scenario, snapshot)


STALE = (
    "Someone else saved this record after you opened it. The form shows their values: "
    "check them and save again."
)


def _check_version(current: int, posted: int) -> None:
    if current != posted:
        raise StaleEditError(STALE)


def _scenario_errors(
    *,
    scenario: SufficiencyScenario | None,
    name: str,
    ehcp_change_percent: Decimal | None,
    ehcp_change_from_year: int | None,
    ehcp_change_full_by: int | None,
) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    clash = SufficiencyScenario.objects.filter(name__iexact=name)
    if scenario is not None:
        clash = clash.exclude(pk=scenario.pk)
    if not name:
        errors["name"] = ["Enter a name for the scenario"]
    elif clash.exists():
        errors["name"] = [SCENARIO_TAKEN]
    errors.update(
        _ehcp_change_errors(ehcp_change_percent, ehcp_change_from_year, ehcp_change_full_by)
    )
    return errors


def sufficiency_scenario_update(
    *,
    scenario_id: int,
    version: int,
    name: str,
    description: str = "",
    ehcp_change_percent: Decimal | None = None,
    ehcp_change_need: str = "",
    ehcp_change_phase: str = "",
    ehcp_change_from_year: int | None = None,
    ehcp_change_full_by: int | None = None,
    user: User | None,
) -> SufficiencyScenario:
    """Rename a scenario or change its change in new EHCPs; its forecast is recomputed at once
    from the latest snapshot, as when it was added. `version` is the one the form showed."""
    name = name.strip()
    with transaction.atomic():
        scenario = SufficiencyScenario.objects.select_for_update().get(pk=scenario_id)
        _check_version(scenario.version, version)
        errors = _scenario_errors(
            scenario=scenario,
            name=name,
            ehcp_change_percent=ehcp_change_percent,
            ehcp_change_from_year=ehcp_change_from_year,
            ehcp_change_full_by=ehcp_change_full_by,
        )
        has_change = ehcp_change_percent is not None
        if not has_change and not errors and not scenario.places.exists():
            errors["ehcp_change_percent"] = [
                "Enter a change in new EHCPs: this scenario has no added places"
            ]
        if errors:
            raise DomainError(errors)
        scenario.name = name
        scenario.description = description.strip()
        scenario.ehcp_change_percent = ehcp_change_percent
        scenario.ehcp_change_need = ehcp_change_need if has_change else ""
        scenario.ehcp_change_phase = ehcp_change_phase if has_change else ""
        scenario.ehcp_change_from_year = ehcp_change_from_year if has_change else None
        scenario.ehcp_change_full_by = ehcp_change_full_by if has_change else None
        full_clean_or_raise(scenario, exclude=["result", "version"])
        scenario.version += 1
        with refuse_duplicate({"name": SCENARIO_TAKEN}):
            save_as(scenario, user)
        snapshot = _latest_snapshot()
        if snapshot is not None:
            _scenario_store(scenario, snapshot)
    return scenario


def sufficiency_scenario_delete(*, scenario_id: int, version: int, user: User | None) -> str:
    """Delete a scenario and its own planned places (the baseline does not change). Returns its
    name, for the message."""
    with transaction.atomic():
        scenario = SufficiencyScenario.objects.select_for_update().get(pk=scenario_id)
        _check_version(scenario.version, version)
        for line in scenario.places.all():
            history_user_set(line, user)
            line.delete()
        history_user_set(scenario, user)
        name = scenario.name
        scenario.delete()
    return name


def planned_places_update(
    *,
    line_id: int,
    version: int,
    setting_group: str,
    phase: str,
    academic_year: int,
    places: int,
    need: str = "",
    note: str = "",
    user: User | None,
) -> PlannedPlaces:
    """Change planned places: the council's plan (the baseline and every scenario are
    recomputed) or a scenario's own (that scenario is recomputed)."""
    with transaction.atomic():
        line = PlannedPlaces.objects.select_for_update().get(pk=line_id)
        _check_version(line.version, version)
        line.setting_group = setting_group
        line.phase = phase
        line.academic_year = academic_year
        line.places = places
        line.need = need
        line.note = note.strip()
        full_clean_or_raise(line, exclude=["version"])
        _cell_check(line)
        line.version += 1
        with refuse_duplicate(CELL_TAKEN):
            save_as(line, user)
        _places_changed(line.scenario)
    return line


def planned_places_delete(
    *, line_id: int, version: int, user: User | None
) -> SufficiencyScenario | None:
    """Delete planned places and recompute what they moved. Returns their scenario (None for
    the council's plan), for the page to go back to."""
    with transaction.atomic():
        line = PlannedPlaces.objects.select_for_update().get(pk=line_id)
        _check_version(line.version, version)
        scenario = line.scenario
        history_user_set(line, user)
        line.delete()
        _places_changed(scenario)
    return scenario
