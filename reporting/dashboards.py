"""What each dashboard shows: its headline figures, its tables (columns and their kinds), its
charts and the filters that apply. The snapshot holds only the numbers; labels live here, so a
page and its downloads describe a table the same way.

Column kinds decide formatting and disclosure (`core.disclosure.disclose_rows`, docs/security.md):
`count` columns are the small numbers; `money`, `share`, `percent`, `index` and `days` are figures,
each resting on one count of its row (`Column.rests_on`: by default the children the row covers,
else the table's first count) and hidden with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COUNT = "count"
MONEY = "money"
SHARE = "share"
PERCENT = "percent"
DAYS = "days"
TEXT = "text"
DATE = "date"
GROUP = "setting_group"
NEED = "need"
NUMBER = "number"
INDEX = "index"
FIGURE_KINDS = (MONEY, SHARE, PERCENT, DAYS, INDEX)
CHILDREN = "children"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    rests_on: str | None = None
    """For a figure: the count of its row it rests on (hidden with it); None for the table's
    default, "" for none (a budget is no count of children)."""
    ratio_of: tuple[str, str] | None = None
    """For a share: (numerator, denominator) of its row, so that people without casework get it
    from the figures they are shown (rounded), not from the exact counts."""


@dataclass(frozen=True)
class Chart:
    type: str
    label_key: str
    series: tuple[tuple[str, str], ...]
    money: bool = False
    stacked: bool = False
    index_axis: str = "x"


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    columns: tuple[Column, ...]
    chart: Chart | None = None
    per_year: bool = True
    """Stored per financial year (the page's year filter chooses); else one for the as-of date."""
    description: str = ""
    by_district: bool = False
    """Rows carry `district` ("" for every district): the district filter picks them."""

    @property
    def count_keys(self) -> list[str]:
        return [c.key for c in self.columns if c.kind == COUNT]

    @property
    def figure_keys(self) -> list[str]:
        return [c.key for c in self.columns if c.kind in FIGURE_KINDS]

    @property
    def rests_on(self) -> dict[str, str]:
        """Each figure column and the count it rests on: its own, else the children the row
        covers, else the table's first count."""
        counts = self.count_keys
        default = CHILDREN if CHILDREN in counts else (counts[0] if counts else "")
        return {
            c.key: default if c.rests_on is None else c.rests_on
            for c in self.columns
            if c.kind in FIGURE_KINDS
        }

    @property
    def key_columns(self) -> list[str]:
        """The columns naming a row (need, setting group, NCY, date...): not counts or figures."""
        return [c.key for c in self.columns if c.kind not in (COUNT, *FIGURE_KINDS)]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str
    table: str
    """The table behind the figure: its drill-down."""
    count: str | None = None
    """The count this figure rests on: small, and the figure is shown as `c`."""
    register_group: str | None = None
    """For people with casework: the placements register, filtered to this setting group
    ("" for every group) and active on the as-of date, lists the placements behind it."""
    per_year: bool = True
    top_share_of: str | None = None
    """The share held by the first N rows of this table, N being the page's "top" filter; the
    label's `{top}` names N."""


@dataclass(frozen=True)
class Dashboard:
    slug: str
    number: int
    title: str
    summary: str
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...]
    filters: tuple[str, ...] = ("fy",)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables if t.id == table_id), None)


BUDGET = Dashboard(
    slug="budget",
    number=1,
    title="Budget",
    summary="Budget lines for the financial year against spent to date, committed, spend in the "
    "year and the forecast outturn, and the spend no budget line pays for.",
    figures=(
        Figure("budget", "budget for the year", MONEY, "lines"),
        Figure("spend_in_year", "spend in the year", MONEY, "lines"),
        Figure("forecast_outturn", "forecast outturn", MONEY, "lines"),
        Figure("variance", "variance (forecast outturn − budget)", MONEY, "lines"),
    ),
    tables=(
        Table(
            "lines",
            "Budget lines",
            (
                Column("line", "Budget line"),
                Column("budget", "Budget", MONEY),
                Column("spent_to_date", "Spent to date", MONEY),
                Column("committed", "Committed", MONEY),
                Column("spend_in_year", "Spend in the year", MONEY),
                Column("agreed_not_started", "Agreed by panel, not started", MONEY),
                Column("forecast_outturn", "Forecast outturn", MONEY),
                Column("variance", "Variance", MONEY),
            ),
            Chart(
                "bar",
                "line",
                (("budget", "Budget"), ("forecast_outturn", "Forecast outturn")),
                money=True,
            ),
            description="Spent to date runs from the start of the year to the as-of date; "
            "committed is the placements recorded, from the next day to the end of the year; "
            "together they are the spend in the year. Requests the panel agreed that are not yet "
            "placements count from their expected start. Forecast outturn is spend in the year "
            "plus agreed by panel, not started; variance is forecast outturn minus budget: "
            "positive is an overspend. A line whose name names no setting group (e.g. INMSS, "
            "maintained special, post-16, total) has no spend linked to it. Spend with no budget "
            "line is the spend of the setting groups no line pays for, so the spend in the year "
            "of every row together is the Spend dashboard's spend in the year. The headline "
            "figures count every placement once, with or without a budget line.",
        ),
        Table(
            "movement",
            "How the forecast outturn moved",
            (Column("month", "Month"), Column("forecast_outturn", "Forecast outturn", MONEY)),
            Chart("line", "month", (("forecast_outturn", "Forecast outturn"),), money=True),
            description="The forecast outturn of every budget line together, as the last "
            "recompute in each month gave it. A month with no recompute stored (before the "
            "first, as on a fresh demo) shows the forecast as of its last day, worked out from "
            "the records as they are now.",
        ),
    ),
)

