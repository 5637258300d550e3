"""Account forms: field rules and cross-field rules, without the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from fundapp.accounts.forms import (
    ChangePasswordForm,
    OrganisationForm,
    ProfileForm,
    RegisterForm,
    SignInForm,
)
from fundapp.accounts.states import LegalType

VALID_ORGANISATION = {
    "name": "Peckham Youth Boxing",
    "legal_type": "unincorporated_association",
    "address_line_1": "1 High Street",
    "town": "London",
    "postcode": "se15 5ab",
    "borough_gss": "E09000028",
}


@pytest.fixture(autouse=True)
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context(method="POST"):
        yield


def _organisation_form(**changes: str) -> OrganisationForm:
    return OrganisationForm(formdata=MultiDict({**VALID_ORGANISATION, **changes}), meta={"csrf": False})


def _errors(form: Any, field: str) -> list[str]:
    return list(getattr(form, field).errors)


def test_a_community_group_needs_no_registration_numbers() -> None:
    form = _organisation_form()
    assert form.validate(), form.errors


def test_a_cio_must_give_its_charity_number() -> None:
    form = _organisation_form(legal_type="cio")
    assert not form.validate()
    assert _errors(form, "charity_number") == ["Enter your charity number"]
    assert _errors(form, "company_number") == []


def test_a_cic_must_give_its_company_number() -> None:
    form = _organisation_form(legal_type="cic")
    assert not form.validate()
    assert _errors(form, "company_number") == ["Enter your company number"]
    assert _errors(form, "charity_number") == []


def test_a_charitable_company_must_give_both_numbers() -> None:
    form = _organisation_form(legal_type="charitable_company")
    assert not form.validate()
    assert _errors(form, "charity_number") == ["Enter your charity number"]
    assert _errors(form, "company_number") == ["Enter your company number"]


def test_a_malformed_charity_number_shows_one_format_message_not_a_missing_one() -> None:
    form = _organisation_form(legal_type="cio", charity_number="12AB")
    assert not form.validate()
    errors = _errors(form, "charity_number")
    assert len(errors) == 1
    assert errors[0].startswith("Enter a charity number in the right format")


def test_numbers_and_postcode_are_stored_in_canonical_form() -> None:
    form = _organisation_form(
        legal_type="charitable_company",
        charity_number="1 234 567",
        company_number="1234567",
        website="example.org",
    )
    assert form.validate(), form.errors
    values = form.service_values()
    assert values["legal_type"] is LegalType.CHARITABLE_COMPANY
    assert values["charity_number"] == "1234567"
    assert values["company_number"] == "01234567"
    assert values["postcode"] == "SE15 5AB"
    assert values["website"] == "https://example.org"


@pytest.mark.parametrize(("typed", "pence"), [("£45,000", 4_500_000), ("45000", 4_500_000), ("1250.50", 125_050)])
def test_annual_income_is_parsed_into_pence(typed: str, pence: int) -> None:
    form = _organisation_form(annual_income=typed)
    assert form.validate(), form.errors
    assert form.service_values()["annual_income_pence"] == pence


def test_annual_income_is_optional() -> None:
    form = _organisation_form(annual_income="")
    assert form.validate(), form.errors
    assert form.service_values()["annual_income_pence"] is None


@pytest.mark.parametrize("typed", ["lots", "-5000", "45,000.123"])
def test_annual_income_that_is_not_money_is_refused_at_the_field(typed: str) -> None:
    form = _organisation_form(annual_income=typed)
    assert not form.validate()
    assert _errors(form, "annual_income") == ["Enter annual income as an amount in pounds, like 45000 or £45,000"]


def test_an_organisation_must_choose_a_borough_and_a_type() -> None:
    form = _organisation_form(borough_gss="", legal_type="")
    assert not form.validate()
    assert _errors(form, "borough_gss") == ["Select the London borough where your organisation is based"]
    assert _errors(form, "legal_type") == ["Select the type of organisation"]


def test_a_bad_postcode_and_website_are_shown_at_their_fields() -> None:
    form = _organisation_form(postcode="nowhere", website="not a website")
    assert not form.validate()
    assert _errors(form, "postcode") == ["Enter a real postcode, like SE1 2AA"]
    assert _errors(form, "website") == ["Enter a website address in the right format, like www.example.org"]


def test_register_form_enforces_the_password_length() -> None:
    form = RegisterForm(
        formdata=MultiDict({"full_name": "Ada", "email": "ada@example.org", "password": "short"}),
        meta={"csrf": False},
    )
    assert not form.validate()
    assert _errors(form, "password") == ["Password must be 12 characters or more"]


def test_register_form_refuses_a_malformed_email() -> None:
    form = RegisterForm(
        formdata=MultiDict({"full_name": "Ada", "email": "ada-at-example", "password": "long enough password"}),
        meta={"csrf": False},
    )
    assert not form.validate()
    assert _errors(form, "email") == ["Enter an email address in the correct format, like name@example.com"]


def test_sign_in_form_asks_for_both_fields() -> None:
    form = SignInForm(formdata=MultiDict({"email": "", "password": ""}), meta={"csrf": False})
    assert not form.validate()
    assert _errors(form, "email") == ["Enter your email address"]
    assert _errors(form, "password") == ["Enter your password"]


def test_profile_phone_is_optional_but_checked_when_given() -> None:
    assert ProfileForm(formdata=MultiDict({"full_name": "Ada", "phone": ""}), meta={"csrf": False}).validate()
    form = ProfileForm(formdata=MultiDict({"full_name": "Ada", "phone": "call me"}), meta={"csrf": False})
    assert not form.validate()
    assert _errors(form, "phone") == ["Enter a telephone number, like 020 7946 0000 or +44 7700 900 982"]


def test_change_password_form_checks_the_new_password_length() -> None:
    form = ChangePasswordForm(
        formdata=MultiDict({"current_password": "old", "new_password": "short"}), meta={"csrf": False}
    )
    assert not form.validate()
    assert _errors(form, "new_password") == ["Password must be 12 characters or more"]
    assert _errors(form, "current_password") == []
