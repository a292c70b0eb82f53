"""The sufficiency dashboard: places against children with EHCPs, now and forecast, with
scenarios. It reads the stored snapshot and scenario results; it never computes the forecast."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit, calendar, disclosure, downloads, idempotency, money, roles
from core.editing import versioned_save
from core.errors import DomainError
from placements import rules
from reporting import selectors, sufficiency, sufficiency_services
from reporting.models import DashboardSnapshot, PlannedPlaces, SufficiencyScenario
from reporting.sufficiency_forms import (
    GROUP_LABELS,
    FilterForm,
    PlannedPlacesEditForm,
    PlannedPlacesForm,
    ScenarioEditForm,
    ScenarioForm,
    VersionForm,
)
from reporting.sufficiency_report import (
    backtest_rows,
    labelled,
    preset_rows,
    report_rows,
    scenario_cost_rows,
    shown,
    totals,
    whole,
)

COMMITTEE_AIM = 900  # the committee's aim for INMSS placements (from 1,172)
PROVISION_LABELS = {rules.SPECIAL: "Special school", rules.SRP: "SRP"}


def _cost(count: int | str | None, average: float | None) -> float | str | None:
    if count == disclosure.SUPPRESSED:
        return disclosure.SUPPRESSED
    if count is None or average is None:
        return None
    return float(money.round_half_up(Decimal(str(average)) * count, 0))


def _chart_value(value: Any) -> Any:
    return None if value == disclosure.SUPPRESSED else value


def _filters(request: HttpRequest, scenarios: list[SufficiencyScenario]) -> FilterForm:
    form = FilterForm(request.GET, scenarios=[(s.pk, s.name) for s in scenarios])
    form.is_valid()
    return form


def _chosen(form: FilterForm) -> dict[str, Any]:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    return {key: data.get(key) or None for key in ("need", "phase", "group", "scenario")}


def _page(
    data: dict[str, Any],
    scenario: SufficiencyScenario | None,
    chosen: dict[str, Any],
    suppress: bool,
) -> dict[str, Any]:
    base = int(data["base_year"])
    years = list(range(base, base + sufficiency.HORIZON + 1))
    labels = [calendar.academic_year_label(y) for y in years]
    costs: dict[str, float] = data["average_costs"]

    def cost(count: int | str | None, average: float | None) -> Any:
        amount = _cost(count, average)
        if suppress and isinstance(amount, float):
            return float(disclosure.round_money(amount))
        return amount

    need, phase, group = chosen["need"], chosen["phase"], chosen["group"]
    baseline = totals(data["baseline"], need=need, phase=phase)
    result = scenario.result if scenario is not None and scenario.result else None
    chosen_totals = totals(result, need=need, phase=phase) if result else baseline

    def count(source: dict, year: int, grp: str, field: str = "forecast") -> int | None:
        cell = source.get((year, grp))
        return whole(cell[field]) if cell and cell[field] is not None else (
            None if field == "capacity" else 0
        )  # fmt: skip

    # Places against children, for special schools and SRPs (or the chosen group).
    provisions = [group] if group else [rules.SPECIAL, rules.SRP]
    provision_rows = []
    for grp in provisions:
        for year, label in zip(years, labels, strict=True):
            places = count(chosen_totals, year, grp, "capacity")
            children = count(chosen_totals, year, grp)
            children_shown = shown(children, suppress)
            provision_rows.append(
                {
                    "group": grp,
                    "group_label": GROUP_LABELS.get(grp, grp),
                    "year": label,
                    "actual": year == base,
                    "places": places,
                    "children": children_shown,
                    # From the children shown: places less a rounded count reveals no more.
                    "free": (places - children_shown)
                    if places is not None and isinstance(children_shown, int)
                    else None,
                }
            )
    provision_table = []
    for grp in provisions:
        rows = [r for r in provision_rows if r["group"] == grp]
        short = PROVISION_LABELS.get(grp, GROUP_LABELS.get(grp, grp))
        if any(r["places"] is not None for r in rows):
            provision_table.append(
                {"label": f"{short} places", "cells": [r["places"] for r in rows]}
            )
        provision_table.append(
            {"label": f"{short}: children", "cells": [r["children"] for r in rows]}
        )
        if any(r["places"] is not None for r in rows):
            provision_table.append(
                {"label": f"{short}: free places", "cells": [r["free"] for r in rows], "free": True}
            )
    palette_datasets = []
    for grp in provisions:
        rows = [r for r in provision_rows if r["group"] == grp]
        short = PROVISION_LABELS.get(grp, GROUP_LABELS.get(grp, grp))
        if any(r["places"] is not None for r in rows):
            palette_datasets.append(
                {"label": f"{short} places", "data": [r["places"] for r in rows]}
            )
        palette_datasets.append(
            {"label": f"{short}: children", "data": [_chart_value(r["children"]) for r in rows]}
        )
    capacity_chart = {"type": "bar", "labels": labels, "datasets": palette_datasets}

    # INMSS: baseline against the scenario, with cost at today's average annual cost.
    inmss_rows = []
    for year, label in zip(years, labels, strict=True):
        base_count = shown(count(baseline, year, rules.INMSS), suppress)
        scen_count = shown(count(chosen_totals, year, rules.INMSS), suppress) if result else None
        difference = (
            scen_count - base_count
            if isinstance(scen_count, int) and isinstance(base_count, int)
            else None
        )
        inmss_rows.append(
            {
                "year": label,
                "actual": year == base,
                "baseline": base_count,
                "baseline_cost": cost(base_count, costs.get(rules.INMSS)),
                "scenario": scen_count,
                "scenario_cost": cost(scen_count, costs.get(rules.INMSS)) if result else None,
                "difference": difference,
            }
        )
    inmss_datasets = [
        {"label": "Baseline", "data": [_chart_value(r["baseline"]) for r in inmss_rows]}
    ]
    if result and scenario is not None:
        inmss_datasets.append(
            {
                "label": f"Scenario: {scenario.name}",
                "data": [_chart_value(r["scenario"]) for r in inmss_rows],
            }
        )
    inmss_chart = {"type": "line", "labels": labels, "datasets": inmss_datasets}

    # Every setting group by year (the scenario's figures when one is chosen).
    groups = [group] if group else sufficiency.GROUPS
    group_rows = []
    for grp in groups:
        cells = [shown(count(chosen_totals, y, grp), suppress) for y in years]
        if not any(cells):
            continue
        last = cells[-1]
        group_rows.append(
            {
                "group": grp,
                "label": GROUP_LABELS.get(grp, grp),
                "cells": cells,
                "average_cost": costs.get(grp),
                "last_cost": cost(last, costs.get(grp)),
            }
        )
    total_now = sum(
        whole(cell["forecast"]) or 0
        for (year, _grp), cell in chosen_totals.items()
        if year == base and cell["forecast"] is not None
    )
    final = inmss_rows[-1]
    headline = {
        "base_year": calendar.academic_year_label(base),
        "census_day": sufficiency.census_date(base),
        "final_year": labels[-1],
        "children_now": shown(total_now, suppress),
        "inmss_now": inmss_rows[0]["baseline"],
        "inmss_final_baseline": final["baseline"],
        "inmss_final_scenario": final["scenario"],
        "inmss_cost_final_baseline": final["baseline_cost"],
        "inmss_cost_final_scenario": final["scenario_cost"],
        "inmss_difference": final["difference"],
        "inmss_difference_abs": abs(final["difference"])
        if final["difference"] is not None
        else None,
        "cost_difference_abs": (
            abs(final["scenario_cost"] - final["baseline_cost"])
            if isinstance(final["scenario_cost"], float)
            and isinstance(final["baseline_cost"], float)
            else None
        ),
        "cost_difference": (
            final["scenario_cost"] - final["baseline_cost"]
            if isinstance(final["scenario_cost"], float)
            and isinstance(final["baseline_cost"], float)
            else None
        ),
    }
    cost_rows = scenario_cost_rows(data, result, inmss_rows, labels, suppress) if result else []
    headline["net_saving"] = cost_rows[-1]["net_saving"] if cost_rows else None
    headline["net_saving_abs"] = (
        abs(headline["net_saving"]) if isinstance(headline["net_saving"], float) else None
    )
    mape = sorted(data["mape"], key=lambda r: sufficiency.GROUPS.index(r["group"]))
    tested = [r["academic_year"] for r in data["backtest"]]
    last_test = max(tested) if tested else None
    last_errors = {
        r["group"]: round(r["ape"], 1)
        for r in data["backtest"]
        if r["academic_year"] == last_test and r["ape"] is not None
    }
    return {
        "years": labels,
        "headline": headline,
        "provision_rows": provision_rows,
        "provision_table": provision_table,
        "capacity_chart": capacity_chart,
        "inmss_rows": inmss_rows,
        "inmss_chart": inmss_chart,
        "group_rows": group_rows,
        "mape": [
            {
                **r,
                "label": GROUP_LABELS.get(r["group"], r["group"]),
                "mape": round(r["mape"], 1),
                "last": last_errors.get(r["group"]),
            }
            for r in mape
        ],
        "last_test_year": calendar.academic_year_label(last_test) if last_test else None,
        "history_years": [calendar.academic_year_label(y) for y in data["history_years"]],
        "costs": [
            {"label": GROUP_LABELS.get(g, g), "cost": c}
            for g, c in sorted(costs.items(), key=lambda i: sufficiency.GROUPS.index(i[0]))
        ],
        "committee_aim": COMMITTEE_AIM,
        "cost_rows": cost_rows,
    }


def _render(
    request: HttpRequest,
    scenario_form: ScenarioForm | None = None,
    status: int = 200,
) -> HttpResponse:
    snapshot: DashboardSnapshot | None = selectors.snapshot_latest(sufficiency_services.DASHBOARD)
    scenarios = list(SufficiencyScenario.objects.order_by("name"))
    form = _filters(request, scenarios)
    chosen = _chosen(form)
    scenario = next((s for s in scenarios if s.pk == chosen["scenario"]), None)
    suppress = not disclosure.sees_small_numbers(request.user)
    context: dict[str, Any] = {
        "nav_section": "dashboards",
        "snapshot": snapshot,
        "freshness": selectors.freshness(snapshot),
        "filter_form": form,
        "scenario": scenario,
        "scenarios": scenarios,
        "scenario_form": scenario_form or ScenarioForm(),
        "can_manage": request.user.has_perm(roles.MANAGE_SUFFICIENCY),
        "suppressed": suppress,
        "small_number_threshold": disclosure.small_number_threshold(),
        "query": request.GET.urlencode(),
        "phase_labels": sufficiency.PHASE_LABELS,
        "presets": preset_rows(snapshot.data if snapshot is not None else None, suppress),
    }
    if snapshot is not None:
        context.update(_page(snapshot.data, scenario, chosen, suppress))
    return render(request, "reporting/sufficiency.html", context, status=status)


@require_GET
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
def sufficiency_dashboard(request: HttpRequest) -> HttpResponse:
    return _render(request)


@require_POST
@permission_required(roles.MANAGE_SUFFICIENCY, raise_exception=True)
def scenario_create(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scenario = sufficiency_services.sufficiency_scenario_create(
                name=data["name"],
                description=data["description"],
                setting_group=data["setting_group"],
                need=data["need"],
                phase=data["phase"],
                academic_year=data["academic_year"],
                places=data["places"],
                ehcp_change_percent=data["ehcp_change_percent"],
                ehcp_change_need=data["ehcp_change_need"],
                ehcp_change_phase=data["ehcp_change_phase"],
                ehcp_change_from_year=data["ehcp_change_from_year"],
                ehcp_change_full_by=data["ehcp_change_full_by"],
                user=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            query = QueryDict(mutable=True)
            query["scenario"] = str(scenario.pk)
            return redirect(
                reverse("reporting:sufficiency") + "?" + query.urlencode() + "#scenario"
            )
    request.GET = QueryDict("")
    return _render(request, form)


@require_POST
@permission_required(roles.MANAGE_SUFFICIENCY, raise_exception=True)
def preset_copy(request: HttpRequest, slug: str) -> HttpResponse:
    """Copy a preset (read-only) into a scenario of one's own, and open it to change."""
    if slug not in sufficiency_services.PRESETS:
        raise Http404("No such preset scenario")
    scenario = sufficiency_services.sufficiency_preset_copy(
        slug=slug,
        user=request.user,  # type: ignore[arg-type]
        submission_token=idempotency.token_from(request.POST),
    )
    messages.success(
        request,
        f"Copied as “{scenario.name}” and computed. Change its assumptions below, or add places.",
    )
    return redirect("reporting:sufficiency_scenario_edit", scenario.pk)


