"""Reads for panel meetings and requests: each page's queries, decided in one place."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    Expression,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core import disclosure, money
from core.numbers import whole_number
from placements.models import Placement, Provider
from placements.selectors import provider_search

from .models import Meeting, PanelRequest

OUTCOMES = [value for value, _ in PanelRequest.Outcome.choices]
RETURNING_OUTCOMES = (PanelRequest.Outcome.MORE_INFORMATION, PanelRequest.Outcome.DEFERRED)
DECISION_FIELDS = ["outcome", "agreed_cost", "conditions", "decision_reason", "placement"]

_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
_ZERO = Value(Decimal(0), output_field=_MONEY)


def _with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        request_count=Count("requests"),
        undecided_count=Count("requests", filter=Q(requests__outcome="")),
    )


def meetings_upcoming(*, today: dt.date) -> QuerySet[Meeting]:
    return _with_counts(Meeting.objects.filter(date__gte=today)).order_by("date", "panel_type")


def meetings_past(*, today: dt.date) -> QuerySet[Meeting]:
    return _with_counts(Meeting.objects.filter(date__lt=today)).order_by("-date", "panel_type")


def meeting_next(*, today: dt.date) -> Meeting | None:
    return meetings_upcoming(today=today).first()


def meeting_after(meeting: Meeting) -> Meeting | None:
    """The next meeting of the same panel after this one: where returning requests go."""
    return (
        Meeting.objects.filter(panel_type=meeting.panel_type, date__gt=meeting.date)
        .order_by("date")
        .first()
    )


def meeting_agenda(*, meeting_id: int) -> QuerySet[PanelRequest]:
    """A meeting's requests with everything the agenda shows: one query whatever their number.
    The meeting itself and who recorded each decision are left out (the caller has the meeting;
    add `decided_by` where it is shown): each join more doubled PostgreSQL's planning time,
    which was most of the query's."""
    return (
        PanelRequest.objects.filter(meeting_id=meeting_id)
        .select_related(
            "child", "provider", "primary_need", "secondary_need", "returning_from__meeting"
        )
        .order_by("id")
    )


AGENDA_PAGE_SIZE = 10
"""Requests on one page of a meeting's agenda (each with its decision form): a regional panel
can hear hundreds."""


def agenda_page_number(*, meeting_id: int, request_id: int) -> int:
    """The page of the meeting's agenda (ordered as `meeting_agenda`) that shows the request."""
    before = PanelRequest.objects.filter(meeting_id=meeting_id, id__lt=request_id).count()
    return before // AGENDA_PAGE_SIZE + 1


def meeting_totals(*, meeting_id: int) -> dict[str, Any]:
    """Running totals of a meeting in one query: per outcome the number of requests, the
    requested and the agreed annual cost; the undecided requests; and the whole agenda."""
    requested = PanelRequest.requested_cost_expression()
    aggregates: dict[str, Expression] = {
        "all_count": Count("id"),
        "all_requested": Coalesce(Sum(requested), _ZERO),
    }
    for outcome in ["", *OUTCOMES]:
        key = outcome or "undecided"
        only = Q(outcome=outcome)
        aggregates[f"{key}_count"] = Count("id", filter=only)
        aggregates[f"{key}_requested"] = Coalesce(
            Sum(requested, filter=only, output_field=_MONEY), _ZERO
        )
        aggregates[f"{key}_agreed"] = Coalesce(
            Sum("agreed_cost", filter=only, output_field=_MONEY), _ZERO
        )
    values = PanelRequest.objects.filter(meeting_id=meeting_id).aggregate(**aggregates)
    labels = dict(PanelRequest.Outcome.choices)
    rows = [
        {
            "outcome": outcome,
            "label": labels[outcome],
            "requests": values[f"{outcome}_count"],
            "requested": values[f"{outcome}_requested"],
            "agreed": values[f"{outcome}_agreed"],
        }
        for outcome in OUTCOMES
    ]
    return {
        "rows": rows,
        "undecided": {
            "requests": values["undecided_count"],
            "requested": values["undecided_requested"],
        },
        "decided": values["all_count"] - values["undecided_count"],
        "requests": values["all_count"],
        "requested": values["all_requested"],
    }


def request_detail(*, request_id: int) -> PanelRequest:
    return PanelRequest.objects.select_related(
        "meeting",
        "child",
        "provider",
        "primary_need",
        "secondary_need",
        "returning_from__meeting",
        "returning_from__decided_by",
        "returned_as__meeting",
        "decided_by",
        "created_by",
        "placement__provider",
    ).get(pk=request_id)


def _show(field: str, value: object, item: PanelRequest) -> str:
    if value in (None, ""):
        return "–"
    if field == "outcome":
        return dict(PanelRequest.Outcome.choices).get(str(value), str(value))
    if field == "agreed_cost":
        return f"£{money.round_money(Decimal(str(value))):,.2f}"
    if field == "placement":
        return "recorded"
    return str(value)


