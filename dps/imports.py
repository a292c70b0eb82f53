"""The DPS's import kinds: `dps-membership`, `fees` and `attendance` (found by
`registry.autodiscover`)."""

from __future__ import annotations

from decimal import Decimal

from core import calendar, choices
from imports import parsing
from imports.base import Column, ImportContext, ImportKind, RowParser
from imports.lookups import KeyIndex, mark, recorded, split
from imports.readers import Row
from imports.registry import register_import_kind
from imports.writing import upsert
from placements.imports import KNOWN_PROVIDER, parse_attendance
from placements.models import AttendancePattern, Placement

from . import market_rules
from .models import AttendanceRecord, FeeSchedule, Framework, Lot, Membership


class DpsMembership(ImportKind):
    name = "dps-membership"
    label = "DPS membership"
    description = "Providers' membership of a DPS framework: lot, status, admission date, score."
    columns = (
        Column("urn", True, "Provider URN (already recorded)", "886123"),
        Column("framework", True, "Framework name, as recorded", "Wealdshire INMSS DPS"),
        Column("lot", True, "Lot number or name within the framework", "1"),
        Column("status", False, "applied, admitted, suspended or removed", "admitted"),
        Column("admitted_on", False, "", "2022-08-15"),
        Column("quality_score", False, "0 to 100", "78.5"),
    )
    key_columns = ("urn", "framework")

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.field("urn", lambda v: parsing.parse_int(v, minimum=1), required=True)
            p.text("framework", required=True)
            p.text("lot", required=True)
            p.field("status", lambda v: parsing.parse_choice(v, Membership.Status.choices))
            if p.data.get("status", "") is None:
                p.data["status"] = Membership.Status.APPLIED
            p.field("admitted_on", parsing.parse_date)
            p.field(
                "quality_score",
                lambda v: parsing.parse_decimal(v, minimum=Decimal(0), maximum=Decimal(100)),
            )
            parsed.append(p)
        providers = KNOWN_PROVIDER.resolve(parsed, "urn", to="provider_id")
        names = {
            choices.normalise_choice(p.data["framework"]) for p in parsed if p.data.get("framework")
        }
        frameworks = {
            choices.normalise_choice(f.name): f
            for f in Framework.objects.all()
            if choices.normalise_choice(f.name) in names
        }
        lots: dict[int, list[Lot]] = {}
        for lot in Lot.objects.filter(framework__in=frameworks.values()):
            lots.setdefault(lot.framework_id, []).append(lot)
        existing = KeyIndex(
            Membership, ("provider_id", "framework_id"), provider_id__in=providers.pks()
        )
        for p in parsed:
            urn, name, lot_text = p.data.get("urn"), p.data.get("framework"), p.data.get("lot")
            framework = frameworks.get(choices.normalise_choice(name)) if name else None
            if name and framework is None:
                p.error("framework", "is not a recorded framework: add it first")
            lot = None
            if framework and lot_text:
                lot = self._find_lot(lots.get(framework.pk, []), lot_text)
                if lot is None:
                    p.error("lot", f"is not a lot of {framework.name}")
            if p.ok:
                data = p.data
                providers.swap(data)
                data["framework_id"] = framework.pk
                data["lot_id"] = lot.pk
                data.pop("framework")
                data.pop("lot")
                pk = existing.find(data["provider_id"], framework.pk)
                mark(data, (urn, framework.name), pk)
        return split(parsed)

    @staticmethod
    def _find_lot(lots: list[Lot], text: str) -> Lot | None:
        wanted = choices.normalise_choice(text).removeprefix("lot_")
        for lot in lots:
            if wanted in (str(lot.number), choices.normalise_choice(lot.name)):
                return lot
        return None

    def write_chunk(self, clean_rows, context):
        existing = recorded(Membership, clean_rows)
        return upsert(
            Membership, clean_rows, existing, context, key_fields={"provider_id", "framework_id"}
        )