@require_GET
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
@audit.exports("sufficiency")
def sufficiency_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Download as csv or xlsx")
    snapshot = selectors.snapshot_latest(sufficiency_services.DASHBOARD)
    if snapshot is None:
        return redirect("reporting:sufficiency")
    scenarios = list(SufficiencyScenario.objects.order_by("name"))
    chosen = _chosen(_filters(request, scenarios))
    scenario = next((s for s in scenarios if s.pk == chosen["scenario"]), None)
    rows = report_rows(
        snapshot.data,
        scenario.result if scenario is not None and scenario.result else None,
        scenario.name if scenario is not None and scenario.result else None,
        need=chosen["need"],
        phase=chosen["phase"],
        group=chosen["group"],
        suppress=not disclosure.sees_small_numbers(request.user),
    )
    return _table_response(
        f"sufficiency-{snapshot.as_of:%Y-%m-%d}", fmt, "Sufficiency", labelled(rows)
    )


def _table_response(
    stem: str, fmt: str, sheet: str, rows: list[dict[str, Any]], money_fields: tuple[str, ...] = ()
) -> HttpResponse:
    if fmt == "csv":
        return downloads.rows_csv_response(f"{stem}.csv", rows, money_fields)
    header = list(rows[0].keys()) if rows else []
    return downloads.xlsx_response(
        f"{stem}.xlsx", {sheet: (header, [list(r.values()) for r in rows])}
    )


