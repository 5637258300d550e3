"""`flask demo load` leaves SEF-5 decided and published: four awards accepted and paid their first tranche, and the
conditional award waiting on its due diligence.

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
from fundapp.core.clock import to_london
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
    assert round_.committed_pence == sum(a.amount_pence for a in _awards()) <= round_.budget_pence


def test_four_awards_are_active_and_the_conditional_one_still_waits_on_its_checks() -> None:
    statuses = [a.status for a in _awards()]

    assert sorted(statuses) == sorted([AwardStatus.ACTIVE] * 4 + [AwardStatus.OFFERED])
    (waiting,) = [a for a in _awards() if a.status == AwardStatus.OFFERED]
    assert waiting.conditions
    assert len(services.outstanding_checks(waiting)) == 2
    assert not queries.list_letters(waiting.id)


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


def test_the_demo_timeline_runs_decision_letter_acceptance_payment_before_the_projects_start() -> None:
    for award in (a for a in _awards() if a.status == AwardStatus.ACTIVE):
        decision = queries.find_decision(award.application_id)
        assert decision is not None and award.project_start is not None
        assert decision.decided_at < award.letter_issued_at < award.accepted_at  # type: ignore[operator]
        assert to_london(award.accepted_at).date() < award.project_start  # type: ignore[arg-type]
        assert award.payments[0].paid_on is not None and award.payments[0].paid_on <= award.project_start


def test_loading_again_creates_no_awards(app: Flask, loaded_demo: LoadedDemo) -> None:
    def counts() -> list[int]:
        return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0 for m in (Award, Decision, Payment)]

    before = counts()
    load(app)

    assert counts() == before
    assert "award" in loaded_demo.output
