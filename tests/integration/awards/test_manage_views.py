"""The staff award pages: the call's awards list, one award's checklist, letters and payments, completing and
undoing checks, issuing the letter, downloading a version; who may do what; a fixed number of statements."""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import pytest

from fundapp.accounts.states import StaffRole
from fundapp.awards import services
from fundapp.awards.models import Award
from fundapp.awards.states import DueDiligenceItem
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from tests.factories import (
    DueDiligenceCheckFactory,
    FundFactory,
    UserFactory,
    complete_due_diligence,
    staff_user,
)
from tests.helpers import IsolatedClient, error_summary, field_error, page_title, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.awards.conftest import make_decision_round
from tests.integration.awards.test_letters import awarded


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _detail(award: Award) -> str:
    return f"/staff/awards/{award.id}"


def _check_url(award: Award, item: str) -> str:
    return f"/staff/awards/{award.id}/checks/{item}"


def _post(client: IsolatedClient, award: Award, url: str, data: dict[str, str]) -> Any:
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', client.get(_detail(award)).get_data(as_text=True))
    assert token is not None
    return client.post(url, data={"csrf_token": token.group(1), **data})


# --- the call's awards ---------------------------------------------------------------------------------------


def test_the_awards_list_shows_each_award_with_checks_letter_and_totals(client: IsolatedClient) -> None:
    setup, award = awarded()
    services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    sign_in_as(client, setup.finance)
    response = client.get(f"/staff/calls/{setup.round.id}/awards")
    assert response.status_code == 200
    assert page_title(response).startswith(f"Awards: {setup.round.name}")
    text = _text(response)
    assert award.reference in text
    assert award.organisation.name in text
    assert "4 of 4 checked" in text
    assert "Version 1" in text
    assert "Letter issued" in text
    assert "Total £20,000 £0 of £20,000" in text
    assert f'href="/staff/awards/{award.id}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("count", [3, 30])
def test_the_awards_list_issues_a_fixed_number_of_statements(client: IsolatedClient, count: int) -> None:
    setup = make_decision_round(applications=count, budget_pence=100_000_000)
    for application in setup.applications:
        award = services.approve_application(
            actor=setup.manager, application=application, amount_pence=2_000_000, conditions="", reason="", now=utcnow()
        )
        DueDiligenceCheckFactory(award=award, item=DueDiligenceItem.BANK_DETAILS)
    db.session.flush()
    sign_in_as(client, setup.manager)
    url = f"/staff/calls/{setup.round.id}/awards"
    client.get(url)
    with count_statements() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) <= 16, statements


# --- one award -----------------------------------------------------------------------------------------------


def test_the_award_page_shows_the_summary_checklist_and_schedule(client: IsolatedClient) -> None:
    setup, award = awarded(conditions="Name a project lead.", checked=False)
    sign_in_as(client, setup.finance)
    response = client.get(_detail(award))
    assert response.status_code == 200
    assert page_title(response).startswith(f"Award {award.reference}")
    text = _text(response)
    page = response.get_data(as_text=True)
    assert "Name a project lead." in text
    assert award.verification_code in text
    assert f"/staff/applications/{award.application_id}" in page
    assert "0 of 5 checked" in text
    assert "Conditions of the award met" in text
    assert "Charity Commission for England and Wales" in text
    for payment in award.payments:
        assert payment.label in text
    assert "The call's fund managers issue offer letters." in text
    assert f'action="/staff/awards/{award.id}/letter"' not in page


