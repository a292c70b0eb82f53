"""Choice values match case-insensitively, with spaces, hyphens and underscores alike."""

from __future__ import annotations

import re
from collections.abc import Iterable


def normalise_choice(text: str) -> str:
    """Choice values match case-insensitively, with spaces, hyphens and underscores alike."""
    return re.sub(r"[\s_\-]+", "_", str(text).strip().lower())


def match_choice(text: str, choices: Iterable[tuple[str, object]]) -> str | None:
    """Find the value of a Django `choices` list that `text` names (by value or by label)."""
    wanted = normalise_choice(text)
    for value, label in choices:
        if wanted in (normalise_choice(value), normalise_choice(str(label))):
            return value
    return None