class Fees(ImportKind):
    name = "fees"
    label = "Fee schedules"
    description = "Providers' annual fees per academic year, attendance pattern and band."
    columns = (
        Column("urn", True, "Provider URN (already recorded)", "886123"),
        Column("academic_year", True, "e.g. 2024/25", "2024/25"),
        Column("attendance_pattern", True, "day, weekly or 52-week", "day"),
        Column("band", False, "Optional fee band", ""),
        Column("annual_fee", True, "", "36000.00"),
    )
    key_columns = ("urn", "academic_year", "attendance_pattern", "band")

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.field("urn", lambda v: parsing.parse_int(v, minimum=1), required=True)
            p.field("academic_year", parsing.parse_academic_year, required=True)
            p.field("attendance_pattern", parse_attendance, required=True)
            p.text("band", max_length=40)
            p.data.setdefault("band", "")
            p.field("annual_fee", parsing.parse_money, required=True)
            parsed.append(p)
        providers = KNOWN_PROVIDER.resolve(parsed, "urn", to="provider_id")
        existing = KeyIndex(
            FeeSchedule,
            ("provider_id", "academic_year", "attendance_pattern", "band"),
            provider_id__in=providers.pks(),
        )
        patterns = dict(AttendancePattern.choices)
        for p in parsed:
            if p.ok:
                data = p.data
                year, pattern, band = (
                    data["academic_year"],
                    data["attendance_pattern"],
                    data["band"],
                )
                key = (data["urn"], calendar.academic_year_label(year), patterns[pattern], band)
                providers.swap(data)
                mark(data, key, existing.find(data["provider_id"], year, pattern, band))
        return split(parsed)

    def write_chunk(self, clean_rows, context):
        existing = recorded(FeeSchedule, clean_rows)
        return upsert(FeeSchedule, clean_rows, existing, context, update_only={"annual_fee"})


class Attendance(ImportKind):
    name = "attendance"
    label = "Attendance"
    description = (
        "Termly attendance of placements; below the framework's threshold a term's fee is reduced."
    )
    columns = (
        Column("child_ref", True, "Must be a child already recorded", "WS000123"),
        Column("provider_urn", True, "The provider of the placement", "886123"),
        Column("academic_year", True, "e.g. 2025/26", "2025/26"),
        Column("term", True, "autumn, spring or summer", "autumn"),
        Column("attendance_percent", True, "0 to 100", "92.5"),
    )
    key_columns = ("child_ref", "provider_urn", "academic_year", "term")

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.text("child_ref", required=True)
            p.field("provider_urn", lambda v: parsing.parse_int(v, minimum=1), required=True)
            p.field("academic_year", parsing.parse_academic_year, required=True)
            p.field(
                "term",
                lambda v: parsing.parse_choice(v, AttendanceRecord.Term.choices),
                required=True,
            )
            p.field(
                "attendance_percent",
                lambda v: parsing.parse_decimal(v, minimum=Decimal(0), maximum=Decimal(100)),
                required=True,
            )
            parsed.append(p)
        refs = {p.data["child_ref"] for p in parsed if p.data.get("child_ref")}
        urns = {p.data["provider_urn"] for p in parsed if p.data.get("provider_urn")}
        spans: dict[tuple[str, int], list[tuple[int, object, object]]] = {}
        for pk, ref, urn, start, end in Placement.objects.filter(
            child__child_ref__in=refs, provider__urn__in=urns, withdrawn=False
        ).values_list("id", "child__child_ref", "provider__urn", "start_date", "end_date"):
            spans.setdefault((ref, urn), []).append((pk, start, end))
        placement_ids = [pk for entries in spans.values() for pk, _s, _e in entries]
        existing = {
            (placement_id, year, term): pk
            for pk, placement_id, year, term in AttendanceRecord.objects.filter(
                placement_id__in=placement_ids
            ).values_list("id", "placement_id", "academic_year", "term")
        }
        clean_rows, errors = [], []
        for p in parsed:
            ref, urn = p.data.get("child_ref"), p.data.get("provider_urn")
            year, term = p.data.get("academic_year"), p.data.get("term")
            placement_id = None
            if p.ok:
                first, last = market_rules.term_bounds(year, term)
                running = sorted(
                    (
                        (start, pk)
                        for pk, start, end in spans.get((ref, urn), [])
                        if start <= last and (end is None or end >= first)
                    ),
                    reverse=True,
                )
                if running:
                    placement_id = running[0][1]
                else:
                    p.error("child_ref", "had no placement at this provider in that term")
            if p.ok:
                data = p.data
                data.pop("child_ref")
                data.pop("provider_urn")
                data["placement_id"] = placement_id
                data["_key"] = (ref, urn, calendar.academic_year_label(year), term)
                data["_id"] = existing.get((placement_id, year, term))
                data["_exists"] = data["_id"] is not None
                clean_rows.append(data)
            errors.extend(p.errors)
        return clean_rows, errors

    def write_chunk(self, clean_rows, context):
        ids = [c["_id"] for c in clean_rows if c["_id"]]
        existing = AttendanceRecord.objects.in_bulk(ids) if ids else {}
        return upsert(
            AttendanceRecord, clean_rows, existing, context, update_only={"attendance_percent"}
        )


register_import_kind(DpsMembership())
register_import_kind(Fees())
register_import_kind(Attendance())
