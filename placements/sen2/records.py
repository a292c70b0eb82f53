"""Read the return's records from the database, applying the DfE guide's scope rules.

The result is a list of `Node`s (one per person, with its requests, assessments, plans and
placements nested as in the XML), which `xml.py` writes and `checks.py` checks. Every SEN2
code is worked out here and nowhere else.

Scope (docs/sen2.md, "Who and what is in the return"), for census date C and the collection
period P (the calendar year before C):

* nothing dated after C is reported: a request received after C is left out; a decision, issue,
  cease, review or placement dated after C is treated as not having happened yet;
* a request whose story ended before P starts is left out: refused or withdrawn before P, not
  issued before P, or a plan that ceased before P;
* a request decided before P is reported with RequestOutcome `H` and no date; an assessment
  decided before P (a plan issued before P) with AssessmentOutcome `H` and no date;
* ActivePlans, PlacementDetail and SENneed describe plans and placements active on C.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from placements import rules
from placements.models import (
    EHCP,
    AttendancePattern,
    Child,
    IssueDecision,
    NamedSetting,
    Placement,
    PlacementRank,
    Provider,
    Residential,
)

from . import spec


@dataclass
class Node:
    """One element of the return: its items (in specification order, blank = not sent) and the
    elements nested in it. `source` says which record it came from, for the validation list."""

    tag: str
    items: dict[str, str]
    children: list[Node] = field(default_factory=list)
    source: str = ""
    context: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.items.get(name, "")

    def find_all(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def find(self, tag: str) -> Node | None:
        found = self.find_all(tag)
        return found[0] if found else None


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _upto(value: dt.date | None, census: dt.date) -> dt.date | None:
    """A date, or None when it falls after the census date (not happened yet as at census)."""
    return value if value and value <= census else None


def _node(
    tag: str,
    names: list[str],
    values: dict[str, str],
    source: str = "",
    context: dict[str, str] | None = None,
) -> Node:
    unknown = set(values) - set(names)
    if unknown:
        raise ValueError(f"{tag} has no items {sorted(unknown)}")
    return Node(
        tag=tag,
        items={name: values.get(name, "") for name in names},
        source=source,
        context=context or {},
    )


# --- Scope ----------------------------------------------------------------------------------


def ehcp_in_scope(ehcp: EHCP, *, census: dt.date, period_start: dt.date) -> bool:
    anchor = ehcp.request_date or ehcp.issue_date
    if anchor is None or anchor > census:
        return False
    issued = _upto(ehcp.issue_date, census)
    if issued:
        ceased = _upto(ehcp.ceased_date, census)
        return ceased is None or ceased >= period_start
    decided = _upto(ehcp.assessment_decision_date, census)
    if ehcp.assessment_decision in (
        EHCP.AssessmentDecision.REFUSED,
        EHCP.AssessmentDecision.WITHDRAWN,
    ):
        return decided is None or decided >= period_start
    not_issued = _upto(ehcp.issue_decision_date, census)
    if ehcp.issue_decision in (IssueDecision.NOT_ISSUE, IssueDecision.WITHDRAWN) or (
        ehcp.status == EHCP.Status.NOT_ISSUED
    ):
        return not_issued is None or not_issued >= period_start
    return True


# --- Codes ----------------------------------------------------------------------------------


def request_outcome(
    ehcp: EHCP, *, census: dt.date, period_start: dt.date
) -> tuple[str, dt.date | None]:
    """(RequestOutcome, RequestOutcomeDate): the decision whether to assess, as at census."""
    issued = _upto(ehcp.issue_date, census)
    if issued and issued < period_start:
        return "H", None
    decided = _upto(ehcp.assessment_decision_date, census)
    decision = str(ehcp.assessment_decision)
    if ehcp.assessment_decision_date and decided is None:
        decision = EHCP.AssessmentDecision.PENDING.value  # decided after the census date
    code = {
        EHCP.AssessmentDecision.ASSESS.value: "Y",
        EHCP.AssessmentDecision.REFUSED.value: "N",
        EHCP.AssessmentDecision.WITHDRAWN.value: "W",
    }.get(decision, "Y" if issued else "A")
    if code in spec.OUTCOMES_WITH_DATE and decided and decided < period_start:
        return "H", None
    return code, (decided if code in spec.OUTCOMES_WITH_DATE else None)


def assessment_outcome(
    ehcp: EHCP, *, census: dt.date, period_start: dt.date
) -> tuple[str, dt.date | None]:
    """(AssessmentOutcome, AssessmentOutcomeDate): the decision whether to issue a plan."""
    issued = _upto(ehcp.issue_date, census)
    if issued:
        return ("H", None) if issued < period_start else ("Y", issued)
    told = _upto(ehcp.issue_decision_date, census)
    if ehcp.issue_decision == IssueDecision.NOT_ISSUE or (
        not ehcp.issue_decision and ehcp.status == EHCP.Status.NOT_ISSUED
    ):
        if ehcp.issue_decision_date and told is None:
            return "A", None
        return ("H", None) if told and told < period_start else ("N", told)
    if ehcp.issue_decision == IssueDecision.WITHDRAWN:
        return "W", None
    if ehcp.issue_decision == IssueDecision.ISSUE:
        return "Y", None  # decided to issue, not yet issued: no date
    return "A", None


def placement_rank(placement: Placement) -> int:
    if placement.placement_rank:
        return placement.placement_rank
    return PlacementRank.SECONDARY if placement.dual_registered else PlacementRank.PRIMARY


def residential_code(placement: Placement) -> str:
    if placement.residential:
        return placement.residential
    codes: dict[str, str] = {
        AttendancePattern.FIFTY_TWO_WEEK.value: Residential.WEEKS_52.value,
        AttendancePattern.WEEKLY.value: Residential.WEEKS_38_51.value,
    }
    return codes.get(str(placement.attendance_pattern), "")


def _setting_items(
    *,
    provider: Provider | None,
    sen2_setting: str,
    other: str,
    sen_unit: bool,
    resourced: bool,
) -> dict[str, str]:
    """URN/UKPRN with the two indicators; or, where there is no URN or UKPRN (or a SEN2 setting
    code is recorded), SENSetting and SENSettingOther instead."""
    if sen2_setting or provider is None:
        return {"SENSetting": sen2_setting, "SENSettingOther": other}
    return {
        "URN": f"{provider.urn:06d}" if provider.urn else "",
        "UKPRN": provider.ukprn,
        "SENunitIndicator": _flag(sen_unit),
        "ResourcedProvisionIndicator": _flag(resourced),
    }


# --- Modules --------------------------------------------------------------------------------


def _person(child: Child) -> Node:
    return _node(
        "Person",
        spec.PERSON,
        {
            "Surname": child.last_name.strip(),
            "Forename": child.first_name.strip(),
            "PersonBirthDate": _d(child.date_of_birth),
            "Sex": spec.SEX_CODES.get(child.sex, ""),
            "Ethnicity": child.ethnicity,
            "PostCode": child.home_postcode.strip().upper(),
            "UPN": child.upn.strip().upper(),
            "UniqueLearnerNumber": child.uln.strip(),
            "UPNunknown": "" if (child.upn or child.uln) else child.upn_unknown,
        },
        source=f"child {child.child_ref}",
        context={"person_id": child.child_ref},
    )


def _plan_details(ehcp: EHCP, placements: list[Placement]) -> list[Node]:
    """The settings named in the plan; where none are recorded, the child's placements on the
    day the plan was issued (docs/sen2.md)."""
    source = f"child {ehcp.child.child_ref}, EHCP {ehcp.pk}"
    named: list[NamedSetting] = list(ehcp.named_settings.all())
    if named:
        return [
            _node(
                "PlanDetail",
                spec.PLAN_DETAIL,
                {
                    **_setting_items(
                        provider=setting.provider,
                        sen2_setting=setting.sen2_setting,
                        other=setting.sen2_setting_other,
                        sen_unit=setting.sen_unit,
                        resourced=setting.resourced_provision,
                    ),
                    "PlacementRank": str(setting.rank),
                },
                source=f"{source}, named setting {setting.pk}",
            )
            for setting in named
        ]
    on_issue = [p for p in placements if p.is_active_on(ehcp.issue_date)]
    return [
        _node(
            "PlanDetail",
            spec.PLAN_DETAIL,
            {
                **_setting_items(
                    provider=p.provider,
                    sen2_setting=p.sen2_setting,
                    other=p.sen2_setting_other,
                    sen_unit=p.sen_unit,
                    resourced=p.resourced_provision,
                ),
                "PlacementRank": str(placement_rank(p)),
            },
            source=f"{source}, placement {p.pk}",
        )
        for p in sorted(on_issue, key=lambda p: (placement_rank(p), p.start_date, p.pk))
    ]


def _active_plans(ehcp: EHCP, placements: list[Placement], census: dt.date) -> Node:
    source = f"child {ehcp.child.child_ref}, EHCP {ehcp.pk}"
    reviews = [r for r in ehcp.annual_reviews.all() if r.meeting_date <= census]
    review = max(reviews, key=lambda r: (r.meeting_date, r.pk)) if reviews else None
    transfers = [t for t in ehcp.phase_transfers.all() if t.due_date <= census]
    transfer = max(transfers, key=lambda t: (t.due_date, t.pk)) if transfers else None
    decided = _upto(review.decision_date, census) if review else None
    node = _node(
        "ActivePlans",
        spec.ACTIVE_PLANS,
        {
            "TransferLA": ehcp.transfer_la,
            "ReviewMeeting": _d(review.meeting_date) if review else "",
            "ReviewOutcome": review.outcome if review and decided else "",
            "ReviewDraft": _d(_upto(review.draft_amended_plan_date, census)) if review else "",
            "PhaseTransferDueDate": _d(transfer.due_date) if transfer else "",
            "PhaseTransferFinalDate": (
                _d(_upto(transfer.final_plan_date, census)) if transfer else ""
            ),
            "LastReview": _d(decided),
        },
        source=source,
    )
    active = [p for p in placements if p.is_active_on(census)]
    for p in sorted(active, key=lambda p: (placement_rank(p), p.start_date, p.pk)):
        node.children.append(
            _node(
                "PlacementDetail",
                spec.PLACEMENT_DETAIL,
                {
                    **_setting_items(
                        provider=p.provider,
                        sen2_setting=p.sen2_setting,
                        other=p.sen2_setting_other,
                        sen_unit=p.sen_unit,
                        resourced=p.resourced_provision,
                    ),
                    "PlacementRank": str(placement_rank(p)),
                    "EntryDate": _d(p.start_date),
                    "LeavingDate": _d(_upto(p.end_date, census)),
                    "RES": residential_code(p),
                    "WBP": p.work_based_learning,
                },
                source=f"child {ehcp.child.child_ref}, placement {p.pk}",
            )
        )
        node.children[-1].context["setting_group"] = p.setting_group
    for rank, need in enumerate((ehcp.primary_need_id, ehcp.secondary_need_id), start=1):
        if need:
            node.children.append(
                _node(
                    "SENneed",
                    spec.SEN_NEED,
                    {"SENtype": need, "SENtypeRank": str(rank)},
                    source=source,
                )
            )
    return node


def _request(
    ehcp: EHCP, placements: list[Placement], *, census: dt.date, period_start: dt.date
) -> Node:
    source = f"child {ehcp.child.child_ref}, EHCP {ehcp.pk}"
    outcome, outcome_date = request_outcome(ehcp, census=census, period_start=period_start)
    request = _node(
        "Requests",
        spec.REQUEST,
        {
            "ReceivedDate": _d(ehcp.request_date),
            "RequestSource": str(ehcp.request_source or ""),
            "RYA": _flag(ehcp.request_in_youth_accommodation),
            "RequestOutcomeDate": _d(outcome_date),
            "RequestOutcome": outcome,
            "RequestMediation": _flag(ehcp.request_mediation),
            "RequestTribunal": _flag(ehcp.request_tribunal),
            "Exported": ehcp.request_exported,
        },
        source=source,
        context={"request_id": f"{ehcp.child.child_ref}-{ehcp.pk}"},
    )
    assessed = outcome == "Y" or (outcome == "H" and ehcp.assessment_decision != "refused")
    if not assessed:
        return request
    a_outcome, a_date = assessment_outcome(ehcp, census=census, period_start=period_start)
    assessment = _node(
        "Assessment",
        spec.ASSESSMENT,
        {
            "AssessmentOutcome": a_outcome,
            "AssessmentOutcomeDate": _d(a_date),
            "AssessmentMediation": _flag(ehcp.assessment_mediation),
            "AssessmentTribunal": _flag(ehcp.assessment_tribunal),
            "OtherMediation": _flag(ehcp.other_mediation),
            "OtherTribunal": _flag(ehcp.other_tribunal),
            "Week20": _flag(ehcp.week20_exception),
        },
        source=source,
    )
    request.children.append(assessment)
    issued = _upto(ehcp.issue_date, census)
    if issued:
        ceased = _upto(ehcp.ceased_date, census)
        plan = _node(
            "NamedPlan",
            spec.NAMED_PLAN,
            {
                "StartDate": _d(issued),
                "PlanRes": ehcp.plan_residential,
                "PlanWBP": ehcp.plan_work_based_learning,
                "PB": _flag(ehcp.personal_budget),
                "OA": _flag(ehcp.personal_budget_organised),
                "DP": ehcp.personal_budget_direct_payments,
                "CeaseDate": _d(ceased),
                "CeaseReason": str(ehcp.cease_reason or "") if ceased else "",
            },
            source=source,
        )
        plan.children.extend(_plan_details(ehcp, placements))
        assessment.children.append(plan)
        if rules.is_active(issued, ehcp.ceased_date, census):
            request.children.append(_active_plans(ehcp, placements, census))
    return request


Progress = Callable[[int, int, str], None]


def collect(census_date: dt.date, *, progress: Progress | None = None) -> list[Node]:
    """Every person in the return, with their in-scope requests nested as in the XML.
    `progress(done, total, message)` is told every 500 children read."""
    period_start, _ = spec.collection_period(census_date)
    ehcps = EHCP.objects.order_by("request_date", "issue_date", "id").prefetch_related(
        Prefetch("named_settings", queryset=NamedSetting.objects.select_related("provider")),
        "annual_reviews",
        "phase_transfers",
    )
    children = (
        Child.objects.filter(ehcps__isnull=False)
        .distinct()
        .order_by("child_ref")
        .prefetch_related(
            Prefetch("ehcps", queryset=ehcps),
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(withdrawn=False, start_date__lte=census_date)
                .select_related("provider")
                .order_by("start_date", "id"),
            ),
        )
    )
    persons: list[Node] = []
    total = children.count() if progress else 0
    for done, child in enumerate(children.iterator(chunk_size=500)):
        if progress and done % 500 == 0:
            progress(done, total, f"Reading children's records: {done:,} of {total:,}")
        in_scope = [
            e
            for e in child.ehcps.all()
            if ehcp_in_scope(e, census=census_date, period_start=period_start)
        ]
        if not in_scope:
            continue
        placements = list(child.placements.all())
        person = _person(child)
        for ehcp in in_scope:
            ehcp.child = child  # already loaded: no query per EHCP for its child_ref
            person.children.append(
                _request(ehcp, placements, census=census_date, period_start=period_start)
            )
        persons.append(person)
    return persons
