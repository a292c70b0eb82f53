"""Turn querysets into pandas frames: one query per table, no per-row ORM objects."""

from __future__ import annotations

import pandas as pd

from placements.models import EHCP
from placements.selectors import placements_with_setting_group

PLACEMENT_COLUMNS = [
    "id",
    "child_id",
    "provider_id",
    "provider__urn",
    "provider__name",
    "group",
    "start_date",
    "end_date",
    "annual_cost",
    "additional_cost",
    "attendance_pattern",
]


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def load_placements() -> pd.DataFrame:
    """Placements that count (not withdrawn), with `cost` = base fee + additional funding."""
    frame = _frame(
        placements_with_setting_group().values_list(*PLACEMENT_COLUMNS), PLACEMENT_COLUMNS
    )
    frame = frame.rename(columns={"provider__urn": "urn", "provider__name": "provider"})
    frame["cost"] = frame["annual_cost"].astype(float) + frame["additional_cost"].astype(float)
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


EHCP_COLUMNS = [
    "child_id",
    "request_date",
    "issue_date",
    "ceased_date",
    "primary_need_id",
    "secondary_need_id",
]


def load_ehcps() -> pd.DataFrame:
    frame = _frame(EHCP.objects.values_list(*EHCP_COLUMNS), EHCP_COLUMNS)
    for column in ("request_date", "issue_date", "ceased_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.rename(columns={"primary_need_id": "need", "secondary_need_id": "secondary_need"})
