"""Reads for decisions and awards. get_* raises NoResultFound (a 404); find_* may return None; list_* are ordered.

Lists load what their pages show in a fixed number of statements, whatever the number of awards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from fundapp.accounts.models import Membership, Organisation, RoleAssignment, User
from fundapp.accounts.states import MemberRole, StaffRole
from fundapp.applications.models import Application
from fundapp.awards.models import Award, Decision, LetterBatch, Payment
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.core.documents import StoredDocument
from fundapp.extensions import db
from fundapp.programmes.models import Round

# Awards a letter can be issued for (re-issuing makes a new version while the offer is open).
LETTER_STATUSES = (AwardStatus.OFFERED, AwardStatus.LETTER_ISSUED)
# Payments finance can act on: due, and not yet paid.
ACTIONABLE_PAYMENTS = (PaymentStatus.SCHEDULED, PaymentStatus.APPROVED, PaymentStatus.FAILED)


def _award_options() -> list[sa.orm.interfaces.LoaderOption]:
    return [
        selectinload(Award.round).selectinload(Round.fund),
        selectinload(Award.organisation).selectinload(Organisation.memberships),
        selectinload(Award.application).selectinload(Application.answers),
        selectinload(Award.checks),
        selectinload(Award.payments),
    ]


def get_award(award_id: int) -> Award:
    """An award with its call, organisation, application answers, checks and payments."""
    return db.session.scalars(sa.select(Award).options(*_award_options()).where(Award.id == award_id)).one()


def find_award_for_application(application_id: int) -> Award | None:
    """The award made for an application, if it was approved."""
    return db.session.scalar(sa.select(Award).options(*_award_options()).where(Award.application_id == application_id))


def normalise_verification_code(code: str) -> str:
    """A code as typed ('7kq4 mz2p-xa', '7KQ4MZ2PXA') as letters print it: 7KQ4-MZ2P-XA."""
    raw = re.sub(r"[\s-]+", "", code).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 10 else raw


def find_award_by_code(code: str) -> Award | None:
    """The award a letter's verification code names (printed in capitals with dashes; typed any case, dashes
    optional)."""
    normalised = normalise_verification_code(code)
    if not normalised or len(normalised) > 20:
        return None
    return db.session.scalar(
        sa.select(Award)
        .options(selectinload(Award.round).selectinload(Round.fund), selectinload(Award.organisation))
        .where(Award.verification_code == normalised)
    )


def find_decision(application_id: int) -> Decision | None:
    """The decision on an application, if one was made."""
    return db.session.scalar(sa.select(Decision).where(Decision.application_id == application_id))


def list_round_decisions(round_id: int) -> dict[int, Decision]:
    """The call's decisions by application id, with who made them, in one statement."""
    rows = db.session.scalars(
        sa.select(Decision).options(selectinload(Decision.decided_by)).where(Decision.round_id == round_id)
    )
    return {decision.application_id: decision for decision in rows}


def list_round_awards(round_id: int) -> list[Award]:
    """The call's awards in reference order, with organisation, checks and payments."""
    return list(
        db.session.scalars(
            sa.select(Award)
            .options(
                selectinload(Award.organisation),
                selectinload(Award.application),
                selectinload(Award.checks),
                selectinload(Award.payments),
            )
            .where(Award.round_id == round_id)
            .order_by(Award.reference)
        )
    )


def list_letter_ready_award_ids(round_id: int) -> list[int]:
    """Awards of the call still on offer (a letter can be issued or re-issued), in reference order."""
    return list(
        db.session.scalars(
            sa.select(Award.id)
            .where(Award.round_id == round_id, Award.status.in_(LETTER_STATUSES))
            .order_by(Award.reference)
        )
    )


def list_letters(award_id: int) -> list[StoredDocument]:
    """Every issued version of an award's letter, newest first."""
    return list(
        db.session.scalars(
            sa.select(StoredDocument)
            .where(
                StoredDocument.subject_type == Award.__name__,
                StoredDocument.subject_id == award_id,
                StoredDocument.kind == "award_letter",
            )
            .order_by(StoredDocument.version.desc())
        )
    )


def latest_letters(award_ids: Iterable[int]) -> dict[int, StoredDocument]:
    """The newest letter of each award, by award id, in one statement."""
    ids = list(award_ids)
    if not ids:
        return {}
    newest = (
        sa.select(StoredDocument.subject_id, sa.func.max(StoredDocument.version).label("version"))
        .where(
            StoredDocument.subject_type == Award.__name__,
            StoredDocument.kind == "award_letter",
            StoredDocument.subject_id.in_(ids),
        )
        .group_by(StoredDocument.subject_id)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(StoredDocument).join(
            newest,
            sa.and_(
                StoredDocument.subject_id == newest.c.subject_id,
                StoredDocument.version == newest.c.version,
                StoredDocument.subject_type == Award.__name__,
                StoredDocument.kind == "award_letter",
            ),
        )
    )
    return {document.subject_id: document for document in rows}


def get_letter(*, award_id: int, version: int) -> StoredDocument:
    """One version of an award's letter."""
    return db.session.scalars(
        sa.select(StoredDocument).where(
            StoredDocument.subject_type == Award.__name__,
            StoredDocument.subject_id == award_id,
            StoredDocument.kind == "award_letter",
            StoredDocument.version == version,
        )
    ).one()


