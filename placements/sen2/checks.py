"""The SEN2 return's record rules: every record that breaks one, with counts by rule.

`sen2.xsd` checks the XML's structure and codes; these rules check what a schema cannot (items
needed only in some cases, dates that contradict each other) and name the record to fix. The
result feeds `manage.py sen2` now and the commissioners' SEN2 page later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from placements import rules

from . import spec
from .records import Node

RULES: dict[str, str] = {
    "header": "The header is wrong (LA number, census date)",
    "missing_item": "A mandatory item is missing",
    "upn_unknown_missing": "No UPN, no ULN and no reason why (UPNunknown)",
    "bad_identifier": "A UPN, ULN, URN, UKPRN or LA number is not in its format",
    "impossible_date": "A date is impossible or contradicts another",
    "outcome_without_date": "An outcome that needs a date has none",
    "plan_without_cease_reason": "A ceased plan has no cease reason",
    "plan_without_placement": "A plan has no setting (PlanDetail or PlacementDetail)",
    "placement_without_setting": "A setting has neither a URN/UKPRN nor a SEN2 setting code",
    "placement_rank": "An active plan's placements are not exactly one primary (1)",
    "plan_without_need": "An active plan has no primary SEN need",
    "srp_without_indicator": "A resourced provision / SEN unit placement has neither indicator",
}


@dataclass(frozen=True)
class Issue:
    rule: str
    record: str  # which record to fix, e.g. "child WS000001, EHCP 12"
    module: str  # the SEN2 module (element) the item is in
    item: str
    message: str

    @property
    def child_ref(self) -> str:
        """The child whose page the record is fixed on ('' for the header)."""
        match = re.match(r"child ([^,]+)", self.record)
        return match.group(1) if match else ""


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class _Checker:
    def __init__(self, census_date: dt.date):
        self.census = census_date
        self.issues: list[Issue] = []

    def add(self, rule: str, node: Node, item: str, message: str) -> None:
        self.issues.append(Issue(rule, node.source, node.tag, item, message))

    def require(self, node: Node, *names: str) -> None:
        for name in names:
            if not node.get(name):
                self.add("missing_item", node, name, f"{name} is missing")

    def identifier(self, node: Node, name: str, pattern: str, what: str) -> None:
        value = node.get(name)
        if value and not re.fullmatch(pattern, value):
            self.add("bad_identifier", node, name, f"{name} '{value}' is not {what}")

    def not_after_census(self, node: Node, name: str) -> None:
        day = _date(node.get(name))
        if day and day > self.census:
            self.add("impossible_date", node, name, f"{name} {day} is after the census date")

    def in_order(self, node: Node, earlier: tuple[Node, str], later: tuple[Node, str]) -> None:
        first, second = _date(earlier[0].get(earlier[1])), _date(later[0].get(later[1]))
        if first and second and second < first:
            self.add(
                "impossible_date",
                node,
                later[1],
                f"{later[1]} {second} is before {earlier[1]} {first}",
            )

    # --- modules ---

    def person(self, person: Node) -> None:
        self.require(person, "Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity")
        self.identifier(
            person,
            "UPN",
            r"[A-Z][0-9]{11}[0-9A-Z]",
            "13 characters: a letter, 11 digits and a digit or letter",
        )
        self.identifier(person, "UniqueLearnerNumber", r"[0-9]{10}", "10 digits")
        if not (person.get("UPN") or person.get("UniqueLearnerNumber") or person.get("UPNunknown")):
            self.add(
                "upn_unknown_missing", person, "UPNunknown", "No UPN or ULN, and no UPNunknown"
            )
        self.not_after_census(person, "PersonBirthDate")
        for request in person.find_all("Requests"):
            self.request(person, request)

    def request(self, person: Node, request: Node) -> None:
        self.require(request, "ReceivedDate", "RequestSource", "RequestOutcome")
        self.not_after_census(request, "ReceivedDate")
        self.in_order(request, (person, "PersonBirthDate"), (request, "ReceivedDate"))
        self.in_order(request, (request, "ReceivedDate"), (request, "RequestOutcomeDate"))
        outcome = request.get("RequestOutcome")
        if outcome in spec.OUTCOMES_WITH_DATE and not request.get("RequestOutcomeDate"):
            self.add(
                "outcome_without_date",
                request,
                "RequestOutcomeDate",
                f"RequestOutcome {outcome} needs the date the family was told",
            )
        for assessment in request.find_all("Assessment"):
            self.assessment(request, assessment)
        active = request.find("ActivePlans")
        if active is not None:
            self.active_plans(active)

    def assessment(self, request: Node, assessment: Node) -> None:
        outcome = assessment.get("AssessmentOutcome")
        if outcome == "N" and not assessment.get("AssessmentOutcomeDate"):
            self.add(
                "outcome_without_date",
                assessment,
                "AssessmentOutcomeDate",
                "AssessmentOutcome N needs the date the family was told",
            )
        self.in_order(assessment, (request, "ReceivedDate"), (assessment, "AssessmentOutcomeDate"))
        self.in_order(
            assessment, (request, "RequestOutcomeDate"), (assessment, "AssessmentOutcomeDate")
        )
        plan = assessment.find("NamedPlan")
        if plan is not None:
            self.named_plan(request, plan)

    def named_plan(self, request: Node, plan: Node) -> None:
        self.require(plan, "StartDate")
        self.in_order(plan, (request, "ReceivedDate"), (plan, "StartDate"))
        self.in_order(plan, (plan, "StartDate"), (plan, "CeaseDate"))
        if plan.get("CeaseDate") and not plan.get("CeaseReason"):
            self.add(
                "plan_without_cease_reason", plan, "CeaseReason", "CeaseDate without CeaseReason"
            )
        details = plan.find_all("PlanDetail")
        if not details:
            self.add(
                "plan_without_placement",
                plan,
                "PlanDetail",
                "No setting named in the plan and no placement on the day it was issued",
            )
        for detail in details:
            self.setting(detail)

    def active_plans(self, active: Node) -> None:
        self.identifier(active, "TransferLA", r"[0-9]{3}", "a 3-digit LA number")
        self.in_order(active, (active, "ReviewMeeting"), (active, "LastReview"))
        placements = active.find_all("PlacementDetail")
        if not placements:
            self.add(
                "plan_without_placement",
                active,
                "PlacementDetail",
                "Active plan with no placement on the census date",
            )
        else:
            primaries = [p for p in placements if p.get("PlacementRank") == "1"]
            if len(primaries) != 1:
                self.add(
                    "placement_rank",
                    active,
                    "PlacementRank",
                    f"{len(primaries)} primary placements on the census date (need exactly one)",
                )
        for placement in placements:
            self.setting(placement)
            self.require(placement, "EntryDate")
            self.in_order(placement, (placement, "EntryDate"), (placement, "LeavingDate"))
            if placement.context.get("setting_group") == rules.SRP and not (
                placement.get("SENunitIndicator") == "1"
                or placement.get("ResourcedProvisionIndicator") == "1"
            ):
                self.add(
                    "srp_without_indicator",
                    placement,
                    "ResourcedProvisionIndicator",
                    "Placed in a resourced provision or SEN unit, but neither indicator is set",
                )
        needs = active.find_all("SENneed")
        if not any(need.get("SENtypeRank") == "1" for need in needs):
            self.add("plan_without_need", active, "SENtype", "No primary SEN need")

    def setting(self, node: Node) -> None:
        self.identifier(node, "URN", r"[0-9]{6}", "6 digits")
        self.identifier(node, "UKPRN", r"[0-9]{8}", "8 digits")
        has_id = node.get("URN") or node.get("UKPRN")
        if not has_id and not node.get("SENSetting"):
            self.add(
                "placement_without_setting",
                node,
                "SENSetting",
                "Neither a URN or UKPRN nor a SEN2 setting code",
            )
        if node.get("SENSetting") == "OTH" and not node.get("SENSettingOther"):
            self.add(
                "missing_item", node, "SENSettingOther", "SENSetting OTH needs SENSettingOther"
            )


def check(persons: list[Node], *, census_date: dt.date, la_code: str) -> list[Issue]:
    """Every record in the return that breaks a rule (empty when the return is clean)."""
    checker = _Checker(census_date)
    header = Node(
        "Header", {"LEA": la_code, "ReferenceDate": census_date.isoformat()}, [], "header"
    )
    checker.identifier(header, "LEA", r"[0-9]{3}", "a 3-digit LA number")
    known = spec.CENSUS_DAYS.get(census_date.year)
    if known and known != census_date:
        checker.add(
            "header",
            header,
            "ReferenceDate",
            f"The census date {census_date} is not DfE's {census_date.year} census day {known}",
        )
    for person in persons:
        checker.person(person)
    return checker.issues


def counts(issues: list[Issue]) -> dict[str, int]:
    """Issues per rule, every rule listed (zero included), in RULES order."""
    tally = Counter(issue.rule for issue in issues)
    return {rule: tally.get(rule, 0) for rule in RULES}