def test_completing_a_check_records_who_and_when(client: IsolatedClient) -> None:
    setup, award = awarded(checked=False)
    sign_in_as(client, setup.finance)
    response = _post(client, award, _check_url(award, "bank_details"), {"bank_details-note": "Statement seen"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = _text(page)
    assert "1 of 4 checked" in text
    assert setup.finance.full_name in text
    assert "Statement seen" in text
    assert db.session.query(AuditEvent).filter_by(action="award.due_diligence_checked").count() == 1


def test_the_registration_check_needs_a_number_in_the_registers_format(client: IsolatedClient) -> None:
    setup, award = awarded(checked=False)
    sign_in_as(client, setup.finance)
    response = _post(
        client,
        award,
        _check_url(award, "registration"),
        {
            "registration-register": "charity_commission",
            "registration-registration_number": "ABC",
            "registration-note": "Looked it up",
        },
    )
    assert response.status_code == 422
    assert "format" in field_error(response, "registration-registration_number")
    assert page_title(response).startswith("Error:")
    assert error_summary(response)
    page = response.get_data(as_text=True)
    assert 'value="ABC"' in page
    assert "Looked it up" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"registration-registration_number": "1123456"}, "registration-register", "Select the register"),
        (
            {"registration-register": "charity_commission", "registration-registration_number": "1" * 21},
            "registration-registration_number",
            "20 characters or fewer",
        ),
        (
            {"registration-register": "charity_commission", "registration-registration_number": ""},
            "registration-registration_number",
            "Enter the number",
        ),
        (
            {"registration-register": "none", "registration-note": ""},
            "registration-note",
            "Say how you confirmed",
        ),
        (
            {
                "registration-register": "charity_commission",
                "registration-registration_number": "1123456",
                "registration-note": "x" * 2001,
            },
            "registration-note",
            "2,000 characters or fewer",
        ),
    ],
)
def test_bad_check_input_is_shown_at_the_field_and_kept(
    client: IsolatedClient, data: dict[str, str], field: str, message: str
) -> None:
    setup, award = awarded(checked=False)
    sign_in_as(client, setup.finance)
    response = _post(client, award, _check_url(award, "registration"), data)
    assert response.status_code == 422
    assert message in field_error(response, field)
    for value in data.values():
        if value and len(value) < 50:
            assert html.escape(value) in response.get_data(as_text=True)


def test_an_unknown_item_is_not_found(client: IsolatedClient) -> None:
    setup, award = awarded(checked=False)
    sign_in_as(client, setup.finance)
    assert _post(client, award, _check_url(award, "horoscope"), {}).status_code == 404
    assert _post(client, award, _check_url(award, "horoscope") + "/undo", {}).status_code == 404


def test_a_check_can_be_undone_until_the_letter_is_issued(client: IsolatedClient) -> None:
    setup, award = awarded()
    sign_in_as(client, setup.manager)
    assert "Undo" in client.get(_detail(award)).get_data(as_text=True)
    response = _post(client, award, _check_url(award, "bank_details") + "/undo", {})
    assert response.status_code == 302
    assert "3 of 4 checked" in _text(client.get(_detail(award)))


def test_issuing_the_letter_from_the_page_and_downloading_it(client: IsolatedClient) -> None:
    setup, award = awarded()
    sign_in_as(client, setup.manager)
    assert "Issue the offer letter" in _text(client.get(_detail(award)))
    response = _post(client, award, f"/staff/awards/{award.id}/letter", {})
    assert response.status_code == 302
    text = _text(client.get(_detail(award)))
    assert "Issue a new version" in text
    assert "Undo" not in text
    download = client.get(f"/staff/awards/{award.id}/letters/1")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"
    data = download.get_data()
    download.close()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest()[:12] in text
    assert db.session.query(AuditEvent).filter_by(action="award_letter.downloaded").count() == 1
    assert client.get(f"/staff/awards/{award.id}/letters/2").status_code == 404


def test_issuing_is_refused_at_the_letter_section_while_checks_are_outstanding(client: IsolatedClient) -> None:
    setup, award = awarded(checked=False)
    sign_in_as(client, setup.manager)
    page = _text(client.get(_detail(award)))
    assert "Finish due diligence first" in page
    response = _post(client, award, f"/staff/awards/{award.id}/letter", {})
    assert response.status_code == 422
    assert any("Finish due diligence" in message for message in error_summary(response))


def test_the_accepted_version_is_marked(client: IsolatedClient) -> None:
    setup, award = awarded()
    services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    award.status, award.accepted_at, award.accepted_name = "accepted", utcnow(), "Pat Chair"
    award.accepted_position, award.accepted_ip, award.accepted_letter_version = "Chair", "192.0.2.7", 1
    db.session.flush()
    sign_in_as(client, setup.manager)
    text = _text(client.get(_detail(award)))
    assert "Accepted: this is the version the organisation signed" in text
    assert "192.0.2.7" in text
    assert "Issue a new version" not in text


# --- who may ------------------------------------------------------------------------------------------------


def _people(setup: Any, award: Award) -> dict[str, Any]:
    return {
        "applicant": setup.applicants[0],
        "stranger": UserFactory(),
        "assessor": staff_user(StaffRole.ASSESSOR, fund_id=setup.round.fund_id),
        "other_manager": staff_user(StaffRole.FUND_MANAGER, fund_id=FundFactory().id),
        "finance": setup.finance,
        "manager": setup.manager,
    }


