"""Metric functions: frames in, frames (or plain dicts) out. Unit-tested without a database.

Every function here follows docs/definitions.md and is pure: it reads only its arguments, so the
`report` command and the dashboard snapshots compute the same figures from the same frames.
"""

from __future__ import annotations

from .budget import budget_line_groups, budget_lines_forecast, forecast_by_month, total_forecast
from .casework import consultation_timeliness, placement_timeline
from .common import add_child_details, add_district, child_primary_need, with_key_categories
from .growth import (
    ehcp_timeliness,
    growth_since,
    growth_since_by,
    inmss_share,
    inmss_share_over_time,
    inmss_share_over_time_by,
    rebase,
)
from .headline import headline
from .newplacements import new_placements, new_placements_by_year
from .providers import block_contract_utilisation, concentration, negotiation_savings
from .spend import cost_by_need_inmss_vs_special, ncy_breakdown, spend_by_need_and_group

__all__ = [
    "add_child_details",
    "add_district",
    "with_key_categories",
    "block_contract_utilisation",
    "budget_line_groups",
    "budget_lines_forecast",
    "child_primary_need",
    "concentration",
    "consultation_timeliness",
    "cost_by_need_inmss_vs_special",
    "ehcp_timeliness",
    "forecast_by_month",
    "growth_since",
    "total_forecast",
    "growth_since_by",
    "headline",
    "inmss_share",
    "inmss_share_over_time",
    "inmss_share_over_time_by",
    "ncy_breakdown",
    "negotiation_savings",
    "new_placements",
    "new_placements_by_year",
    "placement_timeline",
    "rebase",
    "spend_by_need_and_group",
]
