"""The placements app's import kinds: `providers-gias`, `children`, `placements`,
`ofsted-outcomes` and `sen2-events` (annual reviews and phase transfers)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from core import choices
from imports import parsing
from imports.base import Column, ImportContext, ImportKind, RowError, RowParser
from imports.lookups import KeyIndex, Lookup, existing_by, mark, present, recorded, split
from imports.readers import Row
from imports.registry import register_import_kind
from imports.writing import apply_changes, bulk_create, bulk_update, upsert

from . import rules
from .models import (
    EHCP,
    REPORT_CARD_AREAS,
    AnnualReview,
    AttendancePattern,
    CeaseReason,
    Child,
    Ethnicity,
    IssueDecision,
    PhaseTransfer,
    Placement,
    PlacementRank,
    Provider,
    ReportCardGrade,
    RequestSource,
    ReviewOutcome,
    SEN2Setting,
    Sex,
    UPNUnknown,
)

# --- Columns that name a recorded child or provider (used by the dps and panel kinds too) ---

KNOWN_CHILD = Lookup(Child, "child_ref", "is not a known child: import the child first")
KNOWN_PROVIDER = Lookup(Provider, "urn", "is not a known provider URN")


# --- Cells that name the placements domain's choices ---


def parse_need(value: object) -> str:
    code = rules.parse_need_code(parsing.text(value))
    if code is None:
        raise ValueError(f"is not a need code ({', '.join(rules.NEED_CODES)})")
    return code


ATTENDANCE_ALIASES = {
    "52_week": "52_week",
    "52_weeks": "52_week",
    "52_week_residential": "52_week",
    "residential": "52_week",
    "weekly_boarding": "weekly",
    "weekly": "weekly",
    "day": "day",
    "day_place": "day",
}


def parse_attendance(value: object) -> str:
    return parsing.parse_choice(value, AttendancePattern.choices, ATTENDANCE_ALIASES)


# --- providers-gias ----------------------------------------------------------------------

SEN_COLUMNS = [f"SEN{n} (name)" for n in range(1, 14)]
OFSTED_GRADES = {
    "outstanding": 1,
    "good": 2,
    "requires_improvement": 3,
    "inadequate": 4,
    "serious_weaknesses": 4,
    "special_measures": 4,
}
NOT_APPLICABLE = {"not_applicable", "not_recorded", "not_known", "unknown"}


def _gias_status(raw: object) -> str:
    key = choices.normalise_choice(parsing.text(raw))
    if key.startswith("closed"):
        return Provider.Status.CLOSED
    if key.startswith("proposed_to_open"):
        return Provider.Status.PROPOSED
    return Provider.Status.OPEN


def _gias_sex(raw: object) -> str:
    key = choices.normalise_choice(parsing.text(raw))
    return {"boys": "boys", "girls": "girls"}.get(key, Provider.SexOfEntry.MIXED)


def _gias_boarding(raw: object) -> str:
    key = choices.normalise_choice(parsing.text(raw))
    if key in ("no_boarders", "none", "no"):
        return Provider.Boarding.NONE
    if "boarding" in key or "boarders" in key:
        return Provider.Boarding.SOME
    return Provider.Boarding.NOT_KNOWN


def _text_or_blank_if_not_applicable(raw: object) -> str:
    value = parsing.text(raw)
    return "" if choices.normalise_choice(value) in NOT_APPLICABLE else value


class ProvidersGias(ImportKind):
    name = "providers-gias"
    label = "Providers from GIAS"
    description = (
        "Schools and colleges from a DfE Get Information about Schools all-establishments "
        "extract, exactly as downloaded."
    )
    columns = (
        Column("URN", True, "Unique reference number", "886123"),
        Column("EstablishmentName", True, "Name", "Oakwood School"),
        Column(
            "TypeOfEstablishment (name)",
            True,
            "GIAS establishment type: sets the setting group",
            "Other independent special school",
        ),
        Column("EstablishmentStatus (name)", False, "Open / Closed (closed are kept)", "Open"),
        Column("PhaseOfEducation (name)", False, "", "Not applicable"),
        Column("StatutoryLowAge", False, "", "5"),
        Column("StatutoryHighAge", False, "", "19"),
        Column("Gender (name)", False, "Mixed / Boys / Girls", "Mixed"),
        Column("Boarders (name)", False, "", "No boarders"),
        Column("SchoolCapacity", False, "", "60"),
        Column("NumberOfPupils", False, "", "54"),
        Column("Postcode", False, "", "ME14 1XX"),
        Column("Easting", False, "", "575000"),
        Column("Northing", False, "", "155000"),
        Column("LA (name)", False, "", "Kent"),
        *(
            Column(
                name,
                False,
                "SEN provision label",
                "ASD - Autistic Spectrum Disorder" if i == 0 else "",
            )
            for i, name in enumerate(SEN_COLUMNS)
        ),
        Column("OfstedRating (name)", False, "", "Good"),
        Column("OfstedLastInsp", False, "Date of the last Ofsted inspection", "16-05-2023"),
        Column("TypeOfResourcedProvision (name)", False, "", ""),
        Column("ResourcedProvisionCapacity", False, "", ""),
    )
    key_columns = ("URN",)

    FIELDS = {
        "EstablishmentName": "name",
        "TypeOfEstablishment (name)": "establishment_type",
        "PhaseOfEducation (name)": "phase",
        "Postcode": "postcode",
        "LA (name)": "local_authority",
        "OfstedRating (name)": "ofsted_rating",
    }
    INTS = {
        "StatutoryLowAge": "low_age",
        "StatutoryHighAge": "high_age",
        "SchoolCapacity": "capacity",
        "NumberOfPupils": "number_of_pupils",
        "Easting": "easting",
        "Northing": "northing",
        "ResourcedProvisionCapacity": "resourced_provision_capacity",
    }

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        sen_present = [c for c in SEN_COLUMNS if context.has(c)]
        for row in rows:
            p = RowParser(row, context)
            p.field("URN", lambda v: parsing.parse_int(v, minimum=1), required=True, to="urn")
            for column, target in self.FIELDS.items():
                length = Provider._meta.get_field(target).max_length
                p.text(column, required=column == "EstablishmentName", max_length=length, to=target)
            if context.has("TypeOfEstablishment (name)") and p.data.get("establishment_type"):
                p.data["setting_group"] = rules.setting_group_for_establishment_type(
                    p.data["establishment_type"]
                )
            elif context.has("TypeOfEstablishment (name)"):
                p.error("TypeOfEstablishment (name)", "is required")
            if context.has("EstablishmentStatus (name)"):
                p.data["status"] = _gias_status(p.raw("EstablishmentStatus (name)"))
            if context.has("Gender (name)"):
                p.data["sex_of_entry"] = _gias_sex(p.raw("Gender (name)"))
            if context.has("Boarders (name)"):
                p.data["boarding"] = _gias_boarding(p.raw("Boarders (name)"))
            for column, target in self.INTS.items():
                p.field(column, lambda v: parsing.parse_int(v, minimum=0), to=target)
            if context.has("OfstedRating (name)"):
                rating = choices.normalise_choice(p.data.get("ofsted_rating") or "")
                p.data["ofsted_grade"] = OFSTED_GRADES.get(rating)
            p.field("OfstedLastInsp", parsing.parse_date, to="ofsted_date")
            if context.has("TypeOfResourcedProvision (name)"):
                p.data["resourced_provision_type"] = _text_or_blank_if_not_applicable(
                    p.raw("TypeOfResourcedProvision (name)")
                )[:80]
            low, high = p.data.get("low_age"), p.data.get("high_age")
            if low is not None and high is not None and high < low:
                p.error("StatutoryHighAge", f"is below the statutory low age {low}")
            if sen_present:
                codes, others = [], []
                for column in sen_present:
                    label = parsing.text(p.raw(column))
                    if not label or choices.normalise_choice(label) in NOT_APPLICABLE:
                        continue
                    code = rules.parse_need_code(label)
                    if code:
                        if code not in codes:
                            codes.append(code)
                    else:
                        others.append(label)
                        context.warn(
                            f"Row {row.number}, column {column}: '{label}' is not a SEN2 need "
                            "type; kept as written in the provider's other SEN provision"
                        )
                p.data["_needs"] = codes
                p.data["other_sen_provision"] = "; ".join(others)[:300]
            parsed.append(p)
        existing = existing_by(Provider, "urn", present(parsed, "urn"))
        for p in parsed:
            if p.ok:
                mark(p.data, (p.data["urn"],), existing.get(p.data["urn"]))
        return split(parsed)

    def write_chunk(self, clean_rows: list[dict], context: ImportContext):
        existing = recorded(Provider, clean_rows)

        def build(values: dict, clean: dict) -> Provider:
            values.setdefault("setting_group", rules.OTHER)
            return Provider(**values)

        created, matched = upsert(
            Provider, clean_rows, existing, context, key_fields={"urn"}, build=build
        )
        if any(c.get("_needs") is not None for c in clean_rows):
            through = Provider.need_types.through
            with_needs = [c for c in clean_rows if c.get("_needs") is not None]
            through.objects.filter(provider_id__in=[c["_obj"].pk for c in with_needs]).delete()
            through.objects.bulk_create(
                [
                    through(provider_id=c["_obj"].pk, needtype_id=code)
                    for c in with_needs
                    for code in c["_needs"]
                ],
                batch_size=1000,
            )
        return created, matched


# --- children --------------------------------------------------------------------------

SEX_ALIASES = {
    "female": "F",
    "girl": "F",
    "male": "M",
    "boy": "M",
    "u": "X",
    "unknown": "X",
    "other": "X",
    "not_known": "X",
}
EHCP_COLUMNS = {
    "ehcp_request_date": "request_date",
    "ehcp_issue_date": "issue_date",
    "ehcp_ceased_date": "ceased_date",
}
NEED_COLUMNS = {"primary_need": "primary_need_id", "secondary_need": "secondary_need_id"}

# --- SEN2 items (docs/sen2.md): on the child, and on the child's latest EHCP ---

YES = {"y", "yes", "1", "true", "t"}
NO = {"n", "no", "0", "false", "f"}


def parse_flag(value: object) -> bool:
    key = parsing.text(value).lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError("is not yes or no (Y, N, 1, 0, yes, no)")


def parse_upn(value: object) -> str:
    upn = parsing.text(value).upper()
    if not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", upn):
        raise ValueError("is not a UPN: 13 characters, a letter, 11 digits, a digit or letter")
    return upn


def parse_uln(value: object) -> str:
    uln = parsing.text(value)
    if not re.fullmatch(r"[0-9]{10}", uln):
        raise ValueError("is not a ULN: 10 digits")
    return uln


def parse_la(value: object) -> str:
    la = parsing.text(value)
    if not re.fullmatch(r"[0-9]{3}", la):
        raise ValueError("is not a 3-digit LA number")
    return la


def _int_choice(choices):
    def parse(value: object) -> int:
        return int(parsing.parse_choice(value, [(str(v), label) for v, label in choices]))

    return parse


ASSESSMENT_ALIASES = {"y": "assess", "yes": "assess", "n": "refused", "no": "refused",
                      "w": "withdrawn", "a": "pending"}  # fmt: skip

CHILD_SEN2_COLUMNS = {
    "ethnicity": lambda v: parsing.parse_choice(v, Ethnicity.choices),
    "upn": parse_upn,
    "uln": parse_uln,
    "upn_unknown": lambda v: parsing.parse_choice(v, UPNUnknown.choices),
}
# column → (EHCP field, parser, value of a blank cell)
EHCP_SEN2_COLUMNS: dict[str, tuple[str, Callable[[object], object], object]] = {
    "request_source": ("request_source", _int_choice(RequestSource.choices), None),
    "assessment_decision": (
        "assessment_decision",
        lambda v: parsing.parse_choice(v, EHCP.AssessmentDecision.choices, ASSESSMENT_ALIASES),
        EHCP.AssessmentDecision.PENDING,
    ),
    "assessment_decision_date": ("assessment_decision_date", parsing.parse_date, None),
    "issue_decision": (
        "issue_decision",
        lambda v: parsing.parse_choice(v, IssueDecision.choices),
        "",
    ),
    "issue_decision_date": ("issue_decision_date", parsing.parse_date, None),
    "request_mediation": ("request_mediation", parse_flag, False),
    "request_tribunal": ("request_tribunal", parse_flag, False),
    "assessment_mediation": ("assessment_mediation", parse_flag, False),
    "assessment_tribunal": ("assessment_tribunal", parse_flag, False),
    "other_mediation": ("other_mediation", parse_flag, False),
    "other_tribunal": ("other_tribunal", parse_flag, False),
    "week20_exception": ("week20_exception", parse_flag, False),
    "personal_budget": ("personal_budget", parse_flag, False),
    "cease_reason": ("cease_reason", _int_choice(CeaseReason.choices), None),
    "transfer_la": ("transfer_la", parse_la, ""),
}


def latest_ehcps(child_ids) -> dict[int, EHCP]:
    """Each child's latest EHCP (the same choice as `selectors.current_ehcp`), in one query."""
    latest: dict[int, EHCP] = {}
    for ehcp in EHCP.objects.filter(child_id__in=list(child_ids)):
        key = (ehcp.request_date or ehcp.issue_date or dt.date.min, ehcp.pk)
        current = latest.get(ehcp.child_id)
        if current is None or key > (
            current.request_date or current.issue_date or dt.date.min,
            current.pk,
        ):
            latest[ehcp.child_id] = ehcp
    return latest


