"""Whole numbers typed into a search box or sent as a form value: only plain ASCII digits, and
few enough of them that no database column or Python conversion can overflow ("²", "٣" and a
5,000-digit string are not numbers here)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,9}")


def whole_number(text: object) -> int | None:
    """`text` as an int when it is 1 to 9 ASCII digits (surrounding spaces allowed), else None."""
    value = str(text).strip()
    return int(value) if _DIGITS.fullmatch(value) else None
