"""What a reference may hold (a child's reference, a contract's): one line of visible characters,
without a slash. A child's reference is part of the child's web address (`/children/<ref>/`), so
a line break or another control character (refused at the door as a bad request), a slash (no
address can be made) or a reference of only dots (a browser reads `..` as "up one") would leave
the child's pages unreachable. One rule, used by the model fields (so every form and the admin
check it) and by the imports' check of each row (`imports.bounds`)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Control (Cc), format (Cf, such as zero-width spaces), surrogate, private-use and unassigned
# characters, and the line and paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def reference_problem(value: str) -> str | None:
    """Why `value` cannot be a reference, as a phrase that follows "The reference" (and an
    import's column name), or None when it can."""
    if any(unicodedata.category(character) in _INVISIBLE for character in value):
        return "contains a line break, a tab or another character that cannot be seen"
    if "/" in value:
        return "contains a slash (/), which cannot be part of a web address"
    if value and not value.strip("."):
        return "is only dots"
    if value != value.strip():
        return "starts or ends with a space"
    return None


@deconstructible
class ReferenceValidator:
    """The model field validator of `reference_problem`."""

    def __call__(self, value: str) -> None:
        problem = reference_problem(value)
        if problem is not None:
            raise ValidationError(f"The reference {problem}", code="invalid_reference")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReferenceValidator)

    def __hash__(self) -> int:
        return hash(type(self))


def repaired_reference(value: str, *, max_length: int, taken: set[str], fallback: str) -> str:
    """`value` made a reference `reference_problem` accepts: each run of invisible characters
    and spaces one space, a slash a hyphen, trimmed; `fallback` when nothing is left. Unique
    against `taken` (compared in upper case, as references are looked up) by a `-2`, `-3`…"""
    spaced = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in value)
    text = " ".join(spaced.replace("/", "-").split())[:max_length].strip()
    if not text.strip("."):
        text = fallback
    candidate, number = text, 1
    while candidate.upper() in taken:
        number += 1
        suffix = f"-{number}"
        candidate = text[: max_length - len(suffix)].rstrip() + suffix
    return candidate
