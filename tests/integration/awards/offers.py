"""Awards at the offer stage for acceptance and payment tests: approved through the services, outcomes published, and
letters issued through services.record_letter with small stand-in PDFs (the letter's rendering is tested on its
own; these tests are about what happens to the letter once issued)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.awards import letters, services
from fundapp.awards.models import Award
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import utcnow
from fundapp.core.documents import StoredDocument
from fundapp.extensions import db
from tests.factories import complete_due_diligence
from tests.integration.awards.conftest import DecisionSetup, make_decision_round


@dataclass
class Offer:
    setup: DecisionSetup
    award: Award
    owner: User  # an owner of the organisation: the signatory

    @property
    def manager(self) -> User:
        return self.setup.manager

    @property
    def finance(self) -> User:
        return self.setup.finance


def issue_test_letter(award: Award, *, by: User, marker: str = "") -> StoredDocument:
    """Issue the award's letter (a new version) through the service, with a stand-in PDF."""
    letter = letters.build_letter_context(
        award, issued_on=date.today(), signed_by_name=by.full_name, signed_by_role="Fund manager"
    )
    pdf = f"%PDF-1.7 test letter for {award.reference} {marker or utcnow().isoformat()}".encode()
    return services.record_letter(actor=by, award=award, letter=letter, pdf=pdf, now=utcnow())


def make_offer(*, letter: bool = True, amount_pence: int = 2_000_000, conditions: str = "", **round_args: Any) -> Offer:
    """A call with one application approved for amount_pence by its fund manager, outcomes published, due diligence
    done and (unless letter=False) the letter issued."""
    setup = make_decision_round(applications=1, **round_args)
    application = setup.applications[0]
    award = services.approve_application(
        actor=setup.manager,
        application=application,
        amount_pence=amount_pence,
        conditions=conditions,
        reason="Above the line",
        now=utcnow(),
    )
    services.publish_outcomes(actor=setup.manager, round_=setup.round, now=utcnow())
    complete_due_diligence(award, by=setup.finance)
    if letter:
        issue_test_letter(award, by=setup.manager, marker="v1")
    return Offer(setup=setup, award=award, owner=setup.applicants[0])


def accept(offer: Offer) -> None:
    """The owner accepts the newest letter (through the service)."""
    [latest, *_] = services.queries.list_letters(offer.award.id)
    services.accept_award(
        actor=offer.owner,
        award=offer.award,
        name="Pat Chair",
        position="Chair",
        confirmed=True,
        letter_version=latest.version,
        ip_address="192.0.2.7",
        now=utcnow(),
    )


def reload(obj: Any) -> Any:
    """The object as the database has it now (after a request's own session committed)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
