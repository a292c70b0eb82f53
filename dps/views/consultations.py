"""Shortlist, consult, responses, chases, compare and accept: the officers' consultations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core.errors import DomainError
from core.numbers import whole_number
from dps import selectors, services
from dps.models import Consultation, ConsultationEmail
from dps.officer_forms import (
    AcceptForm,
    ConsultForm,
    ContactForm,
    ResponseForm,
    SchoolByUrnForm,
    ShortlistAddForm,
    VersionForm,
)
from dps.selectors import consultations as consultation_selectors
from placements import selectors as placement_selectors
from placements.models import Child, Provider

VIEW = "dps.view_consultation"
ADD = "dps.add_consultation"
CHANGE = "dps.change_consultation"
PACK = ConsultationEmail.Kind.PACK


def _child(child_ref: str) -> Child:
    child = placement_selectors.child_by_ref(child_ref)
    if child is None:
        raise Http404("No child with that reference")
    return child


def _consultation(pk: int) -> Consultation:
    try:
        return consultation_selectors.consultation_detail(pk)
    except Consultation.DoesNotExist as error:
        raise Http404("No such consultation") from error


def _user(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user if request.user.is_authenticated else None


def _shortlist_page(
    request: HttpRequest,
    child: Child,
    *,
    consult_form: ConsultForm | None = None,
    urn_form: SchoolByUrnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    entries = list(consultation_selectors.shortlist_of(child))
    choices = [(e.provider.urn, e.provider.name) for e in entries]
    if consult_form is None:
        consult_form = ConsultForm(
            choices=choices, initial={"urn": [c[0] for c in choices], "attendance_pattern": "day"}
        )
    return render(
        request,
        "dps/shortlist.html",
        {
            "child": child,
            "entries": entries,
            "consult_form": consult_form,
            "urn_form": urn_form or SchoolByUrnForm(),
            "checked_urns": (
                {n for u in consult_form.data.getlist("urn") if (n := whole_number(u)) is not None}
                if consult_form.is_bound
                else {c[0] for c in choices}
            ),
            "nav_section": "children",
        },
        status=status,
    )


@require_GET
@permission_required(ADD, raise_exception=True)
@audit.reads_child()
def shortlist(request: HttpRequest, child_ref: str) -> HttpResponse:
    return _shortlist_page(request, _child(child_ref))


@require_POST
@permission_required(ADD, raise_exception=True)
def shortlist_add(request: HttpRequest, child_ref: str) -> HttpResponse:
    """Add the schools ticked in the search results (or one school by URN) to the shortlist."""
    child = _child(child_ref)
    if "school_urn" in request.POST:
        urn_form = SchoolByUrnForm(request.POST)
        if urn_form.is_valid():
            provider = Provider.objects.filter(urn=urn_form.cleaned_data["school_urn"]).first()
            if provider is None:
                urn_form.add_error("school_urn", "No school has that URN")
            else:
                services.shortlist_add(
                    child=child,
                    providers=[provider],
                    user=_user(request),
                    parental_request=urn_form.cleaned_data["parental_request"],
                )
                messages.success(request, f"{provider.name} added to the shortlist.")
                return redirect("dps:shortlist", child_ref=child.child_ref)
        return _shortlist_page(request, child, urn_form=urn_form, status=400)
    urns = [n for u in request.POST.getlist("urn") if (n := whole_number(u)) is not None]
    providers = list(Provider.objects.filter(urn__in=urns))
    form = ShortlistAddForm(request.POST, urns=[p.urn for p in providers])
    nxt = request.POST.get("next", "")
    back = (
        nxt
        if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
        else reverse("dps:search") + f"?child={child.child_ref}"
    )
    if not form.is_valid():
        messages.error(request, "Tick at least one school to add to the shortlist.")
        return HttpResponseRedirect(back)
    services.shortlist_add(child=child, providers=providers, user=_user(request))
    messages.success(
        request,
        f"{len(providers)} school{'s' if len(providers) != 1 else ''} added to the shortlist.",
    )
    return redirect("dps:shortlist", child_ref=child.child_ref)


@require_POST
@permission_required(ADD, raise_exception=True)
def shortlist_remove(request: HttpRequest, child_ref: str, urn: int) -> HttpResponse:
    child = _child(child_ref)
    provider = Provider.objects.filter(urn=urn).first()
    if provider is not None:
        services.shortlist_remove(child=child, provider=provider, user=_user(request))
    return redirect("dps:shortlist", child_ref=child.child_ref)


@require_POST
@permission_required(ADD, raise_exception=True)
def consult(request: HttpRequest, child_ref: str) -> HttpResponse:
    """Consult the ticked shortlisted schools in one step: each gets its pack by email. A school
    already consulted and awaiting a response (a double submit) is reported, not consulted again."""
    child = _child(child_ref)
    entries = list(consultation_selectors.shortlist_of(child))
    awaiting = list(consultation_selectors.consultations_awaiting_of(child))
    schools = {e.provider.urn: e.provider for e in entries}
    schools.update({c.provider.urn: c.provider for c in awaiting})
    form = ConsultForm(request.POST, choices=[(urn, p.name) for urn, p in schools.items()])
    if form.is_valid():
        wanted = set(form.cleaned_data["urn"])
        try:
            consulted = services.consultations_send(
                child=child,
                providers=[p for urn, p in schools.items() if urn in wanted],
                user=_user(request),
                attendance_pattern=form.cleaned_data["attendance_pattern"],
                provision_sought=form.cleaned_data["provision_sought"],
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            _consulted_messages(request, consulted)
            return redirect("dps:child_consultations", child_ref=child.child_ref)
    return _shortlist_page(request, child, consult_form=form, status=400)


def _consulted_messages(request: HttpRequest, consulted: services.Consulted) -> None:
    made = consulted.made
    if made:
        messages.success(
            request,
            f"{len(made)} school{'s' if len(made) != 1 else ''} consulted. "
            f"Responses are due by {made[0].due_on:%-d %B %Y}.",
        )
    if consulted.already_open:
        # One neutral banner: nothing went wrong, and nothing new was done for these schools.
        lines = [
            f"{c.provider.name}, consulted on {c.sent_on:%-d %B %Y}" for c in consulted.already_open
        ]
        messages.info(
            request,
            "\n".join(
                ["Already consulted and awaiting a response, so not consulted again:", *lines]
            ),
            extra_tags="list",
        )
    no_contact = [c.provider.name for c in made if not c.contact_email]
    if no_contact:
        messages.warning(
            request,
            f"No SEN contact email is held for {', '.join(no_contact)}: "
            "add one on the consultation to send its pack.",
        )
    _unsent_warning(request, made)


def _sentence_part(text: str) -> str:
    return text[:1].lower() + text[1:]


def _unsent_warning(request: HttpRequest, consultations: list[Consultation]) -> None:
    """Say which schools' emails did not go (the mail server was down, say): they are kept and
    tried again, and the pages list them."""
    failed = consultation_selectors.emails_failed_of(consultations)
    if failed:
        schools = sorted({e.consultation.provider.name for e in failed})
        one = len(failed) == 1
        messages.warning(
            request,
            f"The email{'' if one else 's'} to {', '.join(schools)} "
            f"{'has' if one else 'have'} not been sent yet: "
            f"{_sentence_part(failed[0].plain_reason)}. {'It is' if one else 'They are'} kept "
            "and tried again automatically, or with Try sending again.",
        )


@require_GET
@permission_required(VIEW, raise_exception=True)
@audit.reads_child()
def child_consultations(request: HttpRequest, child_ref: str) -> HttpResponse:
    child = _child(child_ref)
    unsent = list(consultation_selectors.emails_unsent_of_child(child))
    return render(
        request,
        "dps/child_consultations.html",
        {
            "child": child,
            "consultations": list(consultation_selectors.consultations_of(child)),
            "unsent_emails": unsent,
            "unsent_packs": {e.consultation_id for e in unsent if e.kind == PACK},
            "today": timezone.localdate(),
            "nav_section": "children",
        },
    )


def _detail_page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    response_form: ResponseForm | None = None,
    contact_form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    version = {"version": consultation.version}
    unsent = [e for e in consultation.emails.all() if e.unsent]
    return render(
        request,
        "dps/consultation_detail.html",
        {
            "consultation": consultation,
            "child": consultation.child,
            "response_form": response_form
            or ResponseForm(initial={**version, "responded_on": timezone.localdate()}),
            "contact_form": contact_form
            or ContactForm(initial={**version, "contact_email": consultation.contact_email}),
            "version": consultation.version,
            "unsent_emails": unsent,
            "pack_unsent": any(e.kind == PACK for e in unsent),
            "today": timezone.localdate(),
            "nav_section": "children",
        },
        status=status,
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
@audit.reads_child(of=Consultation)
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _consultation(pk))


@require_POST
@permission_required(CHANGE, raise_exception=True)
def consultation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            services.consultation_respond(
                consultation=consultation,
                version=cd["version"],
                response=cd["response"],
                responded_on=cd["responded_on"],
                offered_fee=cd["offered_fee"],
                offered_start=cd["offered_start"],
                offered_additional_cost=cd["offered_additional_cost"],
                decline_reason=cd["decline_reason"],
                decline_detail=cd["decline_detail"],
                user=_user(request),
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, f"Response from {consultation.provider.name} recorded.")
            return redirect("dps:child_consultations", child_ref=consultation.child.child_ref)
    return _detail_page(request, _consultation(pk), response_form=form, status=400)


def _back(request: HttpRequest, default: HttpResponse) -> HttpResponse:
    nxt = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(nxt)
    return default


@require_POST
@permission_required(CHANGE, raise_exception=True)
def consultation_chase(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("The page was out of date: try again.")
        chased = services.consultation_chase(
            consultation=consultation, version=form.cleaned_data["version"], user=_user(request)
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if chased.email is None:
            messages.success(
                request, f"A reminder to {consultation.provider.name} was already sent today."
            )
        else:
            messages.success(request, f"Reminder to {consultation.provider.name} recorded.")
            _unsent_warning(request, [chased.consultation])
    return _back(request, redirect("dps:consultation_detail", pk=pk))


@require_POST
@permission_required(CHANGE, raise_exception=True)
def consultation_emails_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Try sending again the consultation's emails not sent yet."""
    consultation = _consultation(pk)
    _retry(request, [consultation])
    return _back(request, redirect("dps:consultation_detail", pk=pk))