COST_COLUMNS = {
    "year": "Academic year",
    "moved": "Children moved from INMSS so far",
    "inmss_avoided": "INMSS cost avoided",
    "other_settings": "Cost of children in other settings",
    "empty_places": "Added places empty",
    "empty_places_cost": "Cost of empty places",
    "net_saving": "Net saving",
}
MONEY_COLUMNS = tuple(
    COST_COLUMNS[f] for f in ("inmss_avoided", "other_settings", "empty_places_cost", "net_saving")
)


@require_GET
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
@audit.exports("sufficiency")
def sufficiency_table_download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """The back-test (`backtest`) or a scenario's cost and saving (`costs`, for the scenario
    chosen on the page) as CSV or XLSX, with the page's small-number rule."""
    if fmt not in ("csv", "xlsx") or table not in ("backtest", "costs"):
        raise Http404("Download the back-test or the costs as csv or xlsx")
    snapshot = selectors.snapshot_latest(sufficiency_services.DASHBOARD)
    if snapshot is None:
        return redirect("reporting:sufficiency")
    suppress = not disclosure.sees_small_numbers(request.user)
    stem = f"sufficiency-{table}-{snapshot.as_of:%Y-%m-%d}"
    if table == "backtest":
        return _table_response(
            stem, fmt, "Back-test", backtest_rows(snapshot.data, suppress=suppress)
        )
    scenarios = list(SufficiencyScenario.objects.order_by("name"))
    chosen = _chosen(_filters(request, scenarios))
    scenario = next((s for s in scenarios if s.pk == chosen["scenario"]), None)
    if scenario is None or not scenario.result:
        messages.error(request, "Choose a scenario to download its cost and saving.")
        return redirect("reporting:sufficiency")
    page = _page(snapshot.data, scenario, chosen, suppress)
    rows = [
        {**{COST_COLUMNS[k]: row[k] for k in COST_COLUMNS}, "Scenario": scenario.name}
        for row in page["cost_rows"]
    ]
    return _table_response(stem, fmt, "Cost and saving", rows, MONEY_COLUMNS)


