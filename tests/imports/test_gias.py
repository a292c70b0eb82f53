"""A real-format GIAS extract (Windows-1252, DD-MM-YYYY, the full header) imports correctly."""

from __future__ import annotations

import datetime as dt

import pytest

from placements import rules
from placements.models import Provider
from tests.imports.conftest import FILES

pytestmark = pytest.mark.django_db

GIAS = FILES / "gias_sample.csv"


def test_the_gias_sample_imports_with_setting_groups_from_the_establishment_type(run_import):
    result = run_import("providers-gias", GIAS)

    assert result.ok, result.errors
    assert result.rows_read == 38
    assert result.created == 38
    groups = dict(Provider.objects.values_list("urn", "setting_group"))
    assert groups[118990] == rules.INMSS  # Other independent special school
    assert groups[118100] == rules.INMSS  # Non-maintained special school
    assert groups[118800] == rules.SPECIAL  # Community special school
    assert groups[118801] == rules.SPECIAL  # Academy special converter
    assert groups[148102] == rules.SPECIAL  # Free schools special
    assert groups[118200] == rules.MAINSTREAM
    assert groups[137400] == rules.MAINSTREAM  # Academy converter
    assert groups[130700] == rules.POST16  # Further education
    assert groups[145600] == rules.POST16  # Academy 16-19 converter
    assert groups[140900] == rules.POST16  # Special post 16 institution
    assert groups[118400] == rules.AP  # Pupil referral unit
    assert groups[143300] == rules.AP
    assert groups[118500] == rules.INDEPENDENT
    assert groups[401234] == rules.OTHER  # Welsh establishment
    assert groups[150100] == rules.OTHER  # Online provider


def test_gias_fields_are_mapped_from_dfe_conventions(run_import):
    run_import("providers-gias", GIAS)

    school = Provider.objects.get(urn=119001)
    assert school.name == "Brambletye Hall"
    assert (school.low_age, school.high_age) == (8, 18)
    assert school.sex_of_entry == Provider.SexOfEntry.BOYS
    assert school.boarding == Provider.Boarding.SOME
    assert (school.capacity, school.number_of_pupils) == (45, 41)
    assert school.ofsted_grade == Provider.OfstedGrade.OUTSTANDING
    assert school.ofsted_date == dt.date(2022, 11, 2)  # 02-11-2022 in the file
    assert school.local_authority == "Kent"
    assert (school.easting, school.northing) == (612300, 151200)
    assert Provider.objects.get(urn=118300).name == "St Mary’s Catholic Primary"  # cp1252
    srp = Provider.objects.get(urn=118201)
    assert srp.resourced_provision_type == "Resourced provision"
    assert srp.resourced_provision_capacity == 15
    assert Provider.objects.get(urn=118990).resourced_provision_type == ""  # "Not applicable"


def test_gias_sen_labels_become_need_types(run_import):
    run_import("providers-gias", GIAS)

    needs = set(Provider.objects.get(urn=118800).need_types.values_list("code", flat=True))
    assert needs == {"ASD", "SLD", "PMLD"}
    assert set(Provider.objects.get(urn=137401).need_types.values_list("code", flat=True)) == {
        "SPLD"
    }


def test_an_unknown_sen_label_is_kept_as_written_and_warned_about_not_rejected(run_import):
    result = run_import("providers-gias", GIAS)

    assert result.ok
    school = Provider.objects.get(urn=119002)
    assert set(school.need_types.values_list("code", flat=True)) == {"ASD", "SLCN"}
    assert school.other_sen_provision == "BESD - Behavioural, Emotional and Social Difficulties"
    assert any("BESD" in w and "SEN3 (name)" in w for w in result.warnings)


def test_closed_establishments_are_kept_but_marked_closed(run_import):
    run_import("providers-gias", GIAS)

    closed = set(Provider.objects.filter(status="closed").values_list("urn", flat=True))
    assert closed == {119003, 118202, 118400}
    assert Provider.objects.get(urn=119007).status == Provider.Status.PROPOSED
    assert Provider.objects.get(urn=119006).status == Provider.Status.OPEN


def test_the_gias_columns_we_do_not_use_are_listed_as_unknown(run_import):
    result = run_import("providers-gias", GIAS)

    assert "LA (code)" in result.unknown_columns
    assert "HeadLastName" in result.unknown_columns
    assert "URN" not in result.unknown_columns
    assert len(result.unknown_columns) == 138 - 32  # the 32 columns we read


def test_reimporting_gias_updates_and_never_duplicates(run_import, write_file):
    run_import("providers-gias", GIAS)
    path = write_file(
        "gias.csv",
        ["URN", "EstablishmentName", "TypeOfEstablishment (name)", "EstablishmentStatus (name)"],
        [[118990, "Wealden Vale School", "Other independent special school", "Closed"]],
        encoding="cp1252",
    )
    result = run_import("providers-gias", path)

    assert (result.created, result.updated) == (0, 1)
    assert Provider.objects.count() == 38
    school = Provider.objects.get(urn=118990)
    assert school.status == Provider.Status.CLOSED
    assert school.capacity == 60  # column absent: unchanged
    assert set(school.need_types.values_list("code", flat=True)) == {"ASD", "SEMH"}
    assert school.history.first().history_change_reason == "import providers-gias gias.csv"


def test_a_bad_gias_row_writes_nothing_and_every_error_is_listed(run_import, write_file):
    path = write_file(
        "gias.csv",
        [
            "URN",
            "EstablishmentName",
            "TypeOfEstablishment (name)",
            "StatutoryLowAge",
            "OfstedLastInsp",
        ],
        [
            [100001, "Good School", "Community school", "4", "01-02-2023"],
            ["abc", "Bad URN", "Community school", "4", ""],
            [100003, "", "Community school", "four", "31-02-2023"],
        ],
    )
    result = run_import("providers-gias", path)

    assert not result.ok
    assert Provider.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "URN"),
        (4, "EstablishmentName"),
        (4, "OfstedLastInsp"),
        (4, "StatutoryLowAge"),
    ]
