"""Exports: the placements register (CSV/XLSX, re-importable), import templates, and a
SEN2-style person-level return (a zip of CSVs, one per module; see docs/sen2-export.md)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from django.db.models import Prefetch

from core import downloads
from placements import rules
from placements.models import EHCP, Child, Placement

PLACEMENT_COLUMNS = [
    "child_ref",
    "provider_urn",
    "setting_type",
    "start_date",
    "end_date",
    "annual_cost",
    "additional_cost",
    "attendance_pattern",
    "reason",
]
PLACEMENT_MONEY = (5, 6)


def placement_rows() -> Iterator[list]:
    """Rows in the `placements` import layout, so an export re-imports cleanly (withdrawn left out)."""
    queryset = (
        Placement.objects.filter(withdrawn=False)
        .order_by("child__child_ref", "start_date", "id")
        .values_list(
            "child__child_ref",
            "provider__urn",
            "setting_type",
            "start_date",
            "end_date",
            "annual_cost",
            "additional_cost",
            "attendance_pattern",
            "reason",
        )
    )
    for row in queryset.iterator(chunk_size=2000):
        yield list(row)


# --- SEN2-style person-level export ---------------------------------------------------------

SEN2_MODULES: dict[str, list[str]] = {
    "person": [
        "PersonID",
        "Surname",
        "Forename",
        "PersonBirthDate",
        "Sex",
        "PostCode",
        "UPN",
        "UniqueLearnerNumber",
    ],
    "requests": ["PersonID", "RequestID", "ReceivedDate", "RequestOutcomeDate", "RequestOutcome"],
    "assessments": ["PersonID", "RequestID", "AssessmentOutcome", "AssessmentOutcomeDate"],
    "named_plans": [
        "PersonID",
        "RequestID",
        "StartDate",
        "PlanType",
        "CeaseDate",
        "CeaseReason",
    ],
    "active_plans": [
        "PersonID",
        "RequestID",
        "URN",
        "UKPRN",
        "SENSetting",
        "PlacementRank",
        "EntryDate",
        "LeavingDate",
        "AttendancePattern",
    ],
    "sen_need": ["PersonID", "RequestID", "SENtype", "SENtypeRank"],
}
ATTENDANCE_CODES = {"day": "DAY", "weekly": "WEEKLY", "52_week": "52WEEK"}
ASSESSMENT = {"assess": "Y", "refused": "N", "pending": ""}


def _d(value) -> str:
    return value.isoformat() if value else ""


def sen2_tables(*, census_date) -> dict[str, list[list]]:
    """Every child with an EHCP, one row per module record; children are keyed by child_ref."""
    tables: dict[str, list[list]] = {name: [] for name in SEN2_MODULES}
    children = (
        Child.objects.filter(ehcps__isnull=False)
        .distinct()
        .order_by("child_ref")
        .prefetch_related(
            Prefetch("ehcps", queryset=EHCP.objects.order_by("request_date", "id")),
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(withdrawn=False)
                .select_related("provider")
                .order_by("start_date", "id"),
            ),
        )
    )
    for child in children.iterator(chunk_size=2000):
        person = child.child_ref
        tables["person"].append(
            [
                person,
                child.last_name,
                child.first_name,
                _d(child.date_of_birth),
                child.sex,
                child.home_postcode,
                "",
                "",
            ]
        )
        for ehcp in child.ehcps.all():
            request_id = f"{person}-{ehcp.pk}"
            tables["requests"].append(
                [
                    person,
                    request_id,
                    _d(ehcp.request_date),
                    _d(ehcp.assessment_decision_date),
                    "A" if ehcp.assessment_decision == "assess" else "",
                ]
            )
            tables["assessments"].append(
                [
                    person,
                    request_id,
                    ASSESSMENT.get(ehcp.assessment_decision, ""),
                    _d(ehcp.assessment_decision_date),
                ]
            )
            if ehcp.issue_date:
                tables["named_plans"].append(
                    [person, request_id, _d(ehcp.issue_date), "EHCP", _d(ehcp.ceased_date), ""]
                )
            for rank, need in enumerate((ehcp.primary_need_id, ehcp.secondary_need_id), start=1):
                if need:
                    tables["sen_need"].append([person, request_id, need, rank])
            if rules.is_active(ehcp.issue_date, ehcp.ceased_date, census_date):
                active = [
                    p
                    for p in child.placements.all()
                    if rules.is_active(p.start_date, p.end_date, census_date)
                ]
                for rank, placement in enumerate(active, start=1):
                    tables["active_plans"].append(
                        [
                            person,
                            request_id,
                            placement.provider.urn,
                            "",
                            placement.setting_group,
                            rank,
                            _d(placement.start_date),
                            _d(placement.end_date),
                            ATTENDANCE_CODES.get(placement.attendance_pattern, ""),
                        ]
                    )
    return tables


def sen2_zip(*, census_date) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in sen2_tables(census_date=census_date).items():
            archive.writestr(
                f"sen2_{name}.csv", downloads.csv_text(SEN2_MODULES[name], rows, bom=False)
            )
    return buffer.getvalue()
