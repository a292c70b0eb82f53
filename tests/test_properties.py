"""Property-based tests (hypothesis): hostile values through every form the pages use, and hostile
cells through every import kind. Whatever arrives: never a 500 or an unexpected exception, and
never a partial write. An invalid form or a rejected file changes nothing; a valid one makes
exactly its one write.

Each generated example runs inside a savepoint that is rolled back, so examples do not see each
other's writes. Example counts are modest to keep the suite fast."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from imports.readers import is_blank
from imports.registry import import_kinds
from imports.services import import_run
from panel.models import PanelRequest
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    FrameworkFactory,
    LotFactory,
    MeetingFactory,
    NeedTypeFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --- Hostile values -------------------------------------------------------------------------

SPECIAL = [
    "",
    " ",
    "0",
    "-1",
    "-0.001",
    "1e30",
    "1e309",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "£1,000,000,000,000",
    "£-5",
    "1,2,3",
    "12.345",
    '=HYPERLINK("http://x","y")',
    "+SUM(A1:A9)",
    "@cmd",
    "-2+3",
    "\x00",
    "a\x00b",
    "WS000123\x00",
    "\u202eevil",
    "🙂",
    "Ωμέγα",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2025-01-01",
    "31/02/2025",
    "x" * 5_000,
    "9" * 5_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
NUMBERS = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
).map(str)
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat)
HOSTILE = st.one_of(st.sampled_from(SPECIAL), TEXT, NUMBERS, DATES)


def beyond_database_range(text: str) -> bool:
    """A number an import's parser reads (spaces, commas, £, brackets and % ignored) that is
    at least 10^15: more than any field holds. See the known failures below."""
    raw = re.sub(r"[\s,£()%]", "", text)
    try:
        number = Decimal(raw)
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and abs(number) >= Decimal(10) ** 15


# Out-of-range numbers crash some import kinds (see test_import_refuses_numbers_beyond_range):
# the all-or-nothing property is checked on every other hostile value.
IMPORT_HOSTILE = HOSTILE.filter(lambda text: not beyond_database_range(text))


def value(*valid: str) -> st.SearchStrategy[str]:
    """A field's value: one that would pass (to reach the write) or a hostile one."""
    return st.one_of(st.sampled_from(valid), HOSTILE) if valid else HOSTILE


def form_data(valid: dict[str, tuple[str, ...]], extra: tuple[str, ...] = ()) -> st.SearchStrategy:
    """A form that would pass, with up to three of its fields (or of `extra`, fields it leaves
    out) replaced by hostile values: often valid, so the write is reached too."""
    names = [*valid, *extra]
    base = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in valid.items()})
    hostile = st.one_of(
        st.just({}), st.dictionaries(st.sampled_from(names), HOSTILE, min_size=1, max_size=3)
    )
    return st.tuples(base, hostile).map(lambda pair: {**pair[0], **pair[1]})


# --- The database, before and after -------------------------------------------------------

DATA_APPS = ("placements", "dps", "panel", "reporting")