def get_payment(payment_id: int) -> Payment:
    """A payment with its award, the award's call and organisation."""
    return db.session.scalars(
        sa.select(Payment)
        .options(
            selectinload(Payment.award).selectinload(Award.round).selectinload(Round.fund),
            selectinload(Payment.award).selectinload(Award.organisation),
        )
        .where(Payment.id == payment_id)
    ).one()


def list_payments(*, round_ids: Iterable[int] | None = None, due_only: bool = True) -> list[Payment]:
    """Payments due (their trigger has happened) and not yet paid, oldest due first; with due_only=False, every
    payment. Limited to the given calls when round_ids is given."""
    statement = (
        sa.select(Payment)
        .join(Award, Award.id == Payment.award_id)
        .options(
            selectinload(Payment.award).selectinload(Award.organisation),
            selectinload(Payment.award).selectinload(Award.round),
            selectinload(Payment.approved_by),
            selectinload(Payment.recorded_by),
        )
    )
    if round_ids is not None:
        statement = statement.where(Award.round_id.in_(list(round_ids)))
    if due_only:
        statement = statement.where(
            Payment.due_at.is_not(None),
            Payment.status.in_(ACTIONABLE_PAYMENTS),
            Award.status.in_((AwardStatus.ACCEPTED, AwardStatus.ACTIVE)),  # not a withdrawn grant's
        )
        statement = statement.order_by(Payment.due_at, Award.reference, Payment.position)
    else:
        statement = statement.order_by(Award.reference, Payment.position)
    return list(db.session.scalars(statement))


def get_batch(*, round_id: int, batch_id: int) -> LetterBatch:
    """A bulk letter run of the call."""
    return db.session.scalars(
        sa.select(LetterBatch).where(LetterBatch.id == batch_id, LetterBatch.round_id == round_id)
    ).one()


def find_latest_batch(round_id: int) -> LetterBatch | None:
    """The call's most recent bulk letter run."""
    return db.session.scalar(
        sa.select(LetterBatch).where(LetterBatch.round_id == round_id).order_by(LetterBatch.id.desc()).limit(1)
    )


def list_staff_to_notify(round_: Round) -> list[User]:
    """Active fund managers of the call (for the call, its fund or system-wide), to hear about acceptances."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                User.is_active.is_(True),
                RoleAssignment.role == StaffRole.FUND_MANAGER,
                sa.or_(
                    RoleAssignment.round_id == round_.id,
                    RoleAssignment.fund_id == round_.fund_id,
                    sa.and_(RoleAssignment.round_id.is_(None), RoleAssignment.fund_id.is_(None)),
                ),
            )
            .distinct()
            .order_by(User.email)
        )
    )


def list_applicant_contacts(application: Application) -> list[str]:
    """Who hears about a decision: the person who submitted, and the organisation's owners (emails, unique)."""
    emails = []
    if application.submitted_by is not None:
        emails.append(application.submitted_by.email)
    owners = db.session.scalars(
        sa.select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(
            User.is_active.is_(True),
            Membership.organisation_id == application.organisation_id,
            Membership.role == MemberRole.OWNER,
        )
        .order_by(User.email)
    )
    for email in owners:
        if email not in emails:
            emails.append(email)
    return emails


def list_payment_round_ids(user: User) -> list[int] | None:
    """The calls whose payments the user handles: None means every call (a system-wide finance officer or an
    admin); otherwise the ids of the calls they are finance officer for, directly or through the call's fund."""
    finance = [a for a in user.role_assignments if a.role == StaffRole.FINANCE_OFFICER]
    system_wide = [a for a in user.role_assignments if a.fund_id is None and a.round_id is None]
    if any(a.role in (StaffRole.FINANCE_OFFICER, StaffRole.ADMIN) for a in system_wide):
        return None
    round_ids = {a.round_id for a in finance if a.round_id is not None}
    fund_ids = {a.fund_id for a in finance if a.fund_id is not None}
    if fund_ids:
        round_ids.update(db.session.scalars(sa.select(Round.id).where(Round.fund_id.in_(fund_ids))))
    return sorted(round_ids)


def list_paid_payments(*, round_ids: Iterable[int] | None, since: datetime) -> list[Payment]:
    """Payments recorded as paid since the given moment, newest first, with their award's call and organisation
    and who approved and recorded them. Limited to the given calls unless round_ids is None."""
    statement = (
        sa.select(Payment)
        .join(Award, Award.id == Payment.award_id)
        .options(
            selectinload(Payment.award).selectinload(Award.organisation),
            selectinload(Payment.award).selectinload(Award.round),
            selectinload(Payment.approved_by),
            selectinload(Payment.recorded_by),
        )
        .where(Payment.status == PaymentStatus.PAID, Payment.recorded_at >= since)
        .order_by(Payment.recorded_at.desc(), Payment.id.desc())
    )
    if round_ids is not None:
        statement = statement.where(Award.round_id.in_(list(round_ids)))
    return list(db.session.scalars(statement))


def list_batches(round_id: int) -> list[LetterBatch]:
    """The call's bulk letter runs, newest first, with who started each."""
    return list(
        db.session.scalars(
            sa.select(LetterBatch)
            .options(selectinload(LetterBatch.created_by))
            .where(LetterBatch.round_id == round_id)
            .order_by(LetterBatch.id.desc())
        )
    )
