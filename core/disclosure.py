"""Small-number suppression (DESIGN §3): counts from 1 to settings.SMALL_NUMBER_THRESHOLD, and
every figure on their row, become `c` for people without the casework role.

Every page decides whether to suppress with `sees_small_numbers(request.user)`, and nothing
else: one rule, in one place."""

from __future__ import annotations

import datetime as dt
import numbers
from calendar import monthrange
from decimal import Decimal
from typing import Any

from django.conf import settings

from . import money, roles

SUPPRESSED = "c"


def sees_small_numbers(user: Any) -> bool:
    """True for people with the casework permission (they see children's records anyway);
    everyone else, managers included, sees small counts suppressed."""
    return bool(user is not None and user.has_perm(roles.CASEWORK))


def small_number_threshold() -> int:
    return int(settings.SMALL_NUMBER_THRESHOLD)


def is_small_number(count: object) -> bool:
    """Counts from 1 to the threshold are suppressed for people without the casework role;
    zero is shown."""
    # Any number (numpy's too, from the reporting frames); `c`, blanks and None are not counts.
    return (
        isinstance(count, numbers.Real | Decimal)
        and not isinstance(count, bool)
        and 1 <= float(count) <= small_number_threshold()
    )


def shown_count(count: Any, user: Any) -> Any:
    """`count` as this user may see it: the number for people with casework; for everyone
    else `c` when it is small, and otherwise rounded to the nearest 5 (docs/security.md)."""
    if sees_small_numbers(user):
        return count
    return disclose_count(count)


def disclose_count(count: Any) -> Any:
    """A count as people without casework see it: `c` when small, else to the nearest 5."""
    return SUPPRESSED if is_small_number(count) else round_count(count)


def suppress_row(
    row: dict[str, Any], *, count_fields: list[str], figure_fields: list[str]
) -> dict[str, Any]:
    """Replace small counts by `c`, and with them every money, share and percent figure on the row."""
    if not any(is_small_number(row.get(field)) for field in count_fields):
        return row
    hidden = {field: SUPPRESSED for field in [*count_fields, *figure_fields] if field in row}
    return {**row, **hidden}


def suppress_rows(
    rows: list[dict[str, Any]], *, count_fields: list[str], figure_fields: list[str]
) -> list[dict[str, Any]]:
    return [
        suppress_row(row, count_fields=count_fields, figure_fields=figure_fields) for row in rows
    ]


# --- Secondary suppression (docs/security.md, "Disclosure control") ----------------------------
#
# A table of counts with its totals is a set of sums: every row adds up to its row total and
# every column to its column total. A line (a row or a column, its total included) with exactly
# one `c` in it gives that `c` away: total minus the others. So after the small counts (primary
# suppression), more cells are hidden until every line holds no `c` or at least two, the next-
# smallest count in the line first, the line's total when nothing else is left (DfE's method).

Cell = tuple[int, str]


def _lines(
    n_rows: int, count_fields: list[str], *, has_total_row: bool, row_total_field: str | None
) -> list[tuple[list[Cell], Cell]]:
    """Every sum the table shows, as (its cells, its total cell). The total row is row `n_rows`."""
    lines: list[tuple[list[Cell], Cell]] = []
    all_rows = range(n_rows + 1) if has_total_row else range(n_rows)
    if row_total_field is not None:
        lines += [
            ([(row, field) for field in count_fields], (row, row_total_field)) for row in all_rows
        ]
    if has_total_row:
        columns = [*count_fields, *([row_total_field] if row_total_field else [])]
        lines += [([(row, field) for row in range(n_rows)], (n_rows, field)) for field in columns]
    return lines


def protect_lines(
    value: Any, lines: list[tuple[list[Cell], Cell | None]], suppressed: set[Cell]
) -> set[Cell]:
    """`suppressed` grown until no line gives a `c` away (DfE's secondary suppression).

    Each line is a sum the reader can see or work out: (its cells, its total cell), the total
    None when it is shown elsewhere (a headline figure, the county's row). A line holding exactly
    one `c` gives it away, so the smallest count still shown in it is hidden too (never a zero:
    zeros are always shown), first one whose other line also holds a lone `c`, so that one more
    `c` protects both; when only zeros are left, the line's total. `value(cell)` is the count."""
    suppressed = set(suppressed)
    lines_of: dict[Cell, list[int]] = {}
    for index, (members, total) in enumerate(lines):
        for cell in [*members, *([total] if total is not None else [])]:
            lines_of.setdefault(cell, []).append(index)

    # How many hidden cells each line holds, kept as cells are hidden (tables run to thousands
    # of rows on a national dataset, and this runs on each page view).
    hidden_count = [0] * len(lines)
    for cell in suppressed:
        for index in lines_of.get(cell, []):
            hidden_count[index] += 1

    def lone_lines(cell: Cell) -> int:
        return sum(hidden_count[index] == 1 for index in lines_of.get(cell, []))

    pending = list(range(len(lines)))
    while pending:
        index = pending.pop()
        if hidden_count[index] != 1:
            continue
        members, total = lines[index]
        candidate = min(
            (cell for cell in members if cell not in suppressed and value(cell) > 0),
            key=lambda cell: (-lone_lines(cell), value(cell), cell[0], str(cell[1])),
            default=None,
        )
        if candidate is not None:
            chosen = candidate
        elif total is not None and total not in suppressed and value(total) > 0:
            chosen = total
        else:
            continue
        suppressed.add(chosen)
        for other in lines_of.get(chosen, []):
            hidden_count[other] += 1
        pending.extend(lines_of.get(chosen, []))
    return suppressed


