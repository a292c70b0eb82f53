"""Pages of long lists without counting every row: a register of 1.7 million placements is
counted only up to `COUNT_CAP`, and says "more than" beyond it."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from .numbers import whole_number

COUNT_CAP = 10_000
PAGE_NUMBER_MAX = 999_999_999
"""The largest page number asked for: any longer run of digits asks for it (the last page)."""


def page_number(value: object) -> int:
    """The page asked for in `?page=`, as every list reads it: a whole number from 1. Blank,
    garbage, 0 or a negative number is the first page; digits too many to be a real page are
    PAGE_NUMBER_MAX, which a paginator (or `dps.selectors.search.results_page`) turns into its
    last page. Never a number that overflows an OFFSET."""
    if value is None:
        return 1
    number = whole_number(value)
    if number is not None:
        return max(1, number)
    text = str(value).strip()
    return PAGE_NUMBER_MAX if text.isascii() and text.isdigit() else 1


def page_of(paginator: Paginator, request: HttpRequest) -> Page:  # type: ignore[type-arg]
    """The page of `paginator` asked for in the request's `?page=`; past the end, the last."""
    return paginator.get_page(page_number(request.GET.get("page")))


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A Paginator of a queryset whose `count` stops at `cap`: `capped` says there are more.
    Pages past the cap are not offered; the filters narrow a list that long."""

    def __init__(
        self, object_list: QuerySet[Any], per_page: int, cap: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list
        self.cap = COUNT_CAP if cap is None else cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        counted = int(self.queryset.order_by()[: self.cap + 1].count())
        self.capped = counted > self.cap
        return min(counted, self.cap)
