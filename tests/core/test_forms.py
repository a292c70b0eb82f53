"""One money field and one date field for every form: pounds read as people write them, the same
way on the panel's forms and the placement change form, with messages naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from core.forms import GovukDateField, MoneyField, WholeNumberField
from core.money import parse_money, read_money
from panel.forms import DecisionForm, RequestForm
from panel.models import PanelRequest
from placements.forms import PlacementChangeForm, PlacementRegisterForm
from placements.models import Placement
from tests.factories import (
    EHCPFactory,
    MeetingFactory,
    PanelRequestFactory,
    PlacementFactory,
    ProviderFactory,
)


class Money(forms.Form):
    cost = MoneyField(label="Base annual fee")
    extra = MoneyField(
        label="Additional funding (a year)", name="additional funding", required=False
    )


class Dates(forms.Form):
    start = GovukDateField(label="Start date")
    end = GovukDateField(label="End date", required=False)


def _clean(form_class, **data):
    form = form_class(data)
    form.is_valid()
    return form


# --- The fields on their own ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("£36,000", Decimal("36000")),
        ("36000", Decimal("36000")),
        ("36,000.50", Decimal("36000.50")),
        (" £ 36 000.5 ", Decimal("36000.5")),
        ("0", Decimal("0")),
    ],
)
def test_money_is_read_as_people_write_it(typed, amount):
    form = _clean(Money, cost=typed)

    assert form.errors == {}
    assert form.cleaned_data["cost"] == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "The base annual fee must be £0 or more"),
        ("-£36,000", "The base annual fee must be £0 or more"),
        ("(500)", "The base annual fee must be £0 or more"),
        ("abc", "The base annual fee must be an amount in pounds, like 36000 or 36,000.50"),
        ("£", "The base annual fee must be an amount in pounds, like 36000 or 36,000.50"),
        ("NaN", "The base annual fee must be an amount in pounds, like 36000 or 36,000.50"),
        ("36000.123", "The base annual fee must be in pounds and pence"),
        ("£10,000,000,000", "The base annual fee must be less than £10,000,000,000"),
        ("", "Enter the base annual fee"),
    ],
)
def test_money_that_is_not_an_amount_is_refused_naming_the_field(typed, message):
    assert _clean(Money, cost=typed).errors["cost"] == [message]


def test_a_field_can_be_named_differently_from_its_label():
    form = _clean(Money, cost="1", extra="-5")

    assert form.errors == {"extra": ["The additional funding must be £0 or more"]}
    assert _clean(Money, cost="1", extra="").cleaned_data["extra"] is None


def test_the_money_input_is_a_text_input_in_pounds():
    widget = Money().fields["cost"].widget

    assert isinstance(widget, forms.TextInput)
    assert (widget.attrs["prefix"], widget.attrs["inputmode"]) == ("£", "decimal")


def test_forms_and_imports_read_money_with_the_one_reader():
    assert read_money("£36,000.125") == Decimal("36000.125")  # forms refuse the part penny
    assert parse_money("£36,000.125") == Decimal("36000.13")  # imports round it
    with pytest.raises(ValueError, match="must not be negative"):
        parse_money("-£1")


def test_dates_are_read_from_a_date_input_with_messages_naming_the_field():
    form = _clean(Dates, start="2026-01-27", end="")

    assert form.cleaned_data == {"start": dt.date(2026, 1, 27), "end": None}
    assert _clean(Dates, start="", end="31/02/2026").errors == {
        "start": ["Enter the start date"],
        "end": ["The end date must be a real date, like 2026-01-27"],
    }
    assert Dates().fields["start"].widget.input_type == "date"


# --- The forms that use them -------------------------------------------------------------


def _change(**changes) -> dict:
    return {
        "version": 1,
        "end_date": "",
        "attendance_pattern": "day",
        "annual_cost": "36000.00",
        "additional_cost": "0",
        **changes,
    }


def test_every_money_and_date_field_is_the_shared_one():
    for form_class in (PlacementChangeForm, PlacementRegisterForm, RequestForm, DecisionForm):
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DecimalField):
                assert isinstance(field, MoneyField), (form_class, name)
            if isinstance(field, forms.DateField):
                assert isinstance(field, GovukDateField), (form_class, name)


def test_the_placement_change_form_takes_pounds_as_the_panel_forms_do():
    form = _clean(PlacementChangeForm, **_change(annual_cost="£36,000", additional_cost="4,500.50"))

    assert form.errors == {}
    assert (form.cleaned_data["annual_cost"], form.cleaned_data["additional_cost"]) == (
        Decimal("36000"),
        Decimal("4500.50"),
    )


# --- Through the pages -------------------------------------------------------------------


@pytest.mark.django_db
class TestThroughThePages:
    @pytest.fixture
    def placement(self):
        return PlacementFactory(
            start_date=dt.date(2025, 9, 1),
            end_date=None,
            annual_cost=Decimal("30000.00"),
            additional_cost=Decimal("0.00"),
            attendance_pattern="day",
        )

    def _post_change(self, client, placement, **changes):
        url = reverse("placements:placement_change", args=[placement.pk])
        return client.post(url, _change(**changes))

    def test_pounds_with_a_sign_and_commas_are_saved_on_the_placement_change_page(
        self, commissioner_client, placement
    ):
        response = self._post_change(
            commissioner_client, placement, annual_cost="£36,000", additional_cost="£1,250.50"
        )

        assert response.status_code == 302
        placement.refresh_from_db()
        assert placement.annual_cost == Decimal("36000.00")
        assert placement.additional_cost == Decimal("1250.50")

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("-£1", "The base annual fee must be £0 or more"),
            ("abc", "The base annual fee must be an amount in pounds, like 36000 or 36,000.50"),
        ],
    )
    def test_a_bad_amount_on_the_placement_change_page_is_explained_beside_the_field(
        self, commissioner_client, placement, typed, message
    ):
        response = self._post_change(commissioner_client, placement, annual_cost=typed)

        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="id_annual_cost-error" class="govuk-error-message">' in page
        assert message in page
        assert Placement.objects.get(pk=placement.pk).annual_cost == Decimal("30000.00")

    def _post_request(self, client, meeting, child, **changes):
        data = {
            "child_ref": child.child_ref,
            "request_type": "new_placement",
            "provider": "",
            "primary_need": "",
            "secondary_need": "",
            "requested_base_cost": "£36,000",
            "requested_additional_cost": "",
            "case_summary": "No local school can meet need.",
            **changes,
        }
        return client.post(reverse("panel:request_create", args=[meeting.pk]), data)

    def test_pounds_with_a_sign_and_commas_are_saved_on_the_panel_request_page(
        self, commissioner_client
    ):
        meeting, ehcp = MeetingFactory(), EHCPFactory()

        response = self._post_request(commissioner_client, meeting, ehcp.child)

        assert response.status_code == 302, response.context["form"].errors
        item = PanelRequest.objects.get()
        assert (item.requested_base_cost, item.requested_additional_cost) == (
            Decimal("36000.00"),
            Decimal("0.00"),
        )

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("-36000", "The base annual fee requested must be £0 or more"),
            ("abc", "The base annual fee requested must be an amount in pounds"),
        ],
    )
    def test_a_bad_amount_on_the_panel_request_page_is_explained_beside_the_field(
        self, commissioner_client, typed, message
    ):
        meeting, ehcp = MeetingFactory(), EHCPFactory()

        response = self._post_request(
            commissioner_client, meeting, ehcp.child, requested_base_cost=typed
        )

        assert response.status_code in (200, 400)
        page = response.content.decode()
        assert 'id="id_requested_base_cost-error" class="govuk-error-message">' in page
        assert message in page
        assert not PanelRequest.objects.exists()

    def test_pounds_are_read_the_same_way_in_a_panel_decision(self, commissioner_client):
        item = PanelRequestFactory(provider=ProviderFactory())
        prefix = f"r{item.pk}"

        response = commissioner_client.post(
            reverse("panel:decision_record", args=[item.pk]),
            {
                f"{prefix}-version": item.version,
                f"{prefix}-outcome": "agreed",
                f"{prefix}-agreed_cost": "£36,000",
                f"{prefix}-conditions": "",
                f"{prefix}-reason": "",
            },
        )

        assert response.status_code == 302
        item.refresh_from_db()
        assert item.agreed_cost == Decimal("36000.00")


def test_a_percentage_is_not_an_amount_of_money():
    from core.money import parse_money

    with pytest.raises(ValueError, match="percentage"):
        parse_money("50%")


class Ages(forms.Form):
    age = WholeNumberField(label="Age", required=False, minimum=0, maximum=25)


@pytest.mark.parametrize("typed", ["-1", "26", "11.5", "eleven", "99999999999999999999"])
def test_a_whole_number_out_of_range_or_not_whole_is_refused_naming_the_field(typed):
    form = Ages({"age": typed})

    assert not form.is_valid()
    assert form.errors["age"] == ["Enter an age between 0 and 25"]


def test_a_whole_number_in_range_is_read_with_spaces_around_it():
    form = Ages({"age": " 11 "})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["age"] == 11