SPEND = Dashboard(
    slug="spend",
    number=2,
    title="Spend",
    summary="Spend and placements by need and setting group, by national curriculum year, and the cost of new placements.",
    figures=(
        Figure("spend", "spend in the year", MONEY, "need_group"),
        Figure("placements", "placements active", COUNT, "need_group", register_group=""),
        Figure("avg_annual_cost", "average annual cost", MONEY, "need_group", count="placements"),
        Figure(
            "inmss_placements",
            "INMSS placements active",
            COUNT,
            "inmss_vs_special",
            register_group="inmss",
        ),
    ),
    tables=(
        Table(
            "need_group",
            "Spend by need and setting group",
            (
                Column("need", "Need", NEED),
                Column("setting_group", "Setting group", GROUP),
                Column(CHILDREN, "Children", COUNT),
                Column("placements", "Placements active", COUNT),
                Column("spend", "Spend in the year", MONEY),
                Column("avg_annual_cost", "Average annual cost", MONEY, rests_on="placements"),
            ),
            Chart("bar", "need", (("spend", "Spend in the year"),), money=True),
            description="Children: every child whose placements carry spend in the year or are "
            "active, ended placements included; the spend on the row is theirs.",
            by_district=True,
        ),
        Table(
            "inmss_vs_special",
            "Average annual cost per need: INMSS against maintained special",
            (
                Column("need", "Need", NEED),
                Column("inmss_placements", "INMSS placements", COUNT),
                Column("inmss_avg_annual_cost", "INMSS average cost", MONEY, "inmss_placements"),
                Column("special_placements", "Maintained special placements", COUNT),
                Column(
                    "special_avg_annual_cost",
                    "Maintained special average cost",
                    MONEY,
                    "special_placements",
                ),
            ),
            Chart(
                "bar",
                "need",
                (
                    ("inmss_avg_annual_cost", "INMSS"),
                    ("special_avg_annual_cost", "Maintained special"),
                ),
                money=True,
            ),
        ),
        Table(
            "ncy",
            "Spend and placements by national curriculum year",
            (
                Column("ncy", "NCY", NUMBER),
                Column("setting_group", "Setting group", GROUP),
                Column(CHILDREN, "Children", COUNT),
                Column("placements", "Placements active", COUNT),
                Column("spend", "Spend in the year", MONEY),
            ),
            Chart("bar", "ncy", (("placements", "Placements active"),)),
            description="NCY in the academic year of the as-of date. Look for the rise at "
            "Year 7, when children move to secondary school.",
        ),
        Table(
            "new_by_year",
            "New placements per year",
            (
                Column("financial_year", "Financial year"),
                Column("new_placements", "New placements", COUNT),
                Column("new_inmss_placements", "New INMSS placements", COUNT),
                Column(
                    "inmss_avg_annual_cost",
                    "INMSS average annual cost",
                    MONEY,
                    "new_inmss_placements",
                ),
                Column(
                    "inmss_median_annual_cost",
                    "INMSS median annual cost",
                    MONEY,
                    "new_inmss_placements",
                ),
            ),
            Chart(
                "bar",
                "financial_year",
                (
                    ("new_placements", "New placements"),
                    ("new_inmss_placements", "New INMSS placements"),
                ),
            ),
            per_year=False,
            description="Placements starting in each year; continuations of an existing "
            "placement are not new.",
            by_district=True,
        ),
    ),
    filters=("fy", "need", "group", "district"),
)

