"""Find a school: the officers' search, from a child or blank, with live results."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit, calendar, roles
from core.htmx import render_page_or_partial
from core.pagination import page_number
from dps.officer_forms import SearchForm
from dps.selectors import search

PAGE_SIZE = 20


def _initial_from_child(facts: search.ChildFacts) -> dict[str, object]:
    return {
        "child": facts.child_ref,
        "need": [facts.primary_need] if facts.primary_need else [],
        "age": facts.age,
        "sex": facts.sex if facts.sex in ("M", "F") else "",
        "pattern": "day",
        "dps": search.DPS_MEMBERS,
        "ofsted": search.OFSTED_ACCEPTABLE,
        "easting": facts.easting,
        "northing": facts.northing,
    }


@require_GET
@permission_required(roles.CASEWORK, raise_exception=True)
@audit.reads_child(from_query="child")
def school_search(request: HttpRequest) -> HttpResponse:
    """Search schools for a child (`?child=REF` fills the filters from the child) or blank.

    Filters live in the URL (a GET form), so the back button and a shared link give the same
    results; htmx swaps #results as filters change, and the page works without JavaScript."""
    today = timezone.localdate()
    child_ref = request.GET.get("child", "").strip()
    found = search.child_with_facts(child_ref, today=today) if child_ref else None
    if child_ref and found is None:
        raise Http404("No child with that reference")
    child, facts = found if found else (None, None)
    data = request.GET.copy()
    data.pop("page", None)
    if facts is not None and "filtered" not in data:
        # Arriving from a child (or a panel request): the child's filters, with any given in
        # the link (e.g. the request's need) on top. The form then sends `filtered`.
        for key, value in _initial_from_child(facts).items():
            if key in data:
                continue
            if isinstance(value, list):
                data.setlist(key, value)
            elif value is not None:
                data[key] = str(value)
    form = SearchForm(data)
    form.is_valid()  # a bad filter is shown beside its field; the valid ones still apply
    cd = form.cleaned_data
    filters = search.SearchFilters(
        needs=cd.get("need") or [],
        age=cd.get("age"),
        ncy=cd.get("ncy"),
        sex=cd.get("sex") or "",
        pattern=cd.get("pattern") or "day",
        lot=int(cd["lot"]) if cd.get("lot") else None,
        dps=cd.get("dps") or search.DPS_MEMBERS,
        ofsted=cd.get("ofsted") or search.OFSTED_ACCEPTABLE,
        boarding=bool(cd.get("boarding")),
        vacancies=bool(cd.get("vacancies")),
        max_fee=cd.get("max_fee"),
        max_km=cd.get("max_km"),
        easting=cd.get("easting"),
        northing=cd.get("northing"),
    )
    academic_year = calendar.academic_year_of(today)
    queryset = search.provider_search(
        filters, academic_year=academic_year, child_ref=child.child_ref if child else None
    )
    page = search.results_page(
        queryset, number=page_number(request.GET.get("page")), page_size=PAGE_SIZE
    )
    prefetch_related_objects(page.rows, "need_types")
    rows = search.search_page_rows(page.rows, facts=facts, filters=filters)
    query = urlencode([(k, v) for k in data for v in data.getlist(k)])
    return render_page_or_partial(
        request,
        "dps/search.html",
        "results",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "child": child,
            "facts": facts,
            "filters": filters,
            "academic_year": academic_year,
            "academic_year_label": calendar.academic_year_label(academic_year),
            "query": query,
            "nav_section": "find-school",
        },
    )