@pytest.mark.parametrize(
    ("who", "view", "check", "issue"),
    [
        ("applicant", 404, 404, 404),
        ("stranger", 404, 404, 404),
        ("assessor", 403, 403, 403),
        ("other_manager", 403, 403, 403),
        ("finance", 200, 302, 403),
        ("manager", 200, 302, 302),
    ],
)
def test_who_may_see_check_and_issue(client: IsolatedClient, who: str, view: int, check: int, issue: int) -> None:
    setup, award = awarded()
    award.checks[:] = [c for c in award.checks if c.item != DueDiligenceItem.BANK_DETAILS]
    db.session.flush()
    person = _people(setup, award)[who]
    manager_client = client
    sign_in_as(manager_client, setup.manager)
    token = re.search(
        r'name="csrf_token"[^>]*?value="([^"]+)"', manager_client.get(_detail(award)).get_data(as_text=True)
    )
    assert token is not None
    sign_in_as(client, person)
    assert client.get(_detail(award)).status_code == view
    assert client.get(f"/staff/calls/{setup.round.id}/awards").status_code == view
    csrf = {"csrf_token": token.group(1)}
    assert client.post(_check_url(award, "bank_details"), data=csrf).status_code == check
    db.session.expire_all()
    complete_due_diligence(db.session.get(Award, award.id))
    assert client.post(f"/staff/awards/{award.id}/letter", data=csrf).status_code == issue


# --- withdrawing an offer -----------------------------------------------------------------------------------


def test_withdrawing_an_offer_returns_its_amount_and_tells_the_organisation(client: IsolatedClient) -> None:
    from fundapp.core.mail.models import OutboxMessage

    setup, award = awarded()
    services.issue_award_letter(actor=setup.manager, award=award, now=utcnow())
    db.session.flush()
    committed = setup.round.committed_pence
    sign_in_as(client, setup.manager)
    assert "Withdraw the offer" in _text(client.get(_detail(award)))

    response = _post(client, award, f"/staff/awards/{award.id}/withdraw", {"reason": "Not accepted by 20 December"})

    assert response.status_code == 302
    db.session.expire_all()
    award = db.session.get(Award, award.id)
    assert award.status == "withdrawn" and award.withdrawal_reason == "Not accepted by 20 December"
    assert award.round.committed_pence == committed - award.amount_pence
    text = _text(client.get(_detail(award)))
    assert "Withdrawn" in text and "Not accepted by 20 December" in text and "Withdraw the offer" not in text
    told = [m for m in db.session.query(OutboxMessage).all() if "withdrawn" in m.subject]
    assert told and all("Not accepted by 20 December" in m.body_text for m in told)
    assert db.session.query(AuditEvent).filter_by(action="award.withdrawn").count() == 1


def test_withdrawing_needs_a_reason_shown_at_the_field(client: IsolatedClient) -> None:
    setup, award = awarded()
    sign_in_as(client, setup.manager)

    response = _post(client, award, f"/staff/awards/{award.id}/withdraw", {"reason": " "})

    assert response.status_code == 422
    assert page_title(response).startswith("Error: ")
    message = "Enter why the offer is being withdrawn: the organisation will read it"
    assert error_summary(response) == [message]
    assert field_error(response, "reason") == message
    db.session.expire_all()
    assert db.session.get(Award, award.id).status == "offered"


def test_a_grant_with_a_payment_approved_cannot_be_withdrawn(client: IsolatedClient) -> None:
    setup, award = awarded()
    award.status = "accepted"
    award.payments[0].due_at = utcnow()
    award.payments[0].status = "approved"
    db.session.flush()
    sign_in_as(client, setup.manager)
    assert "Withdraw the offer" not in _text(client.get(_detail(award)))

    response = _post(client, award, f"/staff/awards/{award.id}/withdraw", {"reason": "Changed our minds"})

    assert response.status_code == 422
    assert "has been approved or made" in " ".join(error_summary(response))


@pytest.mark.parametrize(
    ("who", "status"),
    [("applicant", 404), ("stranger", 404), ("assessor", 403), ("other_manager", 403), ("finance", 403)],
)
def test_only_the_calls_fund_managers_withdraw_offers(client: IsolatedClient, who: str, status: int) -> None:
    setup, award = awarded()
    sign_in_as(client, setup.manager)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', client.get(_detail(award)).get_data(as_text=True))
    assert token is not None
    sign_in_as(client, _people(setup, award)[who])

    response = client.post(f"/staff/awards/{award.id}/withdraw", data={"csrf_token": token.group(1), "reason": "x"})

    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Award, award.id).status == "offered"
