"""The SEN2 person-level specification this product follows, in one place.

`spec_items.csv` beside this file is the item list (module, item, name, format, codes, source)
the product was built from; docs/sen2.md maps every item to where the product keeps it. This
module holds what the code needs from it: the census days, the collection period, the element
order of every module and the codes the schema (`sen2.xsd`) enumerates.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ITEMS_FILE = HERE / "spec_items.csv"
SCHEMA_FILE = HERE / "sen2.xsd"

# --- Header ---------------------------------------------------------------------------------

# "value not confirmed (presumably SEN2)" in the specification: sent as SEN2.
COLLECTION = "SEN2"
# The specification gives no value; "L" is what other DfE COLLECT returns made by a local
# authority use. Not confirmed for SEN2 (docs/sen2.md).
SOURCE_LEVEL = "L"
SOFTWARE_CODE = "SEN placements"
RELEASE = "0.1.0"

# DfE's January census day of each collection year (ReferenceDate).
CENSUS_DAYS: dict[int, dt.date] = {
    2026: dt.date(2026, 1, 15),
    2027: dt.date(2027, 1, 21),
}


def census_day(year: int) -> dt.date:
    """The census day of a collection year; a year DfE has not published yet is an error."""
    try:
        return CENSUS_DAYS[year]
    except KeyError:
        known = ", ".join(f"{y}: {d.isoformat()}" for y, d in sorted(CENSUS_DAYS.items()))
        raise ValueError(
            f"No SEN2 census day is known for {year} (known: {known}); give the census date"
        ) from None


def default_census_day(today: dt.date) -> dt.date:
    """The census day of the collection being prepared: the first known one on or after
    `today`, else the latest known one. Never `today` itself."""
    upcoming = [day for day in sorted(CENSUS_DAYS.values()) if day >= today]
    return upcoming[0] if upcoming else max(CENSUS_DAYS.values())


def collection_period(census_date: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar year before the census: requests, decisions and plans that ended before it
    are historical (outcome `H`) or left out."""
    year = census_date.year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- Modules: element order as the specification lists the items ----------------------------

HEADER_COLLECTION = ["Collection", "Year", "ReferenceDate"]
HEADER_SOURCE = ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"]
LA_LEVEL = ["DMO", "DCO", "DSCO"]
PERSON = [
    "Surname",
    "Forename",
    "PersonBirthDate",
    "Sex",
    "Ethnicity",
    "PostCode",
    "UPN",
    "UniqueLearnerNumber",
    "UPNunknown",
]
REQUEST = [
    "ReceivedDate",
    "RequestSource",
    "RYA",
    "RequestOutcomeDate",
    "RequestOutcome",
    "RequestMediation",
    "RequestTribunal",
    "Exported",
]
ASSESSMENT = [
    "AssessmentOutcome",
    "AssessmentOutcomeDate",
    "AssessmentMediation",
    "AssessmentTribunal",
    "OtherMediation",
    "OtherTribunal",
    "Week20",
]
NAMED_PLAN = ["StartDate", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate", "CeaseReason"]
PLAN_DETAIL = [
    "URN",
    "UKPRN",
    "SENSetting",
    "SENSettingOther",
    "PlacementRank",
    "SENunitIndicator",
    "ResourcedProvisionIndicator",
]
ACTIVE_PLANS = [
    "TransferLA",
    "ReviewMeeting",
    "ReviewOutcome",
    "ReviewDraft",
    "PhaseTransferDueDate",
    "PhaseTransferFinalDate",
    "LastReview",
]
PLACEMENT_DETAIL = [
    "URN",
    "UKPRN",
    "SENSetting",
    "SENSettingOther",
    "PlacementRank",
    "EntryDate",
    "LeavingDate",
    "SENunitIndicator",
    "ResourcedProvisionIndicator",
    "RES",
    "WBP",
]
SEN_NEED = ["SENtype", "SENtypeRank"]

# Element name → its items, for the modules that repeat under a person.
MODULES: dict[str, list[str]] = {
    "Person": PERSON,
    "Requests": REQUEST,
    "Assessment": ASSESSMENT,
    "NamedPlan": NAMED_PLAN,
    "PlanDetail": PLAN_DETAIL,
    "ActivePlans": ACTIVE_PLANS,
    "PlacementDetail": PLACEMENT_DETAIL,
    "SENneed": SEN_NEED,
}

# Items in the specification the product deliberately does not send.
DROPPED = {"AttendancePattern": "only in specifications before v1.2; not in the 2024+ return"}

# --- Codes ----------------------------------------------------------------------------------

SEX_CODES = {"F": "F", "M": "M", "X": "U"}  # Child.sex → SEN2 Sex (X, other/not known → U)
REQUEST_OUTCOMES = ["Y", "N", "A", "W", "H"]
ASSESSMENT_OUTCOMES = ["Y", "N", "A", "W", "H"]
OUTCOMES_WITH_DATE = {"Y", "N"}
SEN_TYPES = [
    "SPLD",
    "MLD",
    "SLD",
    "PMLD",
    "SEMH",
    "SLCN",
    "HI",
    "VI",
    "MSI",
    "PD",
    "ASD",
    "DS",
    "OTH",
]


@dataclass(frozen=True)
class Item:
    module: str
    ref: str
    name: str
    format: str
    codes: str
    source: str

    @property
    def confirmed(self) -> bool:
        text = f"{self.format} {self.codes}".lower()
        return "not confirmed" not in text


@cache
def items() -> tuple[Item, ...]:
    """The specification's items, as `spec_items.csv` lists them."""
    with ITEMS_FILE.open(newline="", encoding="utf-8") as handle:
        return tuple(
            Item(
                module=row["module"],
                ref=row["item"],
                name=row["name"],
                format=row["format"],
                codes=row["codes"],
                source=row["source"],
            )
            for row in csv.DictReader(handle)
        )