def secondary_suppression(
    table: list[dict[str, Any]],
    *,
    count_fields: list[str],
    row_total_field: str | None = None,
    has_total_row: bool = False,
    hidden: set[Cell] | None = None,
) -> set[Cell]:
    """The cells of `table` to show as `c`: the small counts, and as many more as it takes for no
    `c` to be the difference between a total and the figures shown beside it.

    `table` holds the rows, then (with `has_total_row`) the row of column totals last; each row
    may carry its total in `row_total_field`. `hidden` are cells already hidden for another
    reason (a total shared with another table). Returns (row index, field) pairs."""
    n_rows = len(table) - 1 if has_total_row else len(table)
    cells = {
        (row, field)
        for row in range(len(table))
        for field in [*count_fields, *([row_total_field] if row_total_field else [])]
    }
    suppressed = {cell for cell in cells if is_small_number(table[cell[0]][cell[1]])}
    suppressed |= set(hidden or ())
    lines: list[tuple[list[Cell], Cell | None]] = list(
        _lines(n_rows, count_fields, has_total_row=has_total_row, row_total_field=row_total_field)
    )

    def value(cell: Cell) -> float:
        return float(table[cell[0]][cell[1]] or 0)

    return protect_lines(value, lines, suppressed)


def suppress_table(
    table: list[dict[str, Any]],
    *,
    count_fields: list[str],
    figure_fields: list[str],
    row_total_field: str | None = None,
    has_total_row: bool = False,
    hidden: set[Cell] | None = None,
) -> list[dict[str, Any]]:
    """`table` with primary and secondary suppression applied: hidden counts become `c`, and so
    does every money, share and percent figure on a row with a hidden count."""
    suppressed = secondary_suppression(
        table,
        count_fields=count_fields,
        row_total_field=row_total_field,
        has_total_row=has_total_row,
        hidden=hidden,
    )
    result = []
    for index, row in enumerate(table):
        hide = [field for (row_index, field) in suppressed if row_index == index]
        if hide:
            hide += [field for field in figure_fields if field in row]
        result.append({**row, **dict.fromkeys(hide, SUPPRESSED)})
    return result


# --- Rounding for roles without casework --------------------------------------------------------
#
# Suppression alone does not stop differencing between two overlapping selections (January to
# March minus January to February is March, exactly). So people without casework see every count
# rounded to the nearest COUNT_ROUNDING, every money figure to the nearest MONEY_ROUNDING pounds,
# shares worked out from those rounded counts, and date ranges only in whole months.

COUNT_ROUNDING = 5
MONEY_ROUNDING = 5000


def round_count(count: Any) -> Any:
    """A count to the nearest 5 (half up); `c`, blanks and None pass through."""
    if not isinstance(count, numbers.Real | Decimal) or isinstance(count, bool):
        return count
    return int(money.round_half_up(Decimal(str(count)) / COUNT_ROUNDING) * COUNT_ROUNDING)


def round_money(amount: Any) -> Any:
    """An amount in pounds to the nearest £5,000 (half up); `c`, blanks and None pass through."""
    if not isinstance(amount, numbers.Real | Decimal) or isinstance(amount, bool):
        return amount
    step = Decimal(MONEY_ROUNDING)
    return money.round_half_up(Decimal(str(amount)) / step) * step


def rounded_percent(count: Any, base: Any) -> Any:
    """`count` as a whole percent of `base`, from the figures as shown (rounded counts): `c` when
    either is hidden, None when the base is zero."""
    if count == SUPPRESSED or base == SUPPRESSED:
        return SUPPRESSED
    if not base:
        return None
    return int(money.round_half_up(Decimal(count) * 100 / Decimal(base)))