def _snapshot() -> dict[str, Any]:
    """Row counts of every data model (history tables included) and the version of every
    record that carries one."""
    state: dict[str, Any] = {}
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            key = model._meta.label_lower
            state[key] = model.objects.count()
            if any(field.name == "version" for field in model._meta.fields):
                state[f"{key}:versions"] = dict(model.objects.values_list("pk", "version"))
    state["core.job"] = apps.get_model("core", "Job").objects.count()
    state["imports.importrecord"] = apps.get_model("imports", "ImportRecord").objects.count()
    return state


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed, leaving out history tables (they follow the records)."""
    changed: dict[str, Any] = {}
    for key, old in before.items():
        if ".historical" in key:
            continue
        new = after[key]
        if key.endswith(":versions"):
            bumped = {pk: new[pk] - version for pk, version in old.items() if new[pk] != version}
            if bumped:
                changed[key] = bumped
        elif new != old:
            changed[key] = new - old
    return changed


def _in_savepoint(action: Callable[[], Any]) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    before = _snapshot()
    with transaction.atomic():
        outcome = action()
        after = _snapshot()
        transaction.set_rollback(True)
    return outcome, before, after


# --- Forms ------------------------------------------------------------------------------------


@pytest.fixture
def records():
    """What the forms act on: a child with an EHCP, a provider, an upcoming meeting with an
    undecided request, an agreed request waiting for its placement, and an open placement."""
    for code in ("ASD", "SEMH"):
        NeedTypeFactory(code=code)
    child = ChildFactory(child_ref="WS000123")
    EHCPFactory(child=child)
    provider = ProviderFactory(urn=886123, name="Oakwood School")
    meeting = MeetingFactory(date=dt.date(2026, 12, 3))
    undecided = PanelRequestFactory(meeting=meeting, child=child, provider=provider, outcome="")
    agreed = PanelRequestFactory(
        meeting=meeting,
        child=ChildFactory(),
        provider=provider,
        outcome=PanelRequest.Outcome.AGREED,
        agreed_cost=Decimal("36000"),
    )
    EHCPFactory(child=ChildFactory(child_ref="WS000124"))  # no request yet: one can be added
    placement = PlacementFactory(end_date=None)
    return {
        "meeting": meeting,
        "undecided": undecided,
        "agreed": agreed,
        "placement": placement,
    }


MONEY = ("36000", "36,000.50", "£36,000", "0")
DAY = ("2026-12-10", "2027-01-04")


def _post_and_check(client, url: str, data: dict, expected: Callable[[dict], bool]) -> None:
    """POST hostile data: never a 500; a redirect (saved) made exactly the expected write,
    anything else (the form again, with errors) changed nothing."""
    response, before, after = _in_savepoint(lambda: client.post(url, data))
    assert response.status_code < 500
    changes = _changes(before, after)
    if response.status_code == 302:
        assert expected(changes), changes
    else:
        assert after == before, f"{response.status_code}: {changes}"


def _one(**expected: int) -> Callable[[dict], bool]:
    """The write is exactly these row counts changing by these amounts."""
    return lambda changes: changes == expected


@PROPERTY
@given(
    data=form_data(
        {
            "date": DAY,
            "panel_type": ("independent_placement",),
            "chair": ("A. Chair", ""),
            "members": ("One\nTwo", ""),
            "location": ("County Hall", ""),
        }
    )
)
@example(data={"date": "2026-12-10", "panel_type": "independent_placement", "chair": "a\x00b"})
@example(data={"date": "275760-09-13", "panel_type": "independent_placement"})
def test_meeting_form(commissioner_client, records, data):
    _post_and_check(commissioner_client, "/panel/meetings/new/", data, _one(**{"panel.meeting": 1}))


@PROPERTY
@given(
    data=form_data(
        {
            "child_ref": ("WS000124", "ws000124"),
            "request_type": ("new_placement",),
            "provider": ("886123", "Oakwood School", "Oakwood School (886123)", ""),
            "primary_need": ("ASD", ""),
            "secondary_need": ("SEMH", ""),
            "requested_base_cost": MONEY,
            "requested_additional_cost": ("0", ""),  # more needs a reason: left to `extra`
            "expected_start": ("2027-09-01", ""),
            "case_summary": ("No local school can meet need.",),
        },
        extra=("funding_reasons", "funding_reason_other"),
    )
)
def test_request_form(commissioner_client, records, data):
    url = f"/panel/meetings/{records['meeting'].pk}/requests/new/"
    _post_and_check(commissioner_client, url, data, _one(**{"panel.panelrequest": 1}))


@PROPERTY
@given(
    fields=form_data(
        {
            "version": ("1",),
            "outcome": ("agreed", "declined", "deferred", "more_information"),
            "agreed_cost": (*MONEY, ""),
            "conditions": ("",),
            "reason": ("Meets need",),
        }
    )
)
@example(fields={"version": "9223372036854775808", "outcome": "declined", "reason": "x"})
@example(fields={"version": "1", "outcome": "agreed", "agreed_cost": "1e309"})
@example(fields={"version": "1", "outcome": "agreed", "agreed_cost": "99999999999.99"})
def test_decision_form(commissioner_client, records, fields):
    item = records["undecided"]
    data = {f"r{item.pk}-{name}": text for name, text in fields.items()}

    def decided(changes: dict) -> bool:
        # A decision bumps the request's version; deferring or asking for more information also
        # puts it on the next meeting's agenda, when there is one (there is none here).
        return changes == {"panel.panelrequest:versions": {item.pk: 1}}

    _post_and_check(commissioner_client, f"/panel/requests/{item.pk}/decision/", data, decided)


@PROPERTY
@given(data=form_data({"start_date": ("2027-09-01",), "attendance_pattern": ("day", "weekly")}))
def test_placement_record_form(commissioner_client, records, data):
    item = records["agreed"]

    def recorded(changes: dict) -> bool:
        return changes.get("placements.placement") == 1 and set(changes) <= {
            "placements.placement",
            "panel.panelrequest:versions",
        }

    _post_and_check(commissioner_client, f"/panel/requests/{item.pk}/placement/", data, recorded)


@PROPERTY
@given(
    data=form_data(
        {
            "version": ("1",),
            "end_date": ("2027-07-20", ""),
            "attendance_pattern": ("day", "weekly"),
            "annual_cost": ("36000", "0"),
            "additional_cost": ("4500", "0"),
        }
    )
)
@example(data={"version": "-9" * 30, "attendance_pattern": "day", "annual_cost": "NaN"})
@example(
    data={
        "version": "1",
        "attendance_pattern": "day",
        "annual_cost": "1",
        "additional_cost": "0",
        "end_date": "0001-01-01",
    }
)
def test_placement_change_form(commissioner_client, records, data):
    placement = records["placement"]
    _post_and_check(
        commissioner_client,
        f"/placements/{placement.pk}/change/",
        data,
        # A new fee or funding is recorded as a change from a date (ADR 0008).
        lambda changes: (
            changes.get("placements.placement:versions") == {placement.pk: 1}
            and set(changes) <= {"placements.placement:versions", "placements.placementcostchange"}
        ),
    )


@PROPERTY
@given(
    kind=value(*import_kinds()),
    name=value("budget.csv", "budget.xlsx", "x.exe"),
    content=st.one_of(
        st.just(b"financial_year,line,amount\n2025-26,INMSS placements,40000000\n"),
        st.binary(max_size=200),
        HOSTILE.map(lambda text: text.encode("utf-8")),
        st.just(b"child_ref,first_name\nWS1,=cmd|' /C calc'!A0\n"),
    ),
)
def test_import_form(commissioner_client, records, kind, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name.replace("\x00", "") or "file.csv", content)
    data = {"kind": kind, "file": upload}
    # Checking an upload is a dry run: its one write is the job (and its import record).
    _post_and_check(
        commissioner_client,
        "/imports/",
        data,
        lambda changes: changes == {"core.job": 1, "imports.importrecord": 1},
    )


GET_FORMS = [
    (
        "manager_client",
        "/panel/summary/",
        {"date_from": value("2025-01-01"), "date_to": value("2025-03-31"), "meeting": value("")},
    ),
    (
        "manager_client",
        "/panel/summary/download/csv/",
        {"date_from": value("2025-01-01"), "date_to": value("2025-03-31")},
    ),
    (
        "officer_client",
        "/panel/summary/download/xlsx/",
        {"date_from": value("2025-01-01"), "date_to": value("2025-03-31")},
    ),
    (
        "officer_client",
        "/panel/decisions/",
        {
            "child": value("WS000123"),
            "provider": value("886123", "Oakwood"),
            "outcome": value("agreed", ""),
            "need": value("ASD", ""),
            "date_from": value("2025-01-01", ""),
            "date_to": value("2027-01-01", ""),
            "page": value("1", "2"),
        },
    ),
    ("officer_client", "/children/", {"q": value("WS000123"), "page": value("1")}),
    (
        "manager_client",
        "/providers/",
        {"q": value("Oak", "886123"), "group": value("inmss", ""), "need": value("ASD", "")},
    ),
    (
        "officer_client",
        "/placements/",
        {"active_on": value("2025-01-01", ""), "group": value(""), "page": value("1")},
    ),
    ("officer_client", "/panel/providers/suggest/", {"provider": value("Oak", "88")}),
]


@pytest.mark.parametrize(("client_name", "url", "fields"), GET_FORMS, ids=[g[1] for g in GET_FORMS])
def test_search_and_filter_forms(request, records, client_name, url, fields):
    client = request.getfixturevalue(client_name)

    @PROPERTY
    @given(data=st.fixed_dictionaries(fields))
    def check(data):
        response, before, after = _in_savepoint(lambda: client.get(url, data))
        assert response.status_code < 500
        assert after == before

    check()


# --- Import kinds -----------------------------------------------------------------------------


@pytest.fixture
def import_records():
    """What the example rows refer to: the child, provider, needs, framework and lot named in
    each kind's template row."""
    for code in ("ASD", "SEMH"):
        NeedTypeFactory(code=code)
    child = ChildFactory(child_ref="WS000123")
    EHCPFactory(child=child)
    ProviderFactory(urn=886123, name="Oakwood School")
    framework = FrameworkFactory(name="Wealdshire INMSS DPS")
    LotFactory(framework=framework, number=1)


