"""What the panel screens share: pagination and the labels a request row shows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest

from core import roles
from panel import services
from panel.models import PanelRequest

DECIDE = roles.DECIDE_REQUEST
PAGE_SIZE = 50


def page_of(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


FUNDING_REASONS = dict(PanelRequest.FundingReason.choices)


def decorate(item: PanelRequest) -> PanelRequest:
    """What the templates show beyond the model's fields (computed without queries)."""
    item.funding_reason_labels = [FUNDING_REASONS.get(r, r) for r in item.funding_reasons]
    item.can_record_placement = services.can_record_placement(item)
    return item