@require_http_methods(["GET", "POST"])
@permission_required(roles.VIEW_DASHBOARDS, raise_exception=True)
def planned_places(request: HttpRequest) -> HttpResponse:
    """The council's planned places (part of the baseline), and a form to add to them."""
    can_manage = request.user.has_perm(roles.MANAGE_SUFFICIENCY)
    form = PlannedPlacesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                sufficiency_services.planned_places_add(
                    setting_group=data["setting_group"],
                    need=data["need"],
                    phase=data["phase"],
                    academic_year=data["academic_year"],
                    places=data["places"],
                    note=data["note"],
                    user=request.user,  # type: ignore[arg-type]
                )
            except DomainError as error:
                error.add_to_form(form)
            else:
                return redirect("reporting:sufficiency_planned_places")
    return render(
        request,
        "reporting/sufficiency_planned_places.html",
        {
            "nav_section": "dashboards",
            "form": form,
            "can_manage": can_manage,
            "lines": list(PlannedPlaces.objects.filter(scenario__isnull=True)),
            "group_labels": GROUP_LABELS,
            "phase_labels": sufficiency.PHASE_LABELS,
        },
    )


# --- Changing and deleting scenarios and planned places -------------------------------------

SCENARIO_FIELDS = [
    "name",
    "description",
    "ehcp_change_percent",
    "ehcp_change_need",
    "ehcp_change_phase",
    "ehcp_change_from_year",
    "ehcp_change_full_by",
]
PLACES_FIELDS = ["setting_group", "need", "phase", "academic_year", "places", "note"]