def whole_months(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """A date range widened to whole calendar months: from the 1st, to the month's last day."""
    start = date_from.replace(day=1) if date_from else None
    end = None
    if date_to:
        end = date_to.replace(day=monthrange(date_to.year, date_to.month)[1])
    return start, end


def disclose_figures(
    row: dict[str, Any],
    *,
    count_fields: list[str],
    figure_fields: list[str],
    money_fields: tuple[str, ...] = (),
    ratios: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A row of headline figures as people without casework see them: small counts hide the
    row's figures (`suppress_row`); counts shown are rounded to the nearest 5, `money_fields` to
    the nearest £5,000, and each ratio (a fraction, `name: (numerator, denominator)`) is worked
    out again from the rounded counts, to whole percents (two decimals of the fraction)."""
    shown = suppress_row(row, count_fields=count_fields, figure_fields=figure_fields)
    shown = {
        **shown,
        **{field: round_count(shown[field]) for field in count_fields if field in shown},
        **{field: round_money(shown[field]) for field in money_fields if field in shown},
    }
    for name, (numerator, denominator) in (ratios or {}).items():
        if shown.get(name) in (None, SUPPRESSED):
            continue
        percent = rounded_percent(shown[numerator], shown[denominator])
        shown[name] = percent if percent in (None, SUPPRESSED) else Decimal(percent) / 100
    return shown


# --- One table as people without casework see it ------------------------------------------------


def round_percent(value: Any) -> Any:
    """A percent (0 to 100) to a whole number, half up; `c`, blanks and None pass through."""
    if not isinstance(value, numbers.Real | Decimal) or isinstance(value, bool):
        return value
    return int(money.round_half_up(Decimal(str(value))))


def round_share(value: Any) -> Any:
    """A share (a fraction of 1) to a whole percent, half up; `c`, blanks and None pass through."""
    if not isinstance(value, numbers.Real | Decimal) or isinstance(value, bool):
        return value
    return float(money.round_half_up(Decimal(str(value)) * 100) / 100)


def disclose_rows(
    rows: list[dict[str, Any]],
    *,
    counts: list[str],
    rests_on: dict[str, str],
    money_fields: tuple[str, ...] = (),
    shares: tuple[str, ...] = (),
    percents: tuple[str, ...] = (),
    lines: list[tuple[list[Cell], Cell | None]] | None = None,
    row_count: str | None = None,
) -> list[dict[str, Any]]:
    """`rows` as people without casework see them, on a page, in a chart, a download or a report.

    - a count from 1 to the threshold is `c` (primary suppression);
    - more counts are hidden until no line (a sum the reader sees or can work out: a column
      against its headline total, the districts against the county) gives a `c` away;
    - every other figure rests on one count of its row (`rests_on`: the children its spend
      covers, the placements its average is over; "" for none): `c` when that count is hidden,
      or missing;
    - counts are rounded to the nearest 5, `money_fields` to the nearest £5,000, `shares`
      (fractions) and `percents` to whole percents.

    `row_count` (the children a row covers) decides for the whole row: when it is hidden, so is
    every other count of the row but zeros. Lines name cells as (row index, field); by default
    each count column is a line against its total, shown elsewhere."""
    if lines is None:
        lines = [([(index, field) for index in range(len(rows))], None) for field in counts]
    small = {
        (index, field)
        for index, row in enumerate(rows)
        for field in counts
        if is_small_number(row.get(field))
    }

    def value(cell: Cell) -> float:
        found = rows[cell[0]].get(cell[1])
        return float(found) if isinstance(found, numbers.Real | Decimal) else 0.0

    def whole_rows(cells: set[Cell]) -> set[Cell]:
        if row_count is None:
            return cells
        rows_hidden = {index for index, field in cells if field == row_count}
        return cells | {
            (index, field) for index in rows_hidden for field in counts if value((index, field))
        }

    hidden = protect_lines(value, lines, whole_rows(small))
    while (grown := whole_rows(hidden)) != hidden:
        hidden = protect_lines(value, lines, grown)
    shown_rows = []
    for index, row in enumerate(rows):
        shown = dict(row)
        for field in counts:
            if field in shown:
                shown[field] = SUPPRESSED if (index, field) in hidden else round_count(row[field])
        for field, base in rests_on.items():
            if field not in shown:
                continue
            if base and ((index, base) in hidden or row.get(base) is None):
                shown[field] = None if row[field] is None else SUPPRESSED
            elif field in money_fields:
                shown[field] = round_money(row[field])
            elif field in shares:
                shown[field] = round_share(row[field])
            elif field in percents:
                shown[field] = round_percent(row[field])
        shown_rows.append(shown)
    return shown_rows
