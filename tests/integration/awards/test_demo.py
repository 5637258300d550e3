"""`flask demo load` leaves SEF-5 decided and published, with awards at every step after: due diligence waiting,
a letter waiting to be built, letters accepted and paid in part, and one declined.

The demo is loaded once for the module (see loaded_demo in tests/integration/programmes/test_demo_cli.py).
"""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from flask import Flask

from fundapp.awards import queries, services
from fundapp.awards.models import Award, Decision, Payment
from fundapp.awards.states import AwardStatus, Outcome, PaymentStatus
from fundapp.core import storage
from fundapp.extensions import db
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.states import RoundStatus
from tests.integration.programmes.test_demo_cli import LoadedDemo, load, loaded_demo

__all__ = ["loaded_demo"]

pytestmark = pytest.mark.usefixtures("loaded_demo")


def _awards() -> list[Award]:
    round_ = programme_queries.find_round_by_code("SEF-5")
    assert round_ is not None
    return queries.list_round_awards(round_.id)


def test_the_earlier_call_is_decided_and_its_outcomes_published_within_budget() -> None:
    round_ = programme_queries.find_round_by_code("SEF-5")
    assert round_ is not None
    decisions = list(db.session.scalars(sa.select(Decision).where(Decision.round_id == round_.id)))

    assert round_.status == RoundStatus.DECIDED and round_.outcomes_published_at is not None
    assert len(decisions) == 10 and all(d.published_at is not None for d in decisions)
    outcomes = [d.outcome for d in decisions]
    assert outcomes.count(Outcome.RESERVE) == 1
    assert outcomes.count(Outcome.APPROVED) == len(_awards()) >= 4
    assert all(d.feedback for d in decisions if d.outcome == Outcome.REJECTED)
    live = sum(a.amount_pence for a in _awards() if a.status != AwardStatus.DECLINED)
    assert round_.committed_pence == live <= round_.budget_pence


def test_awards_stand_at_every_step_from_checks_to_first_payment() -> None:
    statuses = [a.status for a in _awards()]

    assert statuses.count(AwardStatus.ACTIVE) == 2
    assert statuses.count(AwardStatus.DECLINED) == 1
    assert statuses.count(AwardStatus.OFFERED) == 2
    waiting = [a for a in _awards() if a.status == AwardStatus.OFFERED]
    assert sorted(bool(services.outstanding_checks(a)) for a in waiting) == [False, True]  # one ready for a letter
    assert any(a.conditions for a in waiting if services.outstanding_checks(a))


def test_accepted_awards_record_the_exact_letter_and_have_their_first_tranche_paid() -> None:
    for award in (a for a in _awards() if a.status == AwardStatus.ACTIVE):
        letter = queries.list_letters(award.id)[0]
        assert (
            award.accepted_letter_sha256
            == letter.sha256
            == hashlib.sha256(storage.read(letter.storage_key)).hexdigest()
        )
        first = award.payments[0]
        assert first.status == PaymentStatus.PAID and first.payment_reference and first.paid_on
        assert first.approved_by_id != award.decided_by_id
        assert sum(p.amount_pence for p in award.payments) == award.amount_pence


def test_loading_again_creates_no_awards(app: Flask, loaded_demo: LoadedDemo) -> None:
    def counts() -> list[int]:
        return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0 for m in (Award, Decision, Payment)]

    before = counts()
    load(app)

    assert counts() == before
    assert "award" in loaded_demo.output