PROVIDERS = Dashboard(
    slug="providers",
    number=3,
    title="Providers",
    summary="Supplier concentration among INMSS providers, block contract utilisation and uplift negotiation savings.",
    figures=(
        Figure("inmss_spend", "INMSS spend in the year", MONEY, "concentration"),
        Figure("providers", "INMSS providers paid", COUNT, "concentration"),
        Figure(
            "top_share",
            "share of INMSS spend with the top {top}",
            SHARE,
            "concentration",
            top_share_of="concentration",
        ),
    ),
    tables=(
        Table(
            "concentration",
            "Supplier concentration",
            (
                Column("rank", "Rank", NUMBER),
                Column("urn", "URN", TEXT),
                Column("provider", "Provider"),
                Column("spend", "INMSS spend in the year", MONEY),
                Column(CHILDREN, "Children", COUNT),
                Column("placements", "Placements active", COUNT),
                Column("avg_annual_cost", "Average annual cost", MONEY, rests_on="placements"),
                Column("share", "Share of INMSS spend", SHARE),
            ),
            Chart(
                "bar",
                "provider",
                (("spend", "INMSS spend in the year"),),
                money=True,
                index_axis="y",
            ),
            description="Providers ranked by the spend of their INMSS placements in the year "
            "(ties by URN); placements and average cost as of the as-of date.",
        ),
        Table(
            "block_contracts",
            "Block contract utilisation",
            (
                Column("provider", "Provider"),
                Column("urn", "URN", TEXT),
                Column("start_date", "Starts", DATE),
                Column("end_date", "Ends", DATE),
                Column("places_reserved", "Places reserved", NUMBER),
                Column("places_used", "Places used", COUNT),
                Column(
                    "utilisation", "Utilisation", SHARE, ratio_of=("places_used", "places_reserved")
                ),
                Column("value", "Contract value a year", MONEY, rests_on=""),
            ),
            per_year=False,
            description="Block contracts running on the as-of date; places used are the "
            "provider's placements active then, up to the places reserved.",
        ),
        Table(
            "savings",
            "Uplift negotiation savings by academic year",
            (
                Column("academic_year", "Academic year", NUMBER),
                Column("requests", "Decided requests", COUNT),
                Column("agreed", "Agreed", COUNT),
                Column("refused", "Refused", COUNT),
                Column("avg_requested_percent", "Average requested %", PERCENT),
                Column("avg_agreed_percent", "Average agreed %", PERCENT),
                Column("saving", "Saving", MONEY),
            ),
            Chart("bar", "academic_year", (("saving", "Saving"),), money=True),
            per_year=False,
            description="Saving = the base fees of the provider's placements active on "
            "1 September × (requested % − agreed %); a refusal agrees 0%.",
        ),
    ),
    filters=("fy", "top"),
)

GROWTH = Dashboard(
    slug="growth",
    number=4,
    title="Growth and share",
    summary="INMSS placements as a share of EHCPs over time, their growth against special schools, and EHCP 20-week timeliness.",
    figures=(
        Figure(
            "share",
            "of active EHCPs in INMSS",
            SHARE,
            "share_over_time",
            count="inmss_placements",
            per_year=False,
        ),
        Figure(
            "inmss_placements",
            "INMSS placements active",
            COUNT,
            "share_over_time",
            register_group="inmss",
            per_year=False,
        ),
        Figure("ehcps", "active EHCPs", COUNT, "share_over_time", per_year=False),
        Figure(
            "percent_within_20_weeks",
            "of new plans issued within 20 weeks (latest year)",
            PERCENT,
            "timeliness",
            count="issued",
            per_year=False,
        ),
    ),
    tables=(
        Table(
            "share_over_time",
            "INMSS placements as a share of EHCPs",
            (
                Column("date", "On", DATE),
                Column("inmss_placements", "INMSS placements", COUNT),
                Column("ehcps", "Active EHCPs", COUNT),
                Column("share", "Share", SHARE, ratio_of=("inmss_placements", "ehcps")),
            ),
            Chart("line", "date", (("share", "INMSS share of EHCPs"),)),
            per_year=False,
            description="On 31 March of each year, and on the as-of date.",
            by_district=True,
        ),
        Table(
            "growth",
            "Growth of INMSS placements against special school places",
            (
                Column("date", "On", DATE),
                Column("inmss_placements", "INMSS placements", COUNT),
                Column("special_placements", "Maintained special placements", COUNT),
                Column("inmss_index", "INMSS (base = 100)", INDEX, "inmss_placements"),
                Column(
                    "special_index", "Maintained special (base = 100)", INDEX, "special_placements"
                ),
            ),
            Chart(
                "line", "date", (("inmss_index", "INMSS"), ("special_index", "Maintained special"))
            ),
            per_year=False,
            description="Special school places are the council's placements in maintained "
            "and academy special schools. Choose the base year above.",
            by_district=True,
        ),
        Table(
            "timeliness",
            "EHCPs issued within 20 weeks",
            (
                Column("year", "Calendar year issued", NUMBER),
                Column("issued", "New plans issued", COUNT),
                Column("exceptions", "Exceptions", COUNT),
                Column("within_20_weeks", "Within 20 weeks", COUNT),
                Column(
                    "percent_within_20_weeks", "% within 20 weeks (exceptions excluded)", PERCENT
                ),
            ),
            Chart("bar", "year", (("percent_within_20_weeks", "% within 20 weeks"),)),
            per_year=False,
        ),
    ),
    filters=("base", "district"),
)