@require_POST
@permission_required(CHANGE, raise_exception=True)
def child_emails_retry(request: HttpRequest, child_ref: str) -> HttpResponse:
    """Try sending again every consultation email for the child not sent yet."""
    child = _child(child_ref)
    _retry(request, list(consultation_selectors.consultations_of(child)))
    return redirect("dps:child_consultations", child_ref=child.child_ref)


def _retry(request: HttpRequest, consultations: list[Consultation]) -> None:
    tried = services.consultation_emails_retry(consultations=consultations)
    if not tried:
        messages.info(request, "Every email has been sent: there was nothing to send again.")
        return
    sent = consultation_selectors.emails_sent_among([e.pk for e in tried])
    if sent:
        messages.success(request, f"{sent} email{'s' if sent != 1 else ''} sent.")
    _unsent_warning(request, consultations)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def consultation_contact(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_contact_update(
                consultation=consultation,
                version=form.cleaned_data["version"],
                contact_email=form.cleaned_data["contact_email"],
                user=_user(request),
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "SEN contact saved.")
            return redirect("dps:consultation_detail", pk=pk)
    return _detail_page(request, _consultation(pk), contact_form=form, status=400)


@require_GET
@permission_required(VIEW, raise_exception=True)
@audit.reads_list("Overdue consultations")
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(selectors.consultations_overdue(today=today)[:500])
    return render(
        request,
        "dps/overdue.html",
        {"rows": rows, "today": today, "nav_section": "children"},
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
@audit.reads_child()
def compare(request: HttpRequest, child_ref: str) -> HttpResponse:
    child = _child(child_ref)
    return _compare_page(request, child)


def _compare_page(
    request: HttpRequest,
    child: Child,
    *,
    failed: tuple[int, AcceptForm] | None = None,
    already_made: services.PlacementAlreadyMade | None = None,
    status: int = 200,
) -> HttpResponse:
    from django.conf import settings

    rows = consultation_selectors.offers_compared(child)
    forms = {}
    for row in rows:
        c = row.consultation
        if failed and failed[0] == c.pk:
            forms[c.pk] = failed[1]
        else:
            forms[c.pk] = AcceptForm(
                initial={"version": c.version, "start_date": c.offered_start},
                prefix=f"offer-{c.pk}",
            )
    return render(
        request,
        "dps/compare.html",
        {
            "child": child,
            "rows": [(row, forms[row.consultation.pk]) for row in rows],
            "already_made": already_made,
            "quality_weight": settings.DPS_QUALITY_WEIGHT,
            "cost_weight": settings.DPS_COST_WEIGHT,
            "nav_section": "children",
        },
        status=status,
    )


@require_http_methods(["POST"])
@permission_required(CHANGE, raise_exception=True)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(pk)
    form = AcceptForm(request.POST, prefix=f"offer-{pk}")
    if form.is_valid():
        try:
            placement = services.offer_accept(
                consultation=consultation,
                version=form.cleaned_data["version"],
                start_date=form.cleaned_data["start_date"],
                user=_user(request),
            )
        except services.PlacementAlreadyMade as already:
            return _compare_page(request, consultation.child, already_made=already, status=409)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                f"Placement at {placement.provider.name} from {placement.start_date:%-d %B %Y} "
                "made. The other consultations are closed as not needed.",
            )
            return redirect("placements:child_detail", child_ref=consultation.child.child_ref)
    return _compare_page(request, consultation.child, failed=(pk, form), status=400)
