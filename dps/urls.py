from __future__ import annotations

from django.urls import path

from .views import consultations, contracts, providers, search

app_name = "dps"

urlpatterns: list = [
    path("contracts/export/", contracts.contract_export, name="contract_export"),
    # The officers' journey: find a school, shortlist, consult, record responses, place.
    path("search/", search.school_search, name="search"),
    path("providers/<int:urn>/", providers.provider_profile, name="provider_profile"),
    path("providers/<int:urn>/ofsted/", providers.provider_ofsted, name="provider_ofsted"),
    path("providers/<int:urn>/contact/", providers.provider_contact, name="provider_contact"),
    path("children/<str:child_ref>/shortlist/", consultations.shortlist, name="shortlist"),
    path(
        "children/<str:child_ref>/shortlist/add/",
        consultations.shortlist_add,
        name="shortlist_add",
    ),
    path(
        "children/<str:child_ref>/shortlist/<int:urn>/remove/",
        consultations.shortlist_remove,
        name="shortlist_remove",
    ),
    path("children/<str:child_ref>/consult/", consultations.consult, name="consult"),
    path(
        "children/<str:child_ref>/consultations/",
        consultations.child_consultations,
        name="child_consultations",
    ),
    path("children/<str:child_ref>/offers/", consultations.compare, name="compare"),
    path("consultations/overdue/", consultations.overdue, name="overdue"),
    path("consultations/<int:pk>/", consultations.consultation_detail, name="consultation_detail"),
    path(
        "consultations/<int:pk>/respond/",
        consultations.consultation_respond,
        name="consultation_respond",
    ),
    path(
        "consultations/<int:pk>/chase/", consultations.consultation_chase, name="consultation_chase"
    ),
    path(
        "consultations/<int:pk>/contact/",
        consultations.consultation_contact,
        name="consultation_contact",
    ),
    path("consultations/<int:pk>/accept/", consultations.accept, name="accept"),
]