NEW_PLACEMENTS = Dashboard(
    slug="new-placements",
    number=5,
    title="New placements",
    summary="New placements in a financial year by setting group, in and out of area, their cost, and how long they took.",
    figures=(
        Figure("new_placements", "new placements", COUNT, "by_group"),
        Figure("out_of_area", "out of area", COUNT, "by_group"),
        Figure(
            "inmss_avg_annual_cost",
            "average annual cost of new INMSS",
            MONEY,
            "by_group",
            count="inmss_new",
        ),
        Figure(
            "inmss_median_annual_cost",
            "median annual cost of new INMSS",
            MONEY,
            "by_group",
            count="inmss_new",
        ),
        Figure(
            "median_days_approval_to_offer",
            "median days from panel approval to offer",
            DAYS,
            "timeline",
            count="with_approval_and_offer",
        ),
        Figure(
            "median_days_offer_to_start",
            "median days from offer to start",
            DAYS,
            "timeline",
            count="with_offer",
        ),
    ),
    tables=(
        Table(
            "by_group",
            "New placements by setting group",
            (
                Column("setting_group", "Setting group", GROUP),
                Column("new_placements", "New placements", COUNT),
                Column("in_area", "In area", COUNT),
                Column("out_of_area", "Out of area", COUNT),
                Column("avg_annual_cost", "Average annual cost", MONEY),
                Column("median_annual_cost", "Median annual cost", MONEY),
            ),
            Chart(
                "bar",
                "setting_group",
                (("in_area", "In area"), ("out_of_area", "Out of area")),
                stacked=True,
            ),
            description="Placements starting in the year, continuations left out. In area: the "
            "provider's local authority is the council's own; a provider with no local authority "
            "recorded is neither.",
            by_district=True,
        ),
        Table(
            "timeline",
            "Days from panel approval to offer, and from offer to start",
            (
                Column("setting_group", "Setting group", GROUP),
                Column("placements", "Placements starting", COUNT),
                Column("with_approval_and_offer", "With approval and offer", COUNT),
                Column(
                    "median_days_approval_to_offer",
                    "Median days approval to offer",
                    DAYS,
                    "with_approval_and_offer",
                ),
                Column("with_offer", "With an offer", COUNT),
                Column(
                    "median_days_offer_to_start", "Median days offer to start", DAYS, "with_offer"
                ),
            ),
            description="Approval: the latest agreed panel request for the child and provider "
            "on or before the start. Offer: the provider's latest offer on or before the start. "
            "A negative number means the offer came before the panel's approval.",
        ),
    ),
    filters=("fy", "group", "district"),
)

CASEWORK = Dashboard(
    slug="casework",
    number=7,
    title="Casework timeliness",
    summary="Consultations sent, how quickly schools answered, those overdue, and the days from panel approval to offer and start.",
    figures=(
        Figure("consulted", "consultations sent", COUNT, "months"),
        Figure("overdue", "overdue", COUNT, "months"),
        Figure(
            "median_response_days", "median days to a response", DAYS, "months", count="consulted"
        ),
        Figure("awaiting", "awaiting a response", COUNT, "months"),
    ),
    tables=(
        Table(
            "months",
            "Consultations by month sent",
            (
                Column("month", "Month sent"),
                Column("consulted", "Consulted", COUNT),
                Column("offers", "Offers", COUNT),
                Column("declines", "Declines", COUNT),
                Column("awaiting", "Awaiting", COUNT),
                Column("overdue", "Overdue", COUNT),
                Column("avg_response_days", "Average days to respond", DAYS),
                Column("median_response_days", "Median days to respond", DAYS),
            ),
            Chart(
                "bar",
                "month",
                (("offers", "Offers"), ("declines", "Declines"), ("awaiting", "Awaiting")),
                stacked=True,
            ),
            description="Overdue: awaiting past its due date on the as-of date, or answered after "
            "it. Response days count offers and declines; withdrawn and not needed count only as "
            "consulted.",
        ),
        NEW_PLACEMENTS.tables[1],
    ),
    filters=("fy", "group"),
)

DASHBOARDS: tuple[Dashboard, ...] = (BUDGET, SPEND, PROVIDERS, GROWTH, NEW_PLACEMENTS, CASEWORK)
BY_SLUG = {dashboard.slug: dashboard for dashboard in DASHBOARDS}