FIELD_LABELS = {
    "outcome": "Outcome",
    "agreed_cost": "Agreed annual cost",
    "conditions": "Conditions",
    "decision_reason": "Reason",
    "placement": "Agreed placement",
}


def request_history(item: PanelRequest) -> list[dict[str, Any]]:
    """Every change to the request's decision, oldest first: who, when, and before → after."""
    records = list(item.history.select_related("history_user").order_by("history_date", "pk"))
    entries: list[dict[str, Any]] = []
    previous = None
    for record in records:
        if previous is None:
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "added": True,
                    "changes": [],
                }
            )
        else:
            delta = record.diff_against(previous, included_fields=DECISION_FIELDS)
            changes = [
                {
                    "field": FIELD_LABELS[change.field],
                    "before": _show(change.field, change.old, item),
                    "after": _show(change.field, change.new, item),
                }
                for change in delta.changes
                if _show(change.field, change.old, item) != _show(change.field, change.new, item)
            ]
            if changes:
                entries.append(
                    {
                        "when": record.history_date,
                        "who": record.history_user,
                        "added": False,
                        "changes": changes,
                    }
                )
        previous = record
    return entries


# --- Summary (docs/definitions.md, the deck's table) ------------------------------------------


def panel_summary(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    meeting: Meeting | None = None,
    suppress: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    """Per outcome the number of decided requests and their requested annual cost in £'000;
    and the share of those requests by need ("ASD with SEMH" when a secondary need is recorded).
    Each table ends with its total row (outcome "total", need "Total"); the needs table is
    empty when nothing was decided.

    Counts decided requests only, in both tables, of one meeting or of the meetings dated
    from `date_from` to `date_to` inclusive. Plain rows, for the page, the downloads and the
    `report panel-summary` command alike.

    `suppress` gives the figures as people without casework see them (docs/security.md): the
    dates widened to whole months, small counts and enough others hidden that no `c` can be
    worked out from a total, counts rounded to the nearest 5, money to the nearest £5,000 and
    shares to whole percents of the rounded counts.
    """
    if suppress:
        date_from, date_to = disclosure.whole_months(date_from, date_to)
    requests = PanelRequest.objects.exclude(outcome="")
    if meeting is not None:
        requests = requests.filter(meeting=meeting)
    if date_from is not None:
        requests = requests.filter(meeting__date__gte=date_from)
    if date_to is not None:
        requests = requests.filter(meeting__date__lte=date_to)
    rows = list(
        requests.values("outcome", "primary_need_id", "secondary_need_id")
        .annotate(
            requests=Count("id"),
            cost=Sum(PanelRequest.requested_cost_expression(), output_field=_MONEY),
        )
        .order_by()
    )
    requests_by_outcome = dict.fromkeys(OUTCOMES, 0)
    cost_by_outcome = dict.fromkeys(OUTCOMES, Decimal(0))
    by_need: dict[str, int] = {}
    for row in rows:
        requests_by_outcome[row["outcome"]] += row["requests"]
        cost_by_outcome[row["outcome"]] += Decimal(row["cost"] or 0)
        need = PanelRequest.label_for_needs(row["primary_need_id"], row["secondary_need_id"])
        by_need[need] = by_need.get(need, 0) + row["requests"]
    total = sum(by_need.values())
    costs = [cost_by_outcome[outcome] for outcome in OUTCOMES] + [sum(cost_by_outcome.values())]
    counts = [requests_by_outcome[outcome] for outcome in OUTCOMES] + [total]
    outcomes: list[dict[str, Any]] = [
        {"outcome": outcome, "requests": count, "cost_thousands": cost}
        for outcome, count, cost in zip([*OUTCOMES, "total"], counts, costs, strict=True)
    ]
    needs = [
        {
            "need": need,
            "requests": count,
            "percent": money.round_half_up(Decimal(count) * 100 / Decimal(total), 1),
        }
        for need, count in sorted(by_need.items(), key=lambda pair: (-pair[1], pair[0]))
    ]
    if needs:
        needs.append({"need": "Total", "requests": total, "percent": Decimal("100.0")})
    if suppress:
        outcomes, needs = _summary_disclosed(outcomes, needs)
    else:
        for row in outcomes:
            row["cost_thousands"] = int(money.round_half_up(row["cost_thousands"] / 1000))
    return {"outcomes": outcomes, "needs": needs}


def _summary_disclosed(
    outcomes: list[dict[str, Any]], needs: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The summary's two tables as people without casework see them. Both end with the same
    total (all decided requests), so when either hides it the other must too."""

    def hide(hidden_total: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return (
            disclosure.suppress_table(
                outcomes,
                count_fields=["requests"],
                figure_fields=["cost_thousands"],
                has_total_row=True,
                hidden={(len(outcomes) - 1, "requests")} if hidden_total else set(),
            ),
            disclosure.suppress_table(
                needs,
                count_fields=["requests"],
                figure_fields=["percent"],
                has_total_row=True,
                hidden={(len(needs) - 1, "requests")} if hidden_total and needs else set(),
            ),
        )

    shown_outcomes, shown_needs = hide(hidden_total=False)
    totals = [table[-1]["requests"] for table in (shown_outcomes, shown_needs) if table]
    if disclosure.SUPPRESSED in totals:
        shown_outcomes, shown_needs = hide(hidden_total=True)
    for row in shown_outcomes:
        row["requests"] = disclosure.round_count(row["requests"])
        cost = disclosure.round_money(row["cost_thousands"])
        row["cost_thousands"] = cost if cost == disclosure.SUPPRESSED else int(cost / 1000)
    for row in shown_needs:
        row["requests"] = disclosure.round_count(row["requests"])
    base = shown_needs[-1]["requests"] if shown_needs else 0
    for row in shown_needs:
        row["percent"] = disclosure.rounded_percent(row["requests"], base)
    return shown_outcomes, shown_needs


# --- Past decisions ------------------------------------------------------------------


def decisions_search(
    *,
    child: str = "",
    provider: str = "",
    outcome: str = "",
    need: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[PanelRequest]:
    """Decided requests, newest meeting first, filtered by any of child (reference or name),
    provider (name or URN), outcome, need (primary or secondary) and meeting date."""
    decisions = PanelRequest.objects.exclude(outcome="").select_related(
        "meeting", "child", "provider", "primary_need", "secondary_need"
    )
    for term in child.split():
        decisions = decisions.filter(
            Q(child__child_ref__icontains=term)
            | Q(child__first_name__icontains=term)
            | Q(child__last_name__icontains=term)
        )
    provider = provider.strip()
    if provider:
        match = Q(provider__name__icontains=provider)
        if (urn := whole_number(provider)) is not None:
            match |= Q(provider__urn=urn)
        decisions = decisions.filter(match)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    if need:
        decisions = decisions.filter(Q(primary_need_id=need) | Q(secondary_need_id=need))
    if date_from:
        decisions = decisions.filter(meeting__date__gte=date_from)
    if date_to:
        decisions = decisions.filter(meeting__date__lte=date_to)
    return decisions.order_by("-meeting__date", "id")


def provider_suggestions(*, query: str, limit: int = 10) -> list[Provider]:
    query = query.strip()
    if len(query) < 2:
        return []
    return list(provider_search(query=query).prefetch_related(None)[:limit])


_NAME_WITH_URN = re.compile(r"^(?P<name>.*?)\s*\((?P<urn>\d+)\)\s*$")


def provider_lookup(text: str) -> list[Provider]:
    """The providers a typed value names exactly: a URN, `Name (URN)` as the suggestions
    show it, or a whole name (case-insensitive). Two or more means the name is ambiguous."""
    text = " ".join(text.split())
    if not text:
        return []
    if (urn := whole_number(text)) is not None:
        return list(Provider.objects.filter(urn=urn))
    match = _NAME_WITH_URN.match(text)
    if match:
        return list(Provider.objects.filter(urn=int(match["urn"])))
    return list(Provider.objects.filter(name__iexact=text)[:5])


def panel_summary_page(summary: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The summary as the page shows it: outcome labels, and the chart's data (None when every
    count is zero or suppressed: nothing to draw)."""
    labels = {**dict(PanelRequest.Outcome.choices), "total": "Total"}
    outcomes = [{**row, "label": labels[row["outcome"]]} for row in summary["outcomes"]]
    counts = [
        None if row["requests"] == disclosure.SUPPRESSED else row["requests"]
        for row in outcomes[:-1]
    ]
    chart = None
    if any(counts):
        chart = {
            "type": "bar",
            "labels": [row["label"] for row in outcomes[:-1]],
            "datasets": [{"label": "Requests", "data": counts}],
        }
    return {"outcomes": outcomes, "needs": summary["needs"], "chart": chart}


def agreed_not_placed() -> QuerySet[PanelRequest]:
    """Agreed requests for a new or changed placement that no placement has followed yet
    (none linked, and none for the child starting on or after the meeting)."""
    placed_since = Placement.objects.filter(
        child_id=OuterRef("child_id"), withdrawn=False, start_date__gte=OuterRef("meeting__date")
    )
    return (
        PanelRequest.objects.exclude(Exists(placed_since))
        .filter(
            outcome=PanelRequest.Outcome.AGREED,
            placement__isnull=True,
            request_type__in=[
                PanelRequest.RequestType.NEW_PLACEMENT,
                PanelRequest.RequestType.CHANGE_OF_PLACEMENT,
            ],
        )
        .select_related("child", "meeting", "provider")
        .order_by("meeting__date", "id")
    )
