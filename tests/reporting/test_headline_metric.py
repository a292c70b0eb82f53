"""The home page's headline figures, on hand-computed frames (no database)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reporting import metrics


def _placements(rows):
    frame = pd.DataFrame(rows, columns=["group", "start_date", "end_date", "cost"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def _ehcps(rows):
    frame = pd.DataFrame(
        rows, columns=["child_id", "request_date", "issue_date", "ceased_date", "need"]
    )
    for column in ("request_date", "issue_date", "ceased_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def test_headline_counts_active_inmss_share_and_fy_spend():
    placements = _placements(
        [
            # Whole FY 2024 (365 days) at £36,500: spend 36,500; active on 1 Oct 2024.
            ("inmss", "2023-09-01", None, 36500.0),
            # 1 Apr – 30 Sep 2024 (183 days) at £73,000: spend 36,600; ended before as-of.
            ("inmss", "2024-04-01", "2024-09-30", 73000.0),
            # Starts 1 Mar 2025: 31 days of FY 2024 at £36,500 = 3,100; not active on 1 Oct 2024.
            ("inmss", "2025-03-01", None, 36500.0),
            # A special school placement: never counted as INMSS.
            ("special", "2020-09-01", None, 17500.0),
        ]
    )
    ehcps = _ehcps(
        [
            (1, "2023-01-01", "2023-05-01", None, "ASD"),
            (2, "2023-01-01", "2023-05-01", "2024-06-30", "SEMH"),  # ceased before as-of
            (3, "2023-01-01", "2023-05-01", None, "ASD"),
            (4, "2023-01-01", "2023-05-01", None, "SLD"),
            (5, "2024-09-01", None, None, "ASD"),  # not yet issued
        ]
    )

    figures = metrics.headline(placements, ehcps, dt.date(2024, 10, 1))

    assert figures["financial_year"] == 2024
    assert figures["inmss_placements"] == 1
    assert figures["ehcps"] == 3
    assert figures["inmss_share"] == pytest.approx(0.3333)
    assert figures["inmss_avg_annual_cost"] == 36500.0
    assert figures["inmss_spend_fy"] == pytest.approx(36500 + 36600 + 3100)


def test_headline_with_no_data_has_no_share_or_average():
    figures = metrics.headline(_placements([]), _ehcps([]), dt.date(2025, 1, 1))

    assert figures["inmss_placements"] == 0
    assert figures["ehcps"] == 0
    assert figures["inmss_share"] is None
    assert figures["inmss_avg_annual_cost"] is None
    assert figures["inmss_spend_fy"] == 0
