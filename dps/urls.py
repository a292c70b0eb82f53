from __future__ import annotations

from django.urls import path

from .views import consultations, contracts, market, market_money, providers, search

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
    path(
        "consultations/<int:pk>/emails/retry/",
        consultations.consultation_emails_retry,
        name="consultation_emails_retry",
    ),
    path(
        "children/<str:child_ref>/consultations/emails/retry/",
        consultations.child_emails_retry,
        name="child_emails_retry",
    ),
    # The commissioners' side: running the DPS.
    path("manage/", market.overview, name="overview"),
    path("frameworks/", market.framework_list, name="framework_list"),
    path("frameworks/new/", market.framework_edit, name="framework_create"),
    path("frameworks/<int:pk>/edit/", market.framework_edit, name="framework_edit"),
    path("frameworks/<int:framework_pk>/lots/new/", market.lot_edit, name="lot_create"),
    path("frameworks/<int:framework_pk>/lots/<int:pk>/edit/", market.lot_edit, name="lot_edit"),
    path("memberships/", market.membership_list, name="membership_list"),
    path("memberships/new/", market.membership_create, name="membership_create"),
    path("memberships/<int:pk>/", market.membership_detail, name="membership_detail"),
    path("memberships/<int:pk>/status/", market.membership_status, name="membership_status"),
    path("memberships/<int:pk>/evidence/", market.membership_evidence, name="membership_evidence"),
    path("fees/", market_money.fee_list, name="fee_list"),
    path("fees/new/", market_money.fee_create, name="fee_create"),
    path("fees/<int:pk>/", market_money.fee_edit, name="fee_edit"),
    path("uplifts/", market_money.uplift_list, name="uplift_list"),
    path("uplifts/new/", market_money.uplift_create, name="uplift_create"),
    path("uplifts/<int:pk>/", market_money.uplift_detail, name="uplift_detail"),
    path("block-contracts/", market_money.block_list, name="block_list"),
    path("block-contracts/new/", market_money.block_create, name="block_create"),
    path("block-contracts/<int:pk>/", market_money.block_detail, name="block_detail"),
    path("block-contracts/<int:pk>/edit/", market_money.block_edit, name="block_edit"),
    path("contracts/", market_money.contract_register, name="contract_register"),
    path("contracts/new/", market_money.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", market_money.contract_edit, name="contract_edit"),
    path("attendance/", market_money.attendance, name="attendance"),
    path("attendance/record/", market_money.attendance_record, name="attendance_record"),
]
