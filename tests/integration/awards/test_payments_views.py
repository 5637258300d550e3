"""Finance's payments through the pages: payments due across the calls an officer covers, grouped with totals;
approving (never by the person who decided the award); recording a payment as paid or failed, with errors at the
fields and what was typed kept; a fixed number of statements however many payments; who may reach each page."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest

from fundapp.accounts.states import StaffRole
from fundapp.awards.models import Payment
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.core.clock import to_london, utcnow
from fundapp.extensions import db
from tests.factories import AwardFactory, MembershipFactory, RoleAssignmentFactory, UserFactory, staff_user
from tests.helpers import IsolatedClient, error_summary, field_error, hidden_fields, page_title, post_form, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.awards.offers import Offer, accept, events, make_offer, reload


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _post(client: IsolatedClient, path: str, data: dict[str, str] | None = None) -> Any:
    token = hidden_fields(client.get("/sign-in"))["csrf_token"]
    return client.post(path, data={"csrf_token": token, **(data or {})})


def _today_parts(days: int = 0) -> list[str]:
    day = to_london(utcnow()).date() + timedelta(days=days)
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture()
def offer(db_session: Any) -> Offer:
    """An accepted award: its first payment (£10,000 of £20,000) is due."""
    offer = make_offer()
    accept(offer)
    return offer


def _first(offer: Offer) -> Payment:
    return offer.award.payments[0]


# --- the payments page --------------------------------------------------------------------------------------


def test_a_due_payment_is_listed_to_approve_with_its_award_call_amount_and_total(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.finance)
    response = client.get("/staff/payments")
    assert response.status_code == 200
    assert page_title(response).startswith("Payments")
    text = _text(response)
    award = offer.award
    assert "To approve 1 payment, £10,000" in text and "To pay 0 payments, £0" in text
    assert (
        f"{award.reference} {award.organisation.name} {award.round.name} First payment (50%) "
        "On acceptance of the grant £10,000"
    ) in text
    assert "Scheduled" in text and "Total £10,000" in text
    page = response.get_data(as_text=True)
    assert f'href="/staff/awards/{award.id}"' in page
    assert f'action="/staff/payments/{_first(offer).id}/approve"' in page
    # Payments not yet due are not listed.
    assert "Second payment" not in text


def test_approving_moves_the_payment_to_pay_and_then_recording_it_paid_makes_the_grant_active(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.finance)
    payment = _first(offer)
    response = _post(client, f"/staff/payments/{payment.id}/approve")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/payments"
    text = _text(client.get("/staff/payments"))
    assert f"First payment of {offer.award.reference} has been approved" in text
    assert "To approve 0 payments, £0" in text and "To pay 1 payment, £10,000" in text
    assert f"Approved by {offer.finance.full_name}" in text and "Record payment" in text
    assert reload(payment).status == PaymentStatus.APPROVED

    url = f"/staff/payments/{payment.id}/record"
    form = client.get(url)
    assert form.status_code == 200 and page_title(form).startswith("Record payment: First payment")
    today = to_london(utcnow()).date()
    page = form.get_data(as_text=True)  # the date paid starts as today
    assert re.search(rf'id="paid_on-day"[^>]*value="{today:%d}"', page)
    assert re.search(rf'id="paid_on-year"[^>]*value="{today:%Y}"', page)
    response = post_form(client, url, {"outcome": "paid", "reference": "BACS-0042", "paid_on": _today_parts()})
    assert response.status_code == 302
    assert reload(payment).status == PaymentStatus.PAID and reload(payment).payment_reference == "BACS-0042"
    assert reload(offer.award).status == AwardStatus.ACTIVE
    text = _text(client.get("/staff/payments"))
    assert "has been recorded as paid" in text
    assert "Paid in the last 30 days 1 payment, £10,000" in text and "BACS-0042" in text


def test_a_failed_payment_goes_back_to_approve_with_its_reason_and_can_then_be_paid(
    client: IsolatedClient, offer: Offer
) -> None:
    sign_in_as(client, offer.finance)
    payment = _first(offer)
    _post(client, f"/staff/payments/{payment.id}/approve")
    url = f"/staff/payments/{payment.id}/record"
    response = post_form(client, url, {"outcome": "failed", "reason": "Account name did not match"})
    assert response.status_code == 302
    text = _text(client.get("/staff/payments"))
    assert "To approve 1 payment, £10,000" in text and "Failed" in text and "Account name did not match" in text
    assert _post(client, f"/staff/payments/{payment.id}/approve").status_code == 302
    response = post_form(client, url, {"outcome": "paid", "reference": "BACS-0043", "paid_on": _today_parts()})
    assert response.status_code == 302
    assert reload(payment).status == PaymentStatus.PAID
    assert [e.data["to"] for e in events("payment.approved")] == ["approved", "approved"]


def test_the_person_who_decided_the_award_sees_why_they_cannot_approve_and_a_direct_post_is_refused(
    client: IsolatedClient, offer: Offer
) -> None:
    RoleAssignmentFactory(user=offer.manager, role=StaffRole.FINANCE_OFFICER, fund_id=offer.award.round.fund_id)
    payment = _first(offer)
    sign_in_as(client, offer.manager)
    page = client.get("/staff/payments")
    assert "You approved this award, so someone else must approve its payments" in _text(page)
    assert f'action="/staff/payments/{payment.id}/approve"' not in page.get_data(as_text=True)
    response = _post(client, f"/staff/payments/{payment.id}/approve")
    assert response.status_code == 403
    assert error_summary(response) == [
        f"First payment of {offer.award.reference} was not approved. You approved this award, so someone else must "
        "approve its payments (separation of duties)."
    ]
    assert reload(payment).status == PaymentStatus.SCHEDULED
    # Another finance officer can.
    sign_in_as(client, offer.finance)
    assert _post(client, f"/staff/payments/{payment.id}/approve").status_code == 302
    assert reload(payment).status == PaymentStatus.APPROVED


def test_approving_a_payment_twice_or_one_not_due_says_so(client: IsolatedClient, offer: Offer) -> None:
    sign_in_as(client, offer.finance)
    first, second, _ = offer.award.payments
    _post(client, f"/staff/payments/{first.id}/approve")
    _post(client, f"/staff/payments/{first.id}/approve")
    assert "is approved – to pay already, so there is nothing to approve" in _text(client.get("/staff/payments"))
    _post(client, f"/staff/payments/{second.id}/approve")
    assert "This payment is not due yet" in _text(client.get("/staff/payments"))
    assert reload(second).status == PaymentStatus.SCHEDULED


def test_a_payment_not_approved_has_no_record_form(client: IsolatedClient, offer: Offer) -> None:
    sign_in_as(client, offer.finance)
    url = f"/staff/payments/{_first(offer).id}/record"
    response = client.get(url)
    assert response.status_code == 200
    assert "Only an approved payment can be recorded" in _text(response)
    assert 'name="outcome"' not in response.get_data(as_text=True)
    post = _post(client, url, {"outcome": "paid", "reference": "X", "paid_on": _today_parts()})
    assert "so there is nothing to record" in _text(post)
    assert reload(_first(offer)).status == PaymentStatus.SCHEDULED


TOO_LONG_REFERENCE = "The payment reference must be 60 characters or fewer"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "outcome", "Select whether the payment was made or failed"),
        ({"outcome": "maybe"}, "outcome", "Select whether the payment was made or failed"),
        ({"outcome": "paid", "reference": "  "}, "reference", "Enter the payment reference"),
        (
            {"outcome": "paid", "reference": "R" * 61},
            "reference",
            "The payment reference must be 60 characters or fewer",
        ),
        (
            {"outcome": "paid", "reference": "BACS#0042"},
            "reference",
            "The payment reference must only include letters, numbers, spaces, hyphens, full stops, slashes and "
            "ampersands",
        ),
        ({"outcome": "paid", "paid_on": ["", "", ""]}, "paid_on", "Enter the date paid"),
        ({"outcome": "paid", "paid_on": ["31", "2", "2026"]}, "paid_on", None),
        ({"outcome": "paid", "paid_on": ["x", "y", "z"]}, "paid_on", None),
        ({"outcome": "paid", "paid_on": "future"}, "paid_on", "The date paid must be today or in the past"),
        ({"outcome": "failed", "reason": ""}, "reason", "Enter why the payment failed"),
        ({"outcome": "failed", "reason": "F" * 2001}, "reason", "The reason must be 2,000 characters or fewer"),
    ],
)
def test_recording_problems_are_shown_at_their_field_and_what_was_typed_is_kept(
    client: IsolatedClient, offer: Offer, data: dict[str, Any], field: str, message: str | None
) -> None:
    sign_in_as(client, offer.finance)
    payment = _first(offer)
    _post(client, f"/staff/payments/{payment.id}/approve")
    posted: dict[str, Any] = {"reference": "BACS-KEEP", "paid_on": ["3", "4", "2026"], "reason": "", **data}
    if posted["paid_on"] == "future":
        posted["paid_on"] = _today_parts(days=2)
    response = post_form(client, f"/staff/payments/{payment.id}/record", posted)
    assert response.status_code == 422
    assert page_title(response).startswith("Error: ")
    shown = field_error(response, field)
    if message is not None:
        assert shown == message
        assert error_summary(response) == [message]
    else:
        assert shown  # a date that is not a real date is explained at the field
    page = html.unescape(response.get_data(as_text=True))
    if field != "reference" and posted.get("outcome") == "paid":
        assert 'value="BACS-KEEP"' in page
    if field == "reason" and posted["reason"]:
        assert posted["reason"] in page
    if isinstance(posted["paid_on"], list) and any(posted["paid_on"]) and field == "paid_on":
        assert f'value="{posted["paid_on"][0]}"' in page
    assert reload(payment).status == PaymentStatus.APPROVED


# --- statements ---------------------------------------------------------------------------------------------


def _accepted_awards(offer: Offer, numbers: range) -> None:
    """More accepted awards in the call, each with its first payment due: by number, to approve, approved or paid."""
    for number in numbers:
        award = AwardFactory(
            application__round=offer.award.round, accepted=True, decided_by_id=offer.manager.id, amount_pence=1_000_000
        )
        first = award.payments[0]
        first.due_at = utcnow() - timedelta(days=number % 7)
        if number % 3 == 1:
            first.status, first.approved_by_id = PaymentStatus.APPROVED, offer.finance.id
        elif number % 3 == 2:
            first.status, first.recorded_at, first.paid_on = PaymentStatus.PAID, utcnow(), to_london(utcnow()).date()
            first.recorded_by_id, first.payment_reference = offer.finance.id, f"BACS-{number}"
    db.session.flush()


def _statements(client: IsolatedClient) -> int:
    client.get("/staff/payments")
    with count_statements() as statements:
        response = client.get("/staff/payments")
    assert response.status_code == 200
    return len(statements)


def test_the_payments_page_statement_count_does_not_grow_with_payments(client: IsolatedClient, offer: Offer) -> None:
    sign_in_as(client, offer.finance)
    _accepted_awards(offer, range(1, 3))  # with the offer's own: 3 payments, one in each group
    few = _statements(client)
    _accepted_awards(offer, range(3, 30))  # 30 payments
    many = _statements(client)
    text = _text(client.get("/staff/payments"))
    assert "To approve 10 payments" in text and "To pay 10 payments" in text and "Paid in the last 30 days 10" in text
    print("payments page statements (3, 30 payments):", few, many)
    assert few == many


# --- who may reach the pages --------------------------------------------------------------------------------


def _send(client: IsolatedClient, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    return _post(client, path, {"outcome": "paid", "reference": "BACS-9", "paid_on": _today_parts()})


ROWS = [
    ("GET", "/staff/payments", 200),
    ("POST", "/staff/payments/{payment}/approve", 302),
    ("GET", "/staff/payments/{payment}/record", 200),
    ("POST", "/staff/payments/{payment}/record", 200),
]


def _path(template: str, offer: Offer) -> str:
    return template.format(payment=_first(offer).id)


@pytest.mark.parametrize(("method", "path", "expected"), ROWS)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(
    client: IsolatedClient, offer: Offer, method: str, path: str, expected: int
) -> None:
    response = _send(client, method, _path(path, offer))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


APPLICANTS = {
    "owner of the organisation": lambda offer: offer.owner,
    "applicant with no organisation": lambda offer: UserFactory(),
    "member of another organisation": lambda offer: MembershipFactory().user,
}


@pytest.mark.parametrize("who", APPLICANTS)
@pytest.mark.parametrize(("method", "path", "expected"), ROWS)
def test_applicants_never_learn_the_payment_pages_exist(
    client: IsolatedClient, offer: Offer, method: str, path: str, expected: int, who: str
) -> None:
    sign_in_as(client, APPLICANTS[who](offer))
    assert _send(client, method, _path(path, offer)).status_code == 404
    assert reload(_first(offer)).status == PaymentStatus.SCHEDULED


STAFF_WITHOUT_FINANCE = {
    "fund manager of the call": lambda offer: offer.manager,
    "assessor of the call": lambda offer: staff_user(StaffRole.ASSESSOR, round_id=offer.award.round_id),
}


@pytest.mark.parametrize("who", STAFF_WITHOUT_FINANCE)
@pytest.mark.parametrize(("method", "path", "expected"), ROWS)
def test_staff_who_are_not_finance_officers_are_refused(
    client: IsolatedClient, offer: Offer, method: str, path: str, expected: int, who: str
) -> None:
    sign_in_as(client, STAFF_WITHOUT_FINANCE[who](offer))
    assert _send(client, method, _path(path, offer)).status_code == 403
    assert reload(_first(offer)).status == PaymentStatus.SCHEDULED


@pytest.mark.parametrize(("method", "path", "expected"), ROWS)
def test_a_finance_officer_of_another_fund_sees_the_page_but_not_this_calls_payments(
    client: IsolatedClient, offer: Offer, method: str, path: str, expected: int
) -> None:
    other = make_offer()
    sign_in_as(client, other.finance)
    response = _send(client, method, _path(path, offer))
    if path == "/staff/payments":
        assert response.status_code == 200
        assert offer.award.reference not in _text(response)
    else:
        assert response.status_code == 403
    assert reload(_first(offer)).status == PaymentStatus.SCHEDULED


@pytest.mark.parametrize(
    "who",
    ["finance officer of the call's fund", "finance officer of the call", "system-wide finance officer", "admin"],
)
@pytest.mark.parametrize(("method", "path", "expected"), ROWS)
def test_finance_officers_covering_the_call_and_admins_reach_every_page(
    client: IsolatedClient, offer: Offer, method: str, path: str, expected: int, who: str
) -> None:
    person = {
        "finance officer of the call's fund": lambda: offer.finance,
        "finance officer of the call": lambda: staff_user(StaffRole.FINANCE_OFFICER, round_id=offer.award.round_id),
        "system-wide finance officer": lambda: staff_user(StaffRole.FINANCE_OFFICER),
        "admin": lambda: staff_user(StaffRole.ADMIN),
    }[who]()
    sign_in_as(client, person)
    if method == "POST" and path.endswith("/record"):
        _post(client, _path("/staff/payments/{payment}/approve", offer))
    response = _send(client, method, _path(path, offer))
    assert response.status_code == (302 if path.endswith("/record") and method == "POST" else expected)
    if path == "/staff/payments":
        assert offer.award.reference in _text(response)


def test_a_payment_that_does_not_exist_is_404_to_finance(client: IsolatedClient, offer: Offer) -> None:
    sign_in_as(client, offer.finance)
    assert client.get("/staff/payments/999999/record").status_code == 404
    assert _post(client, "/staff/payments/999999/approve").status_code == 404


def test_every_payments_route_is_in_this_table(app: Any) -> None:
    covered = {
        ("awards.payments", "GET"),
        ("awards.approve_payment", "POST"),
        ("awards.record_payment", "GET"),
        ("awards.record_payment", "POST"),
    }
    mine = {endpoint for endpoint, _ in covered}
    found = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint in mine
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert found == covered