def ehcp_status(request_date, issue_date, ceased_date) -> str:
    if ceased_date:
        return EHCP.Status.CEASED
    if issue_date:
        return EHCP.Status.ISSUED
    return EHCP.Status.REQUESTED


class Children(ImportKind):
    name = "children"
    label = "Children and EHCPs"
    description = "Children and young people with their current EHCP (dates and needs)."
    columns = (
        Column(
            "child_ref", True, "The council's reference for the child: one line, no /", "WS000123"
        ),
        Column("first_name", True, "", "Sam"),
        Column("last_name", True, "", "Taylor"),
        Column("date_of_birth", True, "", "2012-03-14"),
        Column("sex", True, "F, M or X", "M"),
        Column("home_postcode", False, "", "ME14 1XX"),
        Column("easting", False, "", "575120"),
        Column("northing", False, "", "155430"),
        Column("district", False, "", "Maidstone"),
        Column("ehcp_request_date", False, "", "2023-01-09"),
        Column("ehcp_issue_date", False, "", "2023-05-15"),
        Column("ehcp_ceased_date", False, "", ""),
        Column("primary_need", False, "SEN2 need code, e.g. ASD", "ASD"),
        Column("secondary_need", False, "", "SEMH"),
        Column("ethnicity", False, "SEN2 / CBDS ethnicity code, e.g. WBRI", "WBRI"),
        Column("upn", False, "Unique pupil number (13 characters)", "A123456789012"),
        Column("uln", False, "Unique learner number (10 digits)", ""),
        Column("upn_unknown", False, "UN1–UN10, when there is neither a UPN nor a ULN", ""),
        Column("request_source", False, "SEN2 RequestSource 1–5 (1: parent or young person)", "1"),
        Column("assessment_decision", False, "assess, refused, withdrawn or pending", "assess"),
        Column("assessment_decision_date", False, "Date the family was told", "2023-02-20"),
        Column("issue_decision", False, "Y, N or W (decision whether to issue)", "Y"),
        Column("issue_decision_date", False, "Date the family was told (N)", ""),
        Column("request_mediation", False, "Y or N", "N"),
        Column("request_tribunal", False, "Y or N", "N"),
        Column("assessment_mediation", False, "Y or N", "N"),
        Column("assessment_tribunal", False, "Y or N", "N"),
        Column("other_mediation", False, "Y or N", "N"),
        Column("other_tribunal", False, "Y or N", "N"),
        Column("week20_exception", False, "Y when a 20-week time limit exception applies", "N"),
        Column("personal_budget", False, "Y or N", "N"),
        Column("cease_reason", False, "SEN2 CeaseReason 1–9, when the plan ceased", ""),
        Column("transfer_la", False, "3-digit LA number the plan transferred in from", ""),
    )
    key_columns = ("child_ref",)

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.text("child_ref", required=True, max_length=32)
            p.text("first_name", required=True, max_length=100)
            p.text("last_name", required=True, max_length=100)
            p.field("date_of_birth", parsing.parse_date, required=True)
            p.field(
                "sex", lambda v: parsing.parse_choice(v, Sex.choices, SEX_ALIASES), required=True
            )
            p.text("home_postcode", max_length=10)
            p.field("easting", lambda v: parsing.parse_int(v, minimum=0))
            p.field("northing", lambda v: parsing.parse_int(v, minimum=0))
            p.text("district", max_length=60)
            for column, target in EHCP_COLUMNS.items():
                p.field(column, parsing.parse_date, to=f"_ehcp_{target}")
            for column, target in NEED_COLUMNS.items():
                p.field(column, parse_need, to=f"_ehcp_{target}")
            for column, parser in CHILD_SEN2_COLUMNS.items():
                p.field(column, parser)
                if p.data.get(column, "") is None:
                    p.data[column] = ""
            for column, (target, parser, blank) in EHCP_SEN2_COLUMNS.items():
                p.field(column, parser, to=f"_ehcp_{target}")
                if f"_ehcp_{target}" in p.data and p.data[f"_ehcp_{target}"] is None:
                    p.data[f"_ehcp_{target}"] = blank
            if p.data.get("upn_unknown") and (p.data.get("upn") or p.data.get("uln")):
                p.error("upn_unknown", "must be blank when the child has a UPN or ULN")
            if p.data.get("_ehcp_issue_decision") == "N" and not p.data.get(
                "_ehcp_issue_decision_date"
            ):
                p.error("issue_decision_date", "is required when the issue decision is N")
            dob = p.data.get("date_of_birth")
            if dob and dob > dt.date.today():  # noqa: DTZ011 - a calendar date
                p.error("date_of_birth", "is in the future")
            parsed.append(p)
        children = existing_by(Child, "child_ref", (p.data["child_ref"] for p in parsed if p.ok))
        ehcps = latest_ehcps(children.values()) if self._has_ehcp_columns(context) else {}
        for p in parsed:
            if p.ok:
                child_id = children.get(p.data["child_ref"])
                mark(p.data, (p.data["child_ref"],), child_id)
                p.errors.extend(self._check_ehcp_dates(p.data, ehcps.get(child_id)))
        return split(parsed)

    @staticmethod
    def _has_ehcp_columns(context) -> bool:
        return any(context.has(c) for c in [*EHCP_COLUMNS, *NEED_COLUMNS, *EHCP_SEN2_COLUMNS])

    @staticmethod
    def _merged_ehcp(clean: dict, ehcp: EHCP | None) -> dict:
        merged = {}
        for target in [*EHCP_COLUMNS.values(), *NEED_COLUMNS.values()]:
            key = f"_ehcp_{target}"
            merged[target] = clean[key] if key in clean else getattr(ehcp, target, None)
        return merged

    def _check_ehcp_dates(self, clean: dict, ehcp: EHCP | None) -> list[RowError]:
        merged = self._merged_ehcp(clean, ehcp)
        errors = []
        request, issue, ceased = (
            merged["request_date"],
            merged["issue_date"],
            merged["ceased_date"],
        )
        if request and issue and issue < request:
            errors.append(
                RowError(
                    clean["_row"],
                    "ehcp_issue_date",
                    issue.isoformat(),
                    f"is before the EHCP request date {request:%d/%m/%Y}",
                )
            )
        if issue and ceased and ceased < issue:
            errors.append(
                RowError(
                    clean["_row"],
                    "ehcp_ceased_date",
                    ceased.isoformat(),
                    f"is before the EHCP issue date {issue:%d/%m/%Y}",
                )
            )
        return errors

    def write_chunk(self, clean_rows: list[dict], context: ImportContext):
        existing = recorded(Child, clean_rows)
        created, matched = upsert(Child, clean_rows, existing, context, key_fields={"child_ref"})
        if self._has_ehcp_columns(context):
            self._write_ehcps(clean_rows, context)
        return created, matched

    def _write_ehcps(self, clean_rows: list[dict], context: ImportContext) -> None:
        ehcps = latest_ehcps(c["_obj"].pk for c in clean_rows if c["_exists"])
        new, changed = [], []
        fields = {"status"}
        for clean in clean_rows:
            ehcp = ehcps.get(clean["_obj"].pk)
            merged = self._merged_ehcp(clean, ehcp)
            given = {k: v for k, v in clean.items() if k.startswith("_ehcp_")}
            if ehcp is None and not any(v is not None for v in merged.values()):
                continue  # nothing to record: no EHCP, no dates or needs in the file
            status = ehcp_status(
                merged["request_date"], merged["issue_date"], merged["ceased_date"]
            )
            values = {key.removeprefix("_ehcp_"): value for key, value in given.items()}
            if ehcp is None:
                new.append(EHCP(child=clean["_obj"], status=status, **{**values, **merged}))
                continue
            if ehcp.status not in (EHCP.Status.ASSESSING, EHCP.Status.NOT_ISSUED) or (
                merged["issue_date"] or merged["ceased_date"]
            ):
                values["status"] = status
            if changed_fields := apply_changes(ehcp, values):
                fields.update(changed_fields)
                changed.append(ehcp)
        bulk_create(EHCP, new, context)
        bulk_update(EHCP, changed, fields, context)


