"""Labels for the placements domain's codes in templates: `{% load placement_labels %}`."""

from __future__ import annotations

from django import template

from placements import rules

register = template.Library()

_GROUP_SHORT = {
    rules.INMSS: "INMSS",
    rules.SPECIAL: "Special",
    rules.SRP: "SRP",
    rules.MAINSTREAM: "Mainstream",
    rules.POST16: "Post-16",
    rules.AP: "AP",
    rules.INDEPENDENT: "Independent",
    rules.OTHER: "Other",
}


@register.filter
def setting_group(code: str | None) -> str:
    """The short name of a setting group code, as tables show it."""
    return _GROUP_SHORT.get(code or "", code or "–")


@register.filter
def ncy_label(value: int | str) -> str:
    return rules.ncy_label(int(value))
