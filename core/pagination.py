"""Pages of long lists without counting every row: a register of 1.7 million placements is
counted only up to `COUNT_CAP`, and says "more than" beyond it."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


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