# --- placements ------------------------------------------------------------------------

SETTING_TYPE_ALIASES = {
    "inmss": rules.INMSS,
    "independent_special": rules.INMSS,
    "non_maintained_special": rules.INMSS,
    "maintained_special": rules.SPECIAL,
    "resourced_provision": rules.SRP,
    "sen_unit": rules.SRP,
    "fe": rules.POST16,
    "post_16": rules.POST16,
    "alternative_provision": rules.AP,
}


KNOWN_GIAS_PROVIDER = dataclasses.replace(
    KNOWN_PROVIDER, reason="is not a known provider URN: import it from GIAS first"
)


class Placements(ImportKind):
    name = "placements"
    label = "Placements"
    description = "Placements of children at providers, with base fee and additional funding."
    columns = (
        Column("child_ref", True, "Must be a child already recorded", "WS000123"),
        Column("provider_urn", True, "Must be a provider already recorded", "886123"),
        Column(
            "setting_type",
            False,
            "Overrides the provider's setting group: " + ", ".join(rules.SETTING_GROUPS),
            "",
        ),
        Column("start_date", True, "", "2024-09-02"),
        Column("end_date", False, "Blank for a current placement", ""),
        Column("annual_cost", True, "Base annual fee", "36000.00"),
        Column("additional_cost", False, "Additional funding, e.g. 1:1 support", "4500.00"),
        Column("attendance_pattern", False, "day, weekly or 52-week", "day"),
        Column(
            "reason", False, ", ".join(v for v, _ in Placement.Reason.choices), "no_local_provision"
        ),
        Column("placement_rank", False, "SEN2 rank: 1 primary, 2 secondary; blank: worked out", ""),
        Column("sen_unit", False, "SEN2: in a SEN unit, Y or N", ""),
        Column("resourced_provision", False, "SEN2: in a resourced provision, Y or N", ""),
        Column(
            "sen2_setting",
            False,
            "SEN2 setting code where the school has no URN: "
            + ", ".join(v for v, _ in SEN2Setting.choices),
            "",
        ),
        Column("sen2_setting_other", False, "What the setting is, with code OTH", ""),
    )
    key_columns = ("child_ref", "provider_urn", "start_date")

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.text("child_ref", required=True)
            p.field("provider_urn", lambda v: parsing.parse_int(v, minimum=1), required=True)
            p.field(
                "setting_type",
                lambda v: parsing.parse_choice(
                    v, rules.SETTING_GROUP_CHOICES, SETTING_TYPE_ALIASES
                ),
            )
            if p.data.get("setting_type", "") is None:
                p.data["setting_type"] = ""
            p.field("start_date", parsing.parse_date, required=True)
            p.field("end_date", parsing.parse_date)
            p.field("annual_cost", parsing.parse_money, required=True)
            p.field("additional_cost", parsing.parse_money)
            if p.data.get("additional_cost", 0) is None:
                p.data["additional_cost"] = Decimal(0)
            p.field("attendance_pattern", parse_attendance)
            if p.data.get("attendance_pattern", "") is None:
                p.data["attendance_pattern"] = Placement._meta.get_field(
                    "attendance_pattern"
                ).default
            p.field("reason", lambda v: parsing.parse_choice(v, Placement.Reason.choices))
            if p.data.get("reason", "") is None:
                p.data["reason"] = ""
            self._sen2_items(p)
            start, end = p.data.get("start_date"), p.data.get("end_date")
            if start and end and end < start:
                p.error("end_date", f"is before the start date {start:%d/%m/%Y}")
            parsed.append(p)
        children = KNOWN_CHILD.resolve(parsed, "child_ref", to="child_id")
        providers = KNOWN_GIAS_PROVIDER.resolve(parsed, "provider_urn", to="provider_id")
        existing = KeyIndex(
            Placement,
            ("child_id", "provider_id", "start_date"),
            child_id__in=children.pks(),
            provider_id__in=providers.pks(),
        )
        for p in parsed:
            if p.ok:
                data = p.data
                key = (data["child_ref"], data["provider_urn"], data["start_date"])
                children.swap(data)
                providers.swap(data)
                pk = existing.find(data["child_id"], data["provider_id"], data["start_date"])
                mark(data, key, pk)
        return split(parsed)

    @staticmethod
    def _sen2_items(p: RowParser) -> None:
        """The placement's SEN2 items: a blank cell clears the item (rank: worked out again)."""
        p.field("placement_rank", lambda v: int(parsing.parse_choice(v, PlacementRank.choices)))
        for flag in ("sen_unit", "resourced_provision"):
            p.field(flag, parse_flag)
            if flag in p.data and p.data[flag] is None:
                p.data[flag] = False
        p.field("sen2_setting", lambda v: parsing.parse_choice(v, SEN2Setting.choices))
        if "sen2_setting" in p.data and p.data["sen2_setting"] is None:
            p.data["sen2_setting"] = ""
        p.text("sen2_setting_other", max_length=100)
        code, other = p.data.get("sen2_setting"), p.data.get("sen2_setting_other")
        if code == SEN2Setting.OTH and "sen2_setting_other" in p.data and not other:
            p.error("sen2_setting_other", "is required with the setting code OTH")
        if other and code is not None and code != SEN2Setting.OTH:
            p.error("sen2_setting_other", "is only for the setting code OTH")

    def observe(self, clean_rows: list[dict], context: ImportContext) -> None:
        periods = context.state.setdefault("periods", defaultdict(list))
        for c in clean_rows:
            end = c.get("end_date") if "end_date" in c else _KEEP
            periods[c["child_id"]].append(
                (c["start_date"], end, c["_row"], c["provider_id"], c["_key"][1], c["_id"])
            )

    def finish_validation(self, context: ImportContext) -> list[RowError]:
        periods: dict[int, list] = context.state.get("periods", {})
        errors: list[RowError] = []
        child_ids = list(periods)
        urn_of: dict[int, int] = {}
        for start in range(0, len(child_ids), 2000):
            batch = child_ids[start : start + 2000]
            recorded = defaultdict(list)
            for pk, child_id, provider_id, urn, s, e, dual, withdrawn in Placement.objects.filter(
                child_id__in=batch
            ).values_list(
                "id",
                "child_id",
                "provider_id",
                "provider__urn",
                "start_date",
                "end_date",
                "dual_registered",
                "withdrawn",
            ):
                recorded[child_id].append((pk, provider_id, urn, s, e, dual, withdrawn))
                urn_of[provider_id] = urn
            for child_id in batch:
                errors.extend(self._child_overlaps(periods[child_id], recorded.get(child_id, [])))
        return errors

    @staticmethod
    def _child_overlaps(file_periods: list, recorded: list) -> list[RowError]:
        errors = []
        by_id = {r[0]: r for r in recorded}
        exempt = set()  # rows updating a dual-registered or withdrawn placement keep that status
        resolved = []
        for start, end, row, _provider_id, urn, pk in file_periods:
            if pk is not None:
                _, _, _, _, old_end, dual, withdrawn = by_id[pk]
                if end is _KEEP:
                    end = old_end
                if dual or withdrawn:
                    exempt.add(row)
            elif end is _KEEP:
                end = None
            resolved.append((start, end, row, urn, pk))
        replaced = {pk for *_, pk in resolved if pk is not None}
        resolved.sort(key=lambda period: (period[0], period[2]))
        for i, (start, end, row, _urn, _pk) in enumerate(resolved):
            if row in exempt:
                continue
            for other_start, other_end, other_row, other_urn, _ in resolved[:i]:
                if other_row in exempt:
                    continue
                if rules.periods_overlap(start, end, other_start, other_end):
                    errors.append(
                        RowError(
                            row,
                            "start_date",
                            start.isoformat(),
                            f"overlaps the placement on row {other_row} (URN {other_urn} from "
                            f"{other_start:%d/%m/%Y}{_until(other_end)}): end one the day before "
                            "the other starts",
                        )
                    )
            for pk, _provider_id, other_urn, other_start, other_end, dual, withdrawn in recorded:
                if pk in replaced or dual or withdrawn:
                    continue
                if rules.periods_overlap(start, end, other_start, other_end):
                    errors.append(
                        RowError(
                            row,
                            "start_date",
                            start.isoformat(),
                            f"overlaps the child's recorded placement at URN {other_urn} from "
                            f"{other_start:%d/%m/%Y}{_until(other_end)}",
                        )
                    )
        return errors

    # Two write passes: every row that ends (or leaves ended) a placement is written before any
    # row that leaves one open, wherever each is in the file, so the one-open-placement-per-child
    # constraint never sees a child's new placement before the file has ended the old one.
    write_passes = 2

    def write_pass(self, clean: dict, context: ImportContext) -> int:
        return 1 if _leaves_open(clean) else 0

    def write_chunk(self, clean_rows: list[dict], context: ImportContext):
        existing = recorded(Placement, clean_rows)
        return upsert(
            Placement,
            clean_rows,
            existing,
            context,
            key_fields={"child_id", "provider_id", "start_date"},
            updates_first=True,
        )

    def refused_rows(self, clean_rows: list[dict], context: ImportContext) -> list[RowError]:
        """Rows leaving a placement open for a child with another open placement (recorded, or
        on another row of the refused rows): the one-open-placement rule."""
        opening = [clean for clean in clean_rows if _leaves_open(clean)]
        open_now = defaultdict(dict)  # child: {what it is: where}, recorded then on these rows
        for pk, child_id, urn, start in Placement.objects.filter(
            child_id__in={clean["child_id"] for clean in opening},
            end_date__isnull=True,
            dual_registered=False,
            withdrawn=False,
        ).values_list("id", "child_id", "provider__urn", "start_date"):
            open_now[child_id][pk] = f"URN {urn} from {start:%d/%m/%Y}"
        for clean in opening:
            where = f"URN {clean['_key'][1]} from {clean['start_date']:%d/%m/%Y}"
            open_now[clean["child_id"]][clean["_id"] or f"row {clean['_row']}"] = where
        errors = []
        for clean in opening:
            itself = clean["_id"] or f"row {clean['_row']}"
            others = sorted(
                where for what, where in open_now[clean["child_id"]].items() if what != itself
            )
            if others:
                errors.append(
                    RowError(
                        clean["_row"],
                        "end_date",
                        "",
                        f"leaves this placement of child {clean['_key'][0]} open, but the child "
                        f"has another open placement ({'; '.join(others)}): a child has one "
                        "open placement at a time, so give one of them an end date. Nothing "
                        "was written",
                    )
                )
        return errors