def _initial(record: Any, fields: list[str]) -> dict[str, Any]:
    initial = {field: getattr(record, field) for field in fields}
    for field in ("academic_year", "ehcp_change_from_year", "ehcp_change_full_by"):
        if initial.get(field):
            initial[field] = calendar.academic_year_label(initial[field])
    return {**initial, "version": record.version}


def _scenario_url(scenario: SufficiencyScenario) -> str:
    return reverse("reporting:sufficiency") + f"?scenario={scenario.pk}#scenario"


def _places_back(line: PlannedPlaces) -> str:
    if line.scenario_id is None:
        return reverse("reporting:sufficiency_planned_places")
    return reverse("reporting:sufficiency_scenario_edit", args=[line.scenario_id])


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_SUFFICIENCY, raise_exception=True)
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a scenario or change its change in new EHCPs; list its places to change."""
    scenario = get_object_or_404(SufficiencyScenario, pk=pk)
    form = ScenarioEditForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(scenario, SCENARIO_FIELDS),
    )

    def current() -> ScenarioEditForm:
        scenario.refresh_from_db()
        return ScenarioEditForm(initial=_initial(scenario, SCENARIO_FIELDS))

    edit = versioned_save(
        request,
        form,
        lambda data: sufficiency_services.sufficiency_scenario_update(
            scenario_id=scenario.pk,
            version=data["version"],
            **{field: data[field] for field in SCENARIO_FIELDS},
            user=request.user,  # type: ignore[arg-type]
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "Scenario saved and its forecast recomputed.")
        return redirect(_scenario_url(scenario))
    status = edit.status
    return render(
        request,
        "reporting/sufficiency_scenario_edit.html",
        {
            "nav_section": "dashboards",
            "scenario": scenario,
            "form": edit.form,
            "lines": list(scenario.places.all()),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_SUFFICIENCY, raise_exception=True)
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask "are you sure", then delete the scenario and its own planned places."""
    scenario = get_object_or_404(SufficiencyScenario, pk=pk)
    form = VersionForm(
        request.POST if request.method == "POST" else None,
        initial={"version": scenario.version},
    )

    def current() -> VersionForm:
        scenario.refresh_from_db()
        return VersionForm(initial={"version": scenario.version})

    edit = versioned_save(
        request,
        form,
        lambda data: sufficiency_services.sufficiency_scenario_delete(
            scenario_id=scenario.pk,
            version=data["version"],
            user=request.user,  # type: ignore[arg-type]
        ),
        current=current,
        stale_message="Someone else changed this scenario after you opened this page. "
        "Check it below before you delete it.",
    )
    if edit.saved:
        messages.success(request, f"Scenario “{edit.result}” deleted.")
        return redirect("reporting:sufficiency")
    status = edit.status
    return render(
        request,
        "reporting/sufficiency_confirm_delete.html",
        {
            "nav_section": "dashboards",
            "form": edit.form,
            "scenario": scenario,
            "lines": list(scenario.places.all()),
            "back_url": _scenario_url(scenario),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_SUFFICIENCY, raise_exception=True)
def planned_places_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change planned places: the council's plan or one scenario's."""
    line = get_object_or_404(PlannedPlaces.objects.select_related("scenario"), pk=pk)
    form = PlannedPlacesEditForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(line, PLACES_FIELDS),
    )

    def current() -> PlannedPlacesEditForm:
        line.refresh_from_db()
        return PlannedPlacesEditForm(initial=_initial(line, PLACES_FIELDS))

    edit = versioned_save(
        request,
        form,
        lambda data: sufficiency_services.planned_places_update(
            line_id=line.pk,
            version=data["version"],
            **{field: data[field] for field in PLACES_FIELDS},
            user=request.user,  # type: ignore[arg-type]
        ),
        current=current,
    )
    if edit.saved:
        messages.success(request, "Planned places saved and the forecast recomputed.")
        return redirect(_places_back(line))
    status = edit.status
    return render(
        request,
        "reporting/sufficiency_places_edit.html",
        {
            "nav_section": "dashboards",
            "line": line,
            "form": edit.form,
            "back_url": _places_back(line),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(roles.MANAGE_SUFFICIENCY, raise_exception=True)
def planned_places_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask "are you sure", then delete planned places and recompute what they moved."""
    line = get_object_or_404(PlannedPlaces.objects.select_related("scenario"), pk=pk)
    form = VersionForm(
        request.POST if request.method == "POST" else None, initial={"version": line.version}
    )

    def current() -> VersionForm:
        line.refresh_from_db()
        return VersionForm(initial={"version": line.version})

    edit = versioned_save(
        request,
        form,
        lambda data: sufficiency_services.planned_places_delete(
            line_id=line.pk,
            version=data["version"],
            user=request.user,  # type: ignore[arg-type]
        ),
        current=current,
        stale_message="Someone else changed these planned places after you opened this page. "
        "Check them below before you delete them.",
    )
    if edit.saved:
        messages.success(request, "Planned places deleted and the forecast recomputed.")
        return redirect(_places_back(line))
    form, status = edit.form, edit.status
    return render(
        request,
        "reporting/sufficiency_confirm_delete.html",
        {
            "nav_section": "dashboards",
            "form": form,
            "line": line,
            "back_url": _places_back(line),
        },
        status=status,
    )
