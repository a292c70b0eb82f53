from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from imports.models import ImportRecord
from placements.models import Child

pytestmark = pytest.mark.django_db

HEADER = ["child_ref", "first_name", "last_name", "date_of_birth", "sex", "shoe_size"]


def test_the_command_imports_and_prints_a_summary(write_file, capsys):
    path = write_file("c.csv", HEADER, [["WS1", "Jo", "King", "2012-01-01", "F", "3"]])
    call_command("import_data", "children", str(path))

    out = capsys.readouterr().out
    assert "1 rows read" in out
    assert "1 were created, 0 were updated" in out
    assert "Unknown columns ignored: shoe_size" in out
    assert Child.objects.count() == 1
    assert ImportRecord.objects.get().user is None


def test_a_dry_run_writes_nothing(write_file, capsys):
    path = write_file("c.csv", HEADER, [["WS1", "Jo", "King", "2012-01-01", "F", ""]])
    call_command("import_data", "children", str(path), "--dry-run")

    assert "1 would be created" in capsys.readouterr().out
    assert Child.objects.count() == 0


def test_any_error_exits_non_zero_and_prints_every_error(write_file, capsys):
    rows = [["WS1", "Jo", "King", "2012-31-01", "F", ""], ["WS2", "", "Lee", "2012-01-01", "F", ""]]
    path = write_file("c.csv", HEADER, rows)
    with pytest.raises(CommandError, match="2 errors: nothing was imported"):
        call_command("import_data", "children", str(path))

    err = capsys.readouterr().err
    assert "row 2, column date_of_birth, value '2012-31-01': is not a date" in err
    assert "row 3, column first_name, value '': is required" in err
    assert Child.objects.count() == 0


def test_an_unknown_kind_is_refused(write_file):
    path = write_file("c.csv", HEADER, [])
    with pytest.raises(CommandError, match="not an import kind"):
        call_command("import_data", "pupils", str(path))
