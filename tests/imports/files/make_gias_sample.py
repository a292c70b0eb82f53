"""Writes `gias_sample.csv`: a few dozen Kent-like establishments in the real GIAS layout.

Run once (`python tests/imports/files/make_gias_sample.py`); the CSV is committed. It copies
DfE's conventions for the all-establishments extract (edubasealldataYYYYMMDD.csv): the full
header row, Windows-1252 text, DD-MM-YYYY dates, empty values written as empty strings.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = [
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)", "EstablishmentStatus (code)", "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)", "ReasonEstablishmentOpened (name)", "OpenDate",
    "ReasonEstablishmentClosed (code)", "ReasonEstablishmentClosed (name)", "CloseDate",
    "PhaseOfEducation (code)", "PhaseOfEducation (name)", "StatutoryLowAge", "StatutoryHighAge",
    "Boarders (code)", "Boarders (name)", "NurseryProvision (name)", "OfficialSixthForm (code)",
    "OfficialSixthForm (name)", "Gender (code)", "Gender (name)", "ReligiousCharacter (code)",
    "ReligiousCharacter (name)", "ReligiousEthos (name)", "Diocese (code)", "Diocese (name)",
    "AdmissionsPolicy (code)", "AdmissionsPolicy (name)", "SchoolCapacity", "SpecialClasses (code)",
    "SpecialClasses (name)", "CensusDate", "NumberOfPupils", "NumberOfBoys", "NumberOfGirls",
    "PercentageFSM", "TrustSchoolFlag (code)", "TrustSchoolFlag (name)", "Trusts (code)",
    "Trusts (name)", "SchoolSponsorFlag (name)", "SchoolSponsors (name)", "FederationFlag (name)",
    "Federations (code)", "Federations (name)", "UKPRN", "FEHEIdentifier",
    "FurtherEducationType (name)", "OfstedLastInsp", "LastChangedDate", "Street", "Locality",
    "Address3", "Town", "County (name)", "Postcode", "SchoolWebsite", "TelephoneNum",
    "HeadTitle (name)", "HeadFirstName", "HeadLastName", "HeadPreferredJobTitle",
    "BSOInspectorateName (name)", "InspectorateReport", "DateOfLastInspectionVisit",
    "NextInspectionVisit", "TeenMoth (name)", "TeenMothPlaces", "CCF (name)", "SENPRU (name)",
    "EBD (name)", "PlacesPRU", "FTProv (name)", "EdByOther (name)", "Section41Approved (name)",
    *[f"SEN{n} (name)" for n in range(1, 14)],
    "TypeOfResourcedProvision (name)", "ResourcedProvisionOnRoll", "ResourcedProvisionCapacity",
    "SenUnitOnRoll", "SenUnitCapacity", "GOR (code)", "GOR (name)",
    "DistrictAdministrative (code)", "DistrictAdministrative (name)", "AdministrativeWard (code)",
    "AdministrativeWard (name)", "ParliamentaryConstituency (code)",
    "ParliamentaryConstituency (name)", "UrbanRural (code)", "UrbanRural (name)",
    "GSSLACode (name)", "Easting", "Northing", "MSOA (name)", "LSOA (name)",
    "InspectorateName (name)", "SENStat", "SENNoStat", "BoardingEstablishment (name)", "PropsName",
    "PreviousLA (code)", "PreviousLA (name)", "PreviousEstablishmentNumber", "OfstedRating (name)",
    "RSCRegion (name)", "Country (name)", "UPRN", "SiteName", "QABName (code)", "QABName (name)",
    "EstablishmentAccredited (code)", "EstablishmentAccredited (name)", "QABReport", "CHNumber",
    "MSOA (code)", "LSOA (code)", "FSM", "AccreditationExpiryDate",
]  # fmt: skip

TYPES = {
    "Community school": ("01", "4", "Local authority maintained schools"),
    "Voluntary aided school": ("02", "4", "Local authority maintained schools"),
    "Community special school": ("07", "5", "Special schools"),
    "Foundation special school": ("12", "5", "Special schools"),
    "Non-maintained special school": ("08", "5", "Special schools"),
    "Other independent special school": ("10", "3", "Independent schools"),
    "Other independent school": ("11", "3", "Independent schools"),
    "Pupil referral unit": ("14", "4", "Local authority maintained schools"),
    "Further education": ("18", "9", "Colleges"),
    "Academy converter": ("28", "10", "Academies"),
    "Academy special converter": ("33", "10", "Academies"),
    "Free schools special": ("36", "11", "Free Schools"),
    "Academy alternative provision converter": ("42", "10", "Academies"),
    "Academy 16-19 converter": ("34", "10", "Academies"),
    "Special post 16 institution": ("56", "9", "Colleges"),
    "Welsh establishment": ("30", "6", "Welsh schools"),
    "Online provider": ("49", "13", "Online provider"),
}
STATUS_CODES = {
    "Open": "1",
    "Closed": "2",
    "Open, but proposed to close": "4",
    "Proposed to open": "3",
}
ASD, SEMH, SLCN, MLD, SLD, PMLD, SPLD = (
    "ASD - Autistic Spectrum Disorder",
    "SEMH - Social, Emotional and Mental Health",
    "SLCN - Speech, language and Communication",
    "MLD - Moderate Learning Difficulty",
    "SLD - Severe Learning Difficulty",
    "PMLD - Profound and Multiple Learning Difficulty",
    "SpLD - Specific Learning Difficulty",
)

# urn, name, type, status, phase, low, high, gender, boarders, capacity, pupils, postcode,
# easting, northing, sen labels, ofsted rating, last inspection, resourced provision, rp capacity
SCHOOLS = [
    (118990, "Wealden Vale School", "Other independent special school", "Open", "Not applicable", 7, 19, "Mixed", "No boarders", 60, 54, "TN27 0AB", 590100, 142300, [ASD, SEMH], "Good", "16-05-2023", "", ""),
    (119001, "Brambletye Hall", "Other independent special school", "Open", "Not applicable", 8, 18, "Boys", "Boarding school", 45, 41, "CT4 7HS", 612300, 151200, [SEMH], "Outstanding", "02-11-2022", "", ""),
    (119002, "Hollybank Learning Centre", "Other independent special school", "Open", "Not applicable", 11, 19, "Mixed", "No boarders", 30, 29, "ME17 3QX", 580050, 150010, [ASD, SLCN, "BESD - Behavioural, Emotional and Social Difficulties"], "Requires improvement", "21-03-2024", "", ""),
    (119003, "Meadowview School", "Other independent special school", "Closed", "Not applicable", 5, 16, "Mixed", "No boarders", 40, "", "DA12 4LN", 565400, 172100, [MLD], "Inadequate", "12-01-2019", "", ""),
    (119004, "Chartwell House School", "Other independent special school", "Open", "Not applicable", 10, 18, "Girls", "No boarders", 36, 30, "TN16 1PS", 545100, 154000, [SEMH, ASD], "Good", "07-06-2022", "", ""),
    (119005, "Little Acorns School", "Other independent special school", "Open", "Not applicable", 4, 11, "Mixed", "No boarders", 24, 22, "TN30 6SR", 588300, 133400, [SEMH], "Good", "30-09-2021", "", ""),
    (119006, "Riverside Therapeutic School", "Other independent special school", "Open, but proposed to close", "Not applicable", 11, 17, "Mixed", "No boarders", 20, 12, "ME1 2AA", 574100, 167800, [SEMH, SLCN], "Requires improvement", "15-02-2024", "", ""),
    (119007, "St Aidan’s School", "Other independent special school", "Proposed to open", "Not applicable", 7, 16, "Mixed", "No boarders", 32, "", "CT1 3NF", 615200, 157500, [ASD], "", "", "", ""),
    (118100, "Beechcroft College", "Non-maintained special school", "Open", "Not applicable", 5, 19, "Mixed", "Boarding school", 80, 72, "ME20 6SJ", 571100, 158200, [HI := "HI - Hearing Impairment", SLCN], "Outstanding", "04-04-2023", "", ""),
    (118101, "Dorton House School", "Non-maintained special school", "Open", "Not applicable", 5, 19, "Mixed", "Boarding school", 70, 60, "TN15 0EA", 557200, 155400, ["VI - Visual Impairment", "MSI - Multi-Sensory Impairment"], "Good", "11-10-2022", "", ""),
    (118102, "Caldecott Foundation School", "Non-maintained special school", "Open", "Not applicable", 5, 18, "Mixed", "No boarders", 40, 35, "TN25 6PW", 606900, 138500, [SEMH], "Good", "19-01-2023", "", ""),
    (118800, "Five Acre Wood School", "Community special school", "Open", "Not applicable", 4, 19, "Mixed", "No boarders", 350, 390, "ME15 9AF", 578500, 152800, [ASD, SLD, PMLD], "Outstanding", "28-02-2019", "", ""),
    (118801, "Milestone Academy", "Academy special converter", "Open", "Not applicable", 2, 19, "Mixed", "No boarders", 250, 262, "DA3 8NE", 560100, 166800, [SLD, PMLD, ASD], "Outstanding", "13-07-2022", "", ""),
    (118802, "Bower Grove School", "Community special school", "Open", "Not applicable", 5, 16, "Mixed", "No boarders", 260, 281, "ME16 8NL", 573600, 155700, [SEMH, ASD], "Good", "03-12-2021", "", ""),
    (118803, "Portal House School", "Community special school", "Open", "Not applicable", 11, 16, "Boys", "No boarders", 100, 92, "CT15 6ED", 631600, 145000, [SEMH], "Good", "09-05-2023", "", ""),
    (118804, "The Foreland School", "Foundation special school", "Open", "Not applicable", 2, 19, "Mixed", "No boarders", 210, 243, "CT10 3NX", 639200, 167800, [SLD, PMLD], "Outstanding", "24-10-2022", "", ""),
    (118805, "Stone Bay School", "Foundation special school", "Open", "Not applicable", 11, 19, "Mixed", "Boarding school", 70, 69, "CT10 1EB", 639800, 168000, [ASD, SLD], "Good", "06-06-2023", "", ""),
    (148100, "Snowfields Academy", "Academy special converter", "Open", "Not applicable", 7, 16, "Mixed", "No boarders", 200, 222, "ME14 5DX", 576300, 157300, [ASD], "Good", "17-11-2022", "", ""),
    (148101, "Aspire School", "Academy special converter", "Open", "Not applicable", 4, 11, "Mixed", "No boarders", 90, 95, "ME10 3EX", 590400, 164200, [SLCN, ASD], "Good", "01-02-2024", "", ""),
    (148102, "Maplesden Noakes Free Special", "Free schools special", "Open", "Not applicable", 11, 19, "Mixed", "No boarders", 120, 110, "ME16 0TJ", 574500, 156900, [ASD], "", "", "", ""),
    (118200, "Sandwich Community Primary", "Community school", "Open", "Primary", 4, 11, "Mixed", "No boarders", 210, 198, "CT13 0AS", 633100, 158100, [], "Good", "25-04-2023", "", ""),
    (118201, "Holmesdale Community Primary", "Community school", "Open", "Primary", 4, 11, "Mixed", "No boarders", 420, 401, "ME6 5LQ", 570300, 162400, [SLCN], "Good", "14-03-2022", "Resourced provision", 15),
    (118202, "Oldhill Lane Primary", "Community school", "Closed", "Primary", 4, 11, "Mixed", "No boarders", 90, "", "TN12 6AA", 567400, 144900, [], "Requires improvement", "08-07-2014", "", ""),
    (118203, "Kingsmead Community Primary", "Community school", "Open", "Primary", 3, 11, "Mixed", "No boarders", 315, 300, "CT1 1XN", 615700, 158900, [ASD], "Good", "12-12-2023", "SEN unit", 12),
    (137400, "Highworth Grammar", "Academy converter", "Open", "Secondary", 11, 18, "Girls", "No boarders", 1450, 1511, "TN24 8UD", 600700, 143300, [], "Outstanding", "05-10-2013", "", ""),
    (137401, "Hillview Academy", "Academy converter", "Open", "Secondary", 11, 18, "Mixed", "No boarders", 1200, 1180, "TN9 2HE", 558900, 146100, [SPLD], "Good", "19-06-2023", "Resourced provision", 20),
    (137402, "Folkestone Secondary Academy", "Academy converter", "Open", "Secondary", 11, 16, "Mixed", "No boarders", 900, 870, "CT19 5FP", 621400, 137600, [], "Requires improvement", "22-02-2023", "", ""),
    (118300, "St Mary’s Catholic Primary", "Voluntary aided school", "Open", "Primary", 4, 11, "Mixed", "No boarders", 210, 207, "CT14 7NX", 637500, 152500, [], "Good", "09-11-2022", "", ""),
    (130700, "East Kent College", "Further education", "Open", "16 plus", 16, 99, "Mixed", "No boarders", "", 5600, "CT20 2NA", 622900, 136100, [], "Good", "15-03-2023", "", ""),
    (130701, "North Kent College", "Further education", "Open", "16 plus", 16, 99, "Mixed", "No boarders", "", 4800, "DA1 2JT", 553800, 174000, [], "Good", "11-07-2022", "", ""),
    (145600, "Valley Invicta Sixth Form", "Academy 16-19 converter", "Open", "16 plus", 16, 19, "Mixed", "No boarders", 400, 380, "ME19 5RP", 570200, 159000, [], "Good", "27-01-2024", "", ""),
    (140900, "Orchard Hill Specialist College", "Special post 16 institution", "Open", "16 plus", 16, 25, "Mixed", "No boarders", 60, 58, "ME2 4AA", 572900, 169100, [ASD, SLD, PMLD], "Good", "02-03-2023", "", ""),
    (118400, "Rosewood PRU", "Pupil referral unit", "Closed", "Not applicable", 11, 16, "Mixed", "No boarders", 60, "", "TN23 1AA", 601200, 142400, [SEMH], "Good", "18-09-2012", "", ""),
    (143300, "The Rosewood School", "Academy alternative provision converter", "Open", "Not applicable", 11, 16, "Mixed", "No boarders", 90, 84, "TN23 3AA", 600400, 141800, [SEMH], "Good", "03-05-2023", "", ""),
    (118500, "Sutton Valence School", "Other independent school", "Open", "All-through", 3, 18, "Mixed", "Boarding school", 900, 870, "ME17 3HL", 581200, 149300, [SPLD], "", "", "", ""),
    (118501, "Marlborough House", "Other independent school", "Open", "Primary", 3, 13, "Mixed", "No boarders", 330, 301, "TN18 4PY", 575800, 131600, [], "", "", "", ""),
    (401234, "Ysgol Example", "Welsh establishment", "Open", "Not applicable", "", "", "Not applicable", "Not applicable", "", "", "", "", "", [], "", "", "", ""),
    (150100, "Kent Online Academy", "Online provider", "Open", "Not applicable", 11, 16, "Mixed", "Not applicable", "", "", "ME14 1XX", "", "", [], "", "", "", ""),
]  # fmt: skip


def row_for(school) -> list[str]:
    (urn, name, kind, status, phase, low, high, gender, boarders, capacity, pupils, postcode,
     easting, northing, sen, rating, inspected, rp_type, rp_capacity) = school  # fmt: skip
    type_code, group_code, group_name = TYPES[kind]
    values = dict.fromkeys(HEADER, "")
    values.update(
        {
            "URN": urn,
            "LA (code)": "886" if kind != "Welsh establishment" else "",
            "LA (name)": "Kent" if kind != "Welsh establishment" else "Does not apply",
            "EstablishmentNumber": str(7000 + urn % 1000),
            "EstablishmentName": name,
            "TypeOfEstablishment (code)": type_code,
            "TypeOfEstablishment (name)": kind,
            "EstablishmentTypeGroup (code)": group_code,
            "EstablishmentTypeGroup (name)": group_name,
            "EstablishmentStatus (code)": STATUS_CODES[status],
            "EstablishmentStatus (name)": status,
            "OpenDate": "01-09-2004" if urn % 3 == 0 else "",
            "CloseDate": "31-08-2023" if status == "Closed" else "",
            "PhaseOfEducation (name)": phase,
            "StatutoryLowAge": low,
            "StatutoryHighAge": high,
            "Boarders (name)": boarders,
            "Gender (name)": gender,
            "SchoolCapacity": capacity,
            "CensusDate": "16-01-2025" if pupils != "" else "",
            "NumberOfPupils": pupils,
            "OfstedLastInsp": inspected,
            "LastChangedDate": "03-03-2025",
            "Town": "Maidstone",
            "County (name)": "Kent",
            "Postcode": postcode,
            "HeadTitle (name)": "Mrs",
            "HeadFirstName": "Jo",
            "HeadLastName": "Smith",
            "TypeOfResourcedProvision (name)": rp_type or "Not applicable",
            "ResourcedProvisionCapacity": rp_capacity,
            "GOR (name)": "South East",
            "Easting": easting,
            "Northing": northing,
            "OfstedRating (name)": rating,
            "Country (name)": "United Kingdom",
            "SENStat": "",
        }
    )
    for index, label in enumerate(sen, start=1):
        values[f"SEN{index} (name)"] = label
    return [str(values[h]) for h in HEADER]


def main() -> None:
    target = Path(__file__).with_name("gias_sample.csv")
    with open(target, "w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for school in SCHOOLS:
            writer.writerow(row_for(school))


if __name__ == "__main__":
    main()
