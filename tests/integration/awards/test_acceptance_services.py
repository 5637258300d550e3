"""Accepting and declining an offer, and paying it, through the services: what is recorded (who, when, the IP address
and the SHA-256 of the exact letter), who is told, what happens to the budget and the payments, and separation of
duties between the person who decided an award and the person who approves its payments."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest

from fundapp.accounts.states import MemberRole, StaffRole
from fundapp.awards import services
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.core import storage
from fundapp.core.clock import to_london, utcnow
from fundapp.core.errors import DomainError, InvalidTransition, NotAllowed
from fundapp.core.mail.models import OutboxMessage
from fundapp.extensions import db
from fundapp.programmes.states import PaymentTrigger
from tests.factories import MembershipFactory, RoleAssignmentFactory, staff_user
from tests.integration.awards.offers import Offer, accept, events, issue_test_letter, make_offer


def _accept(offer: Offer, **overrides: Any) -> None:
    values: dict[str, Any] = {
        "actor": offer.owner,
        "award": offer.award,
        "name": "Pat Chair",
        "position": "Chair of trustees",
        "confirmed": True,
        "letter_version": 1,
        "ip_address": "198.51.100.23",
        "now": utcnow(),
    }
    services.accept_award(**{**values, **overrides})


def test_accepting_records_who_when_the_ip_address_and_the_hash_of_the_exact_letter(db_session: Any) -> None:
    offer = make_offer()
    [letter] = services.queries.list_letters(offer.award.id)
    moment = utcnow()
    _accept(offer, now=moment)
    award = offer.award
    assert award.status == AwardStatus.ACCEPTED
    assert award.accepted_at == moment and award.accepted_by_id == offer.owner.id
    assert (award.accepted_name, award.accepted_position) == ("Pat Chair", "Chair of trustees")
    assert award.accepted_ip == "198.51.100.23"
    assert award.accepted_letter_version == 1
    assert award.accepted_letter_sha256 == letter.sha256
    assert letter.sha256 == hashlib.sha256(storage.read(letter.storage_key)).hexdigest()
    [event] = events("award.accepted")
    assert event.actor_id == offer.owner.id
    assert event.data["sha256"] == letter.sha256 and event.data["letter_version"] == 1


def test_accepting_makes_the_payments_due_on_acceptance_due_and_no_others(db_session: Any) -> None:
    offer = make_offer()
    moment = utcnow()
    _accept(offer, now=moment)
    due = {p.trigger: p.due_at for p in offer.award.payments}
    assert due == {
        PaymentTrigger.ACCEPTANCE: moment,
        PaymentTrigger.INTERIM_REPORT: None,
        PaymentTrigger.FINAL_REPORT: None,
    }
    assert [p.status for p in offer.award.payments] == [PaymentStatus.SCHEDULED] * 3


def test_accepting_tells_the_calls_fund_managers(db_session: Any) -> None:
    offer = make_offer()
    db.session.query(OutboxMessage).delete()
    _accept(offer)
    messages = db.session.query(OutboxMessage).all()
    assert [m.to_address for m in messages] == [offer.manager.email]
    assert messages[0].subject == f"{offer.award.reference} accepted by {offer.award.organisation.name}"
    assert f"/staff/awards/{offer.award.id}" in messages[0].body_text


def test_a_letter_issued_after_the_page_was_loaded_must_be_read_first(db_session: Any) -> None:
    offer = make_offer()
    second = issue_test_letter(offer.award, by=offer.manager, marker="v2")
    with pytest.raises(services.LetterChanged) as exc:
        _accept(offer, letter_version=1)
    assert exc.value.field == "confirm"
    assert offer.award.status == AwardStatus.LETTER_ISSUED and offer.award.accepted_at is None
    _accept(offer, letter_version=2)
    assert offer.award.accepted_letter_version == 2 and offer.award.accepted_letter_sha256 == second.sha256


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter your full name"),
        ({"name": "x" * 201}, "name", "Your name must be 200 characters or fewer"),
        ({"position": ""}, "position", "Enter your position in the organisation"),
        (
            {"confirmed": False},
            "confirm",
            "Confirm that you are authorised to accept the grant on the organisation's behalf",
        ),
    ],
)
def test_acceptance_needs_a_name_a_position_and_the_confirmation(
    db_session: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    offer = make_offer()
    with pytest.raises(DomainError) as exc:
        _accept(offer, **overrides)
    assert (exc.value.field, exc.value.message) == (field, message)
    assert offer.award.status == AwardStatus.LETTER_ISSUED


def test_only_an_owner_can_accept_and_only_while_the_letter_is_open(db_session: Any) -> None:
    offer = make_offer()
    member = MembershipFactory(organisation=offer.award.organisation, role=MemberRole.MEMBER).user
    with pytest.raises(NotAllowed):
        _accept(offer, actor=member)
    with pytest.raises(NotAllowed):
        _accept(offer, actor=offer.manager)
    _accept(offer)
    with pytest.raises(DomainError, match="cannot be answered now"):
        _accept(offer)


def test_declining_needs_a_reason_and_gives_the_amount_back_to_the_budget(db_session: Any) -> None:
    offer = make_offer(amount_pence=1_500_000)
    round_ = offer.award.round
    assert round_.committed_pence == 1_500_000
    with pytest.raises(DomainError) as exc:
        services.decline_award(
            actor=offer.owner, award=offer.award, reason=" ", letter_version=1, ip_address=None, now=utcnow()
        )
    assert (exc.value.field, exc.value.message) == ("reason", "Enter why the organisation is declining the grant")
    assert round_.committed_pence == 1_500_000
    services.decline_award(
        actor=offer.owner,
        award=offer.award,
        reason="Our match funding fell through.",
        letter_version=1,
        ip_address="192.0.2.1",
        now=utcnow(),
    )
    assert offer.award.status == AwardStatus.DECLINED
    assert offer.award.decline_reason == "Our match funding fell through."
    assert round_.committed_pence == 0
    assert [e.data["amount_pence"] for e in events("round.budget_released")] == [1_500_000]
    with pytest.raises(DomainError):
        accept(offer)


# --- payments -----------------------------------------------------------------------------------------------


def _first_payment(offer: Offer) -> Any:
    return offer.award.payments[0]


def test_the_person_who_decided_the_award_cannot_approve_its_payments_even_as_a_finance_officer(
    db_session: Any,
) -> None:
    offer = make_offer()
    RoleAssignmentFactory(user=offer.manager, role=StaffRole.FINANCE_OFFICER, fund_id=offer.award.round.fund_id)
    db.session.refresh(offer.manager)
    accept(offer)
    payment = _first_payment(offer)
    with pytest.raises(NotAllowed, match="separation of duties"):
        services.approve_payment(actor=offer.manager, payment=payment, now=utcnow())
    assert payment.status == PaymentStatus.SCHEDULED
    services.approve_payment(actor=offer.finance, payment=payment, now=utcnow())
    assert payment.status == PaymentStatus.APPROVED and payment.approved_by_id == offer.finance.id


def test_only_the_calls_finance_officers_approve_and_record_payments(db_session: Any) -> None:
    offer = make_offer()
    accept(offer)
    payment = _first_payment(offer)
    elsewhere = staff_user(StaffRole.FINANCE_OFFICER, fund_id=make_offer().award.round.fund_id)
    for outsider in (elsewhere, offer.owner, staff_user(StaffRole.ASSESSOR)):
        with pytest.raises(NotAllowed):
            services.approve_payment(actor=outsider, payment=payment, now=utcnow())
    services.approve_payment(actor=offer.finance, payment=payment, now=utcnow())
    with pytest.raises(NotAllowed):
        services.record_payment_paid(
            actor=elsewhere, payment=payment, reference="X", paid_on=to_london(utcnow()).date(), now=utcnow()
        )


def test_a_payment_is_approved_only_once_due_and_only_on_an_accepted_grant(db_session: Any) -> None:
    offer = make_offer()
    first, second, _final = offer.award.payments
    with pytest.raises(DomainError, match="not due yet"):
        services.approve_payment(actor=offer.finance, payment=first, now=utcnow())
    accept(offer)
    with pytest.raises(DomainError, match="not due yet"):
        services.approve_payment(actor=offer.finance, payment=second, now=utcnow())
    services.approve_payment(actor=offer.finance, payment=first, now=utcnow())
    with pytest.raises(InvalidTransition):
        services.approve_payment(actor=offer.finance, payment=first, now=utcnow())


def test_accept_then_approve_then_pay_makes_the_grant_active(db_session: Any) -> None:
    offer = make_offer()
    accept(offer)
    payment = _first_payment(offer)
    services.approve_payment(actor=offer.finance, payment=payment, now=utcnow())
    today = to_london(utcnow()).date()
    services.record_payment_paid(
        actor=offer.finance, payment=payment, reference=" BACS-001 ", paid_on=today, now=utcnow()
    )
    assert payment.status == PaymentStatus.PAID
    assert (payment.payment_reference, payment.paid_on, payment.recorded_by_id) == ("BACS-001", today, offer.finance.id)
    assert offer.award.status == AwardStatus.ACTIVE and offer.award.activated_at is not None
    assert [e.data["reference"] for e in events("payment.paid")] == ["BACS-001"]
    assert services.payments_total(offer.award.payments, status=PaymentStatus.PAID) == 1_000_000
    assert services.payments_total(offer.award.payments) == offer.award.amount_pence


def test_a_failed_payment_is_approved_again_and_then_paid(db_session: Any) -> None:
    offer = make_offer()
    accept(offer)
    payment = _first_payment(offer)
    services.approve_payment(actor=offer.finance, payment=payment, now=utcnow())
    with pytest.raises(DomainError) as exc:
        services.record_payment_failed(actor=offer.finance, payment=payment, reason="", now=utcnow())
    assert exc.value.field == "reason"
    services.record_payment_failed(
        actor=offer.finance, payment=payment, reason="Account name did not match", now=utcnow()
    )
    assert payment.status == PaymentStatus.FAILED and payment.failure_reason == "Account name did not match"
    assert offer.award.status == AwardStatus.ACCEPTED
    other = staff_user(StaffRole.FINANCE_OFFICER, round_id=offer.award.round_id)
    services.approve_payment(actor=other, payment=payment, now=utcnow())
    services.record_payment_paid(
        actor=offer.finance, payment=payment, reference="BACS-002", paid_on=to_london(utcnow()).date(), now=utcnow()
    )
    assert payment.status == PaymentStatus.PAID and payment.failure_reason is None
    assert offer.award.status == AwardStatus.ACTIVE


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "The date paid must be today or in the past"), (-400, "The date paid must be on or after the day")],
)
def test_the_date_paid_is_not_in_the_future_nor_before_the_payment_was_due(
    db_session: Any, days: int, message: str
) -> None:
    offer = make_offer()
    accept(offer)
    payment = _first_payment(offer)
    services.approve_payment(actor=offer.finance, payment=payment, now=utcnow())
    with pytest.raises(DomainError, match=message) as exc:
        services.record_payment_paid(
            actor=offer.finance,
            payment=payment,
            reference="BACS-1",
            paid_on=to_london(utcnow()).date() + timedelta(days=days),
            now=utcnow(),
        )
    assert exc.value.field == "paid_on"
    assert payment.status == PaymentStatus.APPROVED