class _Keep:
    def __repr__(self) -> str:
        return "<unchanged>"


_KEEP = _Keep()


def _leaves_open(clean: dict) -> bool:
    """The row opens its placement, or leaves it open (a blank end date; no end date column
    for a new placement). A row updating a placement without the column leaves it as it was."""
    if "end_date" in clean:
        return clean["end_date"] is None
    return not clean.get("_exists")


def _until(end: dt.date | None) -> str:
    return f" to {end:%d/%m/%Y}" if end else " with no end date"


# --- sen2-events: annual reviews and phase transfers ---------------------------------------

EVENT_ALIASES = {
    "annual_review": "annual_review",
    "review": "annual_review",
    "phase_transfer": "phase_transfer",
    "transfer": "phase_transfer",
}
EVENT_CHOICES = [("annual_review", "Annual review"), ("phase_transfer", "Phase transfer")]


class Sen2Events(ImportKind):
    name = "sen2-events"
    label = "Annual reviews and phase transfers"
    description = (
        "Annual reviews and phase transfers of each child's latest EHC plan, for the SEN2 return."
    )
    columns = (
        Column("child_ref", True, "Must be a child already recorded, with an issued plan", "WS1"),
        Column("event", True, "annual_review or phase_transfer", "annual_review"),
        Column("date", True, "Review meeting date, or the phase transfer's due date", "2025-10-01"),
        Column("outcome", False, "Annual reviews: M (maintain), C (cease) or A (amend)", "M"),
        Column("decision_date", False, "Annual reviews: date the family was told", "2025-10-20"),
        Column("draft_amended_plan_date", False, "Annual reviews with outcome A", ""),
        Column("final_plan_date", False, "Phase transfers: final amended plan issued", ""),
    )
    key_columns = ("child_ref", "event", "date")

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.text("child_ref", required=True, max_length=32)
            p.field(
                "event",
                lambda v: parsing.parse_choice(v, EVENT_CHOICES, EVENT_ALIASES),
                required=True,
            )
            p.field("date", parsing.parse_date, required=True)
            p.field("outcome", lambda v: parsing.parse_choice(v, ReviewOutcome.choices))
            for column in ("decision_date", "draft_amended_plan_date", "final_plan_date"):
                p.field(column, parsing.parse_date)
            event, day = p.data.get("event"), p.data.get("date")
            decision = p.data.get("decision_date")
            review_only = ("outcome", "decision_date", "draft_amended_plan_date")
            if event == "annual_review":
                if p.data.get("final_plan_date"):
                    p.error("final_plan_date", "is for phase transfers only")
                if p.data.get("outcome") and not decision:
                    p.error("decision_date", "is required with an outcome")
                if decision and not p.data.get("outcome"):
                    p.error("outcome", "is required with a decision date")
                if day and decision and decision < day:
                    p.error("decision_date", f"is before the meeting date {day:%d/%m/%Y}")
            elif event == "phase_transfer":
                for column in review_only:
                    if p.data.get(column):
                        p.error(column, "is for annual reviews only")
            parsed.append(p)
        refs = {p.data["child_ref"] for p in parsed if p.data.get("child_ref")}
        children = dict(Child.objects.filter(child_ref__in=refs).values_list("child_ref", "id"))
        plans = latest_ehcps(children.values())
        clean_rows, errors = [], []
        for p in parsed:
            ref = p.data.get("child_ref")
            plan = plans.get(children.get(ref, 0)) if ref else None
            if ref and ref not in children:
                p.error("child_ref", "is not a known child: import the child first")
            elif ref and (plan is None or plan.issue_date is None):
                p.error("child_ref", "has no issued EHC plan")
            elif plan is not None and p.data.get("date") and p.data["date"] < plan.issue_date:
                p.error("date", f"is before the plan was issued ({plan.issue_date:%d/%m/%Y})")
            if p.ok and plan is not None:
                data = p.data
                data["ehcp_id"] = plan.pk
                data["_key"] = (ref, data["event"], data["date"])
                data["_exists"] = False
                clean_rows.append(data)
            errors.extend(p.errors)
        return clean_rows, errors

    def write_chunk(self, clean_rows: list[dict], context: ImportContext):
        created = updated = 0
        for event, model, date_field, fields in (
            (
                "annual_review",
                AnnualReview,
                "meeting_date",
                ("outcome", "decision_date", "draft_amended_plan_date"),
            ),
            ("phase_transfer", PhaseTransfer, "due_date", ("final_plan_date",)),
        ):
            rows = [c for c in clean_rows if c["event"] == event]
            if not rows:
                continue
            existing = {
                (obj.ehcp_id, getattr(obj, date_field)): obj
                for obj in model.objects.filter(ehcp_id__in={c["ehcp_id"] for c in rows})
            }
            new, changed, changed_fields = [], [], set()
            for c in rows:
                values = {name: c[name] for name in fields if name in c}
                if "outcome" in values and values["outcome"] is None:
                    values["outcome"] = ""
                obj = existing.get((c["ehcp_id"], c["date"]))
                if obj is None:
                    obj = model(ehcp_id=c["ehcp_id"], **{date_field: c["date"]}, **values)
                    existing[(c["ehcp_id"], c["date"])] = obj
                    new.append(obj)
                elif names := apply_changes(obj, values):
                    changed_fields.update(names)
                    changed.append(obj)
            bulk_create(model, new, context)
            bulk_update(model, changed, changed_fields, context)
            created += len(new)
            updated += len(changed)
        return created, updated


