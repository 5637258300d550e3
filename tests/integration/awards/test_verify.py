"""The public verification pages: a letter's code confirms the grant and nothing personal; unknown codes are not
found; codes are typed in any case, with or without dashes."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from fundapp.awards import services
from fundapp.awards.models import Award
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from tests.helpers import IsolatedClient, field_error, page_title
from tests.integration.awards.test_letters import awarded


def _issued() -> tuple[Any, Award]:
    setup, award = awarded(conditions="Secret condition about the chair's safeguarding training.")
    organisation = award.organisation
    organisation.address_line_1, organisation.town, organisation.postcode = "12 Hidden Road", "Hackney", "E8 9ZZ"
    services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    award.accepted_name, award.accepted_ip = "Pat Acceptor", "198.51.100.23"
    db.session.flush()
    return setup, award


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def test_the_page_confirms_the_grant_and_nothing_personal(client: IsolatedClient) -> None:
    setup, award = _issued()
    response = client.get(f"/verify/{award.verification_code}")
    assert response.status_code == 200
    text = _text(response)
    for shown in (award.reference, award.organisation.name, "£20,000", "Offered", setup.round.name):
        assert shown in text
    applicant = setup.applicants[0]
    for hidden in (
        setup.manager.full_name,
        applicant.email,
        applicant.full_name,
        "12 Hidden Road",
        "E8 9ZZ",
        "Pat Acceptor",
        "198.51.100.23",
        "Pat Chair",
        "Secret condition",
    ):
        assert hidden not in text
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["lower", "undashed"])
def test_codes_are_found_in_any_case_with_or_without_dashes(client: IsolatedClient, typed: str) -> None:
    _setup, award = _issued()
    code = award.verification_code.lower() if typed == "lower" else award.verification_code.replace("-", "")
    assert client.get(f"/verify/{code}").status_code == 200


def test_an_unknown_code_is_not_found(client: IsolatedClient) -> None:
    response = client.get("/verify/ZZZZ-ZZZZ-ZZ")
    assert response.status_code == 404
    assert page_title(response).startswith("Verification code not found")
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)


def test_an_award_without_an_issued_letter_cannot_be_verified(client: IsolatedClient) -> None:
    _setup, award = awarded()
    assert client.get(f"/verify/{award.verification_code}").status_code == 404


def test_the_lookup_form_sends_a_well_formed_code_to_its_page(client: IsolatedClient) -> None:
    _setup, award = _issued()
    assert client.get("/verify").status_code == 200
    typed = award.verification_code.replace("-", "").lower()
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{award.verification_code}")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the verification code"),
        ("   ", "Enter the verification code"),
        ("ABC", "as printed on the letter"),
        ("X" * 60, "12 characters or fewer"),
        ("<b>ABCD</b>", "as printed on the letter"),
    ],
)
def test_the_lookup_form_explains_a_missing_or_malformed_code(client: IsolatedClient, typed: str, message: str) -> None:
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 422
    assert message in field_error(response, "code")
    assert page_title(response).startswith("Error:")
    if typed.strip():
        assert html.escape(typed) in response.get_data(as_text=True)