def _cells(kind) -> st.SearchStrategy[list[str]]:
    """The kind's example row with up to three cells replaced by hostile values."""
    examples = kind.template_rows()[0]
    hostile = st.one_of(
        st.just({}),
        st.dictionaries(st.integers(0, len(examples) - 1), IMPORT_HOSTILE, min_size=1, max_size=3),
    )
    return hostile.map(lambda bad: [bad.get(index, cell) for index, cell in enumerate(examples)])


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.mark.parametrize("kind_name", list(import_kinds()))
def test_import_kind_writes_all_or_nothing(
    import_records, tmp_path, kind_name, django_capture_on_commit_callbacks
):
    kind = import_kinds()[kind_name]

    @PROPERTY
    @given(rows=st.lists(_cells(kind), min_size=1, max_size=3))
    def check(rows):
        path = tmp_path / f"{kind_name}.csv"
        _write_csv(path, kind.column_names, rows)

        def run():
            with django_capture_on_commit_callbacks(execute=False):
                return import_run(kind=kind_name, path=path, filename=path.name, user=None)

        result, before, after = _in_savepoint(run)
        changes = _changes(before, after)
        changes.pop("imports.importrecord", None)  # every run is recorded
        if result.errors:
            assert changes == {}, result.errors[:3]
        else:
            assert result.created + result.updated == result.rows_read
            # A row with every cell blank is skipped, as a spreadsheet's empty lines are.
            assert result.rows_read == sum(1 for row in rows if not all(map(is_blank, row)))

    check()


