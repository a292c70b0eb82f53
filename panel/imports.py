"""The panel's import kind: `panel-decisions` (found by `registry.autodiscover`).

Each row is one request put to a panel: the meeting is found or created by date and panel type,
the request by meeting, child and request type. `requested_cost` is the total requested annual
cost; `requested_additional_cost` is the part of it that is additional funding.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from imports import parsing
from imports.base import Column, ImportContext, ImportKind, RowParser
from imports.lookups import KeyIndex, mark, present, recorded, split
from imports.readers import Row
from imports.registry import register_import_kind
from imports.writing import bulk_create, model_fields, upsert
from placements.imports import KNOWN_CHILD, KNOWN_PROVIDER, parse_need

from .models import Meeting, PanelRequest, PanelType

PANEL_TYPE_ALIASES = {
    "ipp": PanelType.INDEPENDENT_PLACEMENT,
    "independent_placement_panel": PanelType.INDEPENDENT_PLACEMENT,
    "independent": PanelType.INDEPENDENT_PLACEMENT,
    "srp_panel": PanelType.SRP,
}
OUTCOME_ALIASES = {
    "more_information": PanelRequest.Outcome.MORE_INFORMATION,
    "more_info": PanelRequest.Outcome.MORE_INFORMATION,
    "more_information_required": PanelRequest.Outcome.MORE_INFORMATION,
    "additional_information_required": PanelRequest.Outcome.MORE_INFORMATION,
    "additional_information": PanelRequest.Outcome.MORE_INFORMATION,
    "approved": PanelRequest.Outcome.AGREED,
    "agree": PanelRequest.Outcome.AGREED,
    "not_agreed": PanelRequest.Outcome.DECLINED,
    "refused": PanelRequest.Outcome.DECLINED,
}


def _decided_at(panel_date: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(panel_date, dt.time(12)))


class PanelDecisions(ImportKind):
    name = "panel-decisions"
    label = "Panel decisions"
    description = "Requests put to panels and their outcomes (creates the meetings as needed)."
    columns = (
        Column("panel_date", True, "", "2025-03-12"),
        Column("panel_type", True, "independent_placement, srp or other", "independent_placement"),
        Column("child_ref", True, "Must be a child already recorded", "WS000123"),
        Column(
            "request_type",
            True,
            "new_placement, additional_funding, change_of_placement or continuation",
            "new_placement",
        ),
        Column("provider_urn", False, "Optional; must be a recorded provider", "886123"),
        Column("primary_need", True, "SEN2 need code", "ASD"),
        Column("secondary_need", False, "", ""),
        Column("requested_cost", True, "Total requested annual cost", "42000.00"),
        Column(
            "requested_additional_cost",
            False,
            "The part of it that is additional funding",
            "6000.00",
        ),
        Column("agreed_cost", False, "", "40000.00"),
        Column(
            "outcome",
            False,
            "agreed, declined, more information (required) or deferred; blank if undecided",
            "agreed",
        ),
        Column("reason", False, "The panel's reason", "No local provision can meet need"),
    )
    key_columns = ("panel_date", "panel_type", "child_ref", "request_type")

    def validate_chunk(self, rows: list[Row], context: ImportContext):
        parsed = []
        for row in rows:
            p = RowParser(row, context)
            p.field("panel_date", parsing.parse_date, required=True)
            p.field(
                "panel_type",
                lambda v: parsing.parse_choice(v, PanelType.choices, PANEL_TYPE_ALIASES),
                required=True,
            )
            p.text("child_ref", required=True)
            p.field(
                "request_type",
                lambda v: parsing.parse_choice(v, PanelRequest.RequestType.choices),
                required=True,
            )
            p.field("provider_urn", lambda v: parsing.parse_int(v, minimum=1))
            p.field("primary_need", parse_need, required=True, to="primary_need_id")
            p.field("secondary_need", parse_need, to="secondary_need_id")
            p.field("requested_cost", parsing.parse_money, required=True, to="_total")
            p.field("requested_additional_cost", parsing.parse_money, to="_additional")
            p.field("agreed_cost", parsing.parse_money)
            p.field(
                "outcome",
                lambda v: parsing.parse_choice(v, PanelRequest.Outcome.choices, OUTCOME_ALIASES),
            )
            if p.data.get("outcome", "") is None:
                p.data["outcome"] = ""
            p.text("reason", to="decision_reason")
            parsed.append(p)
        children = KNOWN_CHILD.resolve(parsed, "child_ref", to="child_id")
        providers = KNOWN_PROVIDER.resolve(parsed, "provider_urn", to="provider_id")
        meetings = KeyIndex(Meeting, ("date", "panel_type"), date__in=present(parsed, "panel_date"))
        existing = KeyIndex(
            PanelRequest,
            ("meeting_id", "child_id", "request_type"),
            also=("requested_additional_cost",),
            meeting_id__in=meetings.pks(),
            child_id__in=children.pks(),
        )
        for p in parsed:
            data = p.data
            ref = data.get("child_ref")
            meeting_id = meetings.find(data.get("panel_date"), data.get("panel_type"))
            found = existing.record(meeting_id, children.get(ref), data.get("request_type"))
            if "_total" in data and data["_total"] is not None:
                if "_additional" in data:
                    additional = data["_additional"] or Decimal(0)
                else:
                    additional = found[1] if found else Decimal(0)
                if additional > data["_total"]:
                    p.error(
                        "requested_additional_cost",
                        f"is more than the total requested cost {data['_total']}",
                        additional,
                    )
                else:
                    data["requested_base_cost"] = data["_total"] - additional
                    data["requested_additional_cost"] = additional
            if p.ok:
                children.swap(data)
                providers.swap(data)
                data.pop("_total", None)
                data.pop("_additional", None)
                key = (data["panel_date"], data["panel_type"], ref, data["request_type"])
                mark(data, key, found[0] if found else None)
        return split(parsed)

    def write_chunk(self, clean_rows, context: ImportContext):
        wanted = {(c["panel_date"], c["panel_type"]) for c in clean_rows}
        meetings = {
            (m.date, m.panel_type): m
            for m in Meeting.objects.filter(date__in={d for d, _ in wanted})
        }
        new_meetings = [Meeting(date=d, panel_type=t) for d, t in wanted if (d, t) not in meetings]
        for meeting in bulk_create(Meeting, new_meetings, context):
            meetings[(meeting.date, meeting.panel_type)] = meeting
        existing = recorded(PanelRequest, clean_rows)
        user = context.user if getattr(context.user, "is_authenticated", False) else None
        decided_before = {pk for pk, request in existing.items() if request.is_decided}

        def values_of(clean: dict) -> dict:
            values = model_fields(clean)
            panel_date = values.pop("panel_date")
            values["meeting_id"] = meetings[(panel_date, values.pop("panel_type"))].pk
            return values

        def build(values: dict, clean: dict) -> PanelRequest:
            request = PanelRequest(created_by=user, **values)
            if request.is_decided:
                request.decided_at = _decided_at(clean["panel_date"])
                request.decided_by = user
            return request

        def on_change(request: PanelRequest, clean: dict) -> None:
            if request.is_decided and request.pk not in decided_before:
                request.decided_at = _decided_at(clean["panel_date"])
                request.decided_by = user
            elif not request.is_decided:
                request.decided_at = None
                request.decided_by = None

        return upsert(
            PanelRequest,
            clean_rows,
            existing,
            context,
            key_fields={"meeting_id", "child_id", "request_type"},
            extra_fields={"decided_at", "decided_by"},
            values_of=values_of,
            build=build,
            on_change=on_change,
        )


register_import_kind(PanelDecisions())
