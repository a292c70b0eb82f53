"""Money is rounded half-up to pence once, at output (DESIGN §3)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")


def round_money(value: Decimal | float | int) -> Decimal:
    """Round half-up to pence: done once, at output."""
    return Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)


def round_half_up(value: Decimal | float | int, places: int = 0) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_decimal(
    value: object, *, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("is not a number")
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        raw = re.sub(r"[\s,]", "", str(value).strip())
        if raw.endswith("%"):
            raw = raw[:-1]
        try:
            number = Decimal(raw)
        except InvalidOperation as error:
            raise ValueError("is not a number") from error
    if not number.is_finite():
        raise ValueError("is not a number")
    if minimum is not None and number < minimum:
        raise ValueError(f"must not be less than {minimum}")
    if maximum is not None and number > maximum:
        raise ValueError(f"must not be more than {maximum}")
    return number


def read_money(value: object) -> Decimal:
    """The one reading of an amount of money as people write it: `£36,233.50`, `36233.5`,
    `£ 36 233`, `-£5` or `(5)` → a Decimal as written (signed, not rounded). Raises ValueError
    for anything that is not an amount. Forms use it and check the sign and pence themselves;
    `parse_money` is the imports' stricter form."""
    if isinstance(value, str):
        raw = value.strip()
        negative = raw.startswith("-") or (raw.startswith("(") and raw.endswith(")"))
        raw = raw.strip("()").lstrip("-").replace("£", "")
        if raw.endswith("%"):
            raise ValueError("is a percentage, not an amount of money such as 36000 or £36,000.00")
        if negative:
            raw = "-" + raw
        value = raw
    try:
        return parse_decimal(value)
    except ValueError as error:
        raise ValueError("is not an amount of money, such as 36000 or £36,000.00") from error


def parse_money(value: object) -> Decimal:
    """£36,233.50, 36233.5, "£ 36 233" → Decimal to the penny; negative amounts are refused."""
    amount = read_money(value)
    if amount < 0:
        raise ValueError("must not be negative")
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)
