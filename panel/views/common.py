"""What the panel screens share: pagination and the labels a request row shows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest

from core import roles
from core.pagination import page_number
from panel import services
from panel.models import PanelRequest

DECIDE = roles.DECIDE_REQUEST
PAGE_SIZE = 50


def page_of(request: HttpRequest, queryset, size: int = PAGE_SIZE, number=None, count=None):
    """The page asked for in `?page=` (or `number`); a bad or too-high number gives the nearest.
    A `count` known already saves the paginator its COUNT query."""
    paginator = Paginator(queryset, size)
    if count is not None:
        paginator.count = count
    return paginator.get_page(page_number(number or request.GET.get("page")))


FUNDING_REASONS = dict(PanelRequest.FundingReason.choices)


def decorate(item: PanelRequest) -> PanelRequest:
    """What the templates show beyond the model's fields (computed without queries)."""
    item.funding_reason_labels = [FUNDING_REASONS.get(r, r) for r in item.funding_reasons]
    item.can_record_placement = services.can_record_placement(item)
    return item
