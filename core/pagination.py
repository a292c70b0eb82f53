"""Pages of long lists without counting every row: a register of 1.7 million placements is
counted only up to `COUNT_CAP`, and says "more than" beyond it."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose `count` stops at `cap`: `capped` says there are more. Pages past the
    cap are not offered; the filters narrow a list that long."""

    def __init__(self, object_list, per_page: int, cap: int | None = None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)