register_import_kind(ProvidersGias())
register_import_kind(Children())
register_import_kind(Placements())


# --- ofsted-outcomes ---------------------------------------------------------------------

SAFEGUARDING_CHOICES = [("met", "Met"), ("not_met", "Not met")]


def parse_report_card_grade(value: object) -> int:
    return int(parsing.parse_choice(value, ReportCardGrade.choices))


def parse_overall_effectiveness(value: object) -> int:
    found = OFSTED_GRADES.get(choices.normalise_choice(parsing.text(value)))
    if found:
        return found
    return int(parsing.parse_choice(value, Provider.OfstedGrade.choices))


class OfstedOutcomes(ImportKind):
    """Ofsted's published inspection outcomes, in either shape: the overall effectiveness
    judgement (inspections before November 2025) or a report card (area grades and whether
    safeguarding is met). A row gives one shape; the provider keeps whichever it last had."""

    name = "ofsted-outcomes"
    label = "Ofsted inspection outcomes"
    description = (
        "Latest inspection per school: overall effectiveness (old-style) or report card area "
        "grades and safeguarding (from November 2025)."
    )
    columns = (
        Column("urn", True, "School URN (already recorded)", "886123"),
        Column("inspection_date", True, "Date of the inspection", "2026-01-20"),
        Column(
            "overall_effectiveness",
            False,
            "Old-style judgement: Outstanding, Good, Requires improvement, Inadequate (or 1-4)",
            "",
        ),
        *(
            Column(code, False, f"Report card: {label} (exceptional … urgent improvement)", "")
            for code, label in REPORT_CARD_AREAS
        ),
        Column("safeguarding", False, "Report card: met or not met", "met"),
    )
    key_columns = ("urn",)

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.field("urn", lambda v: parsing.parse_int(v, minimum=1), required=True)
            p.field("inspection_date", parsing.parse_date, required=True)
            p.field("overall_effectiveness", parse_overall_effectiveness)
            for code, _label in REPORT_CARD_AREAS:
                p.field(code, parse_report_card_grade)
            p.field("safeguarding", lambda v: parsing.parse_choice(v, SAFEGUARDING_CHOICES))
            parsed.append(p)
        providers = dict(
            Provider.objects.filter(
                urn__in={p.data["urn"] for p in parsed if p.data.get("urn")}
            ).values_list("urn", "id")
        )
        clean_rows, errors = [], []
        for p in parsed:
            data = p.data
            urn = data.get("urn")
            if urn and urn not in providers:
                p.error("urn", "is not a known provider URN")
            areas = {code: data.get(code) for code, _ in REPORT_CARD_AREAS if data.get(code)}
            card = bool(areas) or bool(data.get("safeguarding"))
            old = data.get("overall_effectiveness") is not None
            if card and old:
                p.error(
                    "overall_effectiveness",
                    "give either the overall effectiveness or report card grades, not both",
                )
            elif not card and not old:
                p.error(
                    "overall_effectiveness", "give the overall effectiveness or report card grades"
                )
            elif card and not data.get("safeguarding"):
                p.error("safeguarding", "is required with report card grades: met or not met")
            if p.ok:
                clean = {"_row": data["_row"], "_key": (urn,), "_exists": True}
                clean["_id"] = providers[urn]
                if old:
                    grade = data["overall_effectiveness"]
                    clean.update(
                        ofsted_grade=grade,
                        ofsted_rating=str(Provider.OfstedGrade(grade).label),
                        ofsted_date=data["inspection_date"],
                    )
                else:
                    clean.update(
                        ofsted_report_card_date=data["inspection_date"],
                        ofsted_areas=areas,
                        ofsted_lowest_area_grade=max(areas.values()) if areas else None,
                        ofsted_safeguarding_met=data["safeguarding"] == "met",
                    )
                clean_rows.append(clean)
            errors.extend(p.errors)
        return clean_rows, errors

    def write_chunk(self, clean_rows, context):
        existing = Provider.objects.in_bulk([c["_id"] for c in clean_rows])
        changed = []
        fields: set[str] = set()
        for clean in clean_rows:
            provider = existing[clean["_id"]]
            values = {k: v for k, v in clean.items() if not k.startswith("_")}
            for name, value in values.items():
                setattr(provider, name, value)
            fields.update(values)
            changed.append(provider)
        bulk_update(Provider, changed, fields, context)
        return 0, len(changed)


register_import_kind(OfstedOutcomes())
register_import_kind(Sen2Events())