# Numbers beyond what the database holds: each is a value the property above once found
# crashing an import (fixed in the shared parsing), kept here so it is rechecked.
OUT_OF_RANGE = [
    pytest.param("placements", "provider_urn", "1e30"),
    pytest.param("dps-membership", "urn", "9223372036854775808"),
    pytest.param("fees", "urn", "1e30"),
    pytest.param("panel-decisions", "provider_urn", "1e30"),
    pytest.param("budget", "amount", "9" * 40),
    pytest.param("placements", "annual_cost", "1e30"),
    pytest.param("providers-gias", "URN", "1e30"),
    pytest.param("children", "easting", "1e30"),
]


@pytest.mark.parametrize(("kind_name", "column", "text"), OUT_OF_RANGE)
def test_import_refuses_numbers_beyond_range(import_records, tmp_path, kind_name, column, text):
    kind = import_kinds()[kind_name]
    row = list(kind.template_rows()[0])
    row[kind.column_names.index(column)] = text
    path = tmp_path / f"{kind_name}.csv"
    _write_csv(path, kind.column_names, [row])

    result, before, after = _in_savepoint(
        lambda: import_run(kind=kind_name, path=path, filename=path.name, user=None)
    )

    assert [error.column for error in result.errors] == [column]
    changes = _changes(before, after)
    changes.pop("imports.importrecord", None)
    assert changes == {}
