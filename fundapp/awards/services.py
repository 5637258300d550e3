"""Writes for decisions and awards. Every function flushes and never commits; the request (or job) commits once.

Services take plain values and an explicit actor, re-check permissions (decisions, awards and payments are money),
raise DomainError subclasses naming the field they belong to, and record an audit event for each change. An award's
status changes only through _move_award(), a payment's through _move_payment(), both checking the tables in
states.py; the application's status moves through the applications services and the call's budget through the
programmes services' guard (a conditional UPDATE backed by a CHECK constraint).
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fundapp.accounts.models import User
from fundapp.applications import services as application_services
from fundapp.applications.models import Application
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.ranking import RankedApplication, build_ranking, tier_for
from fundapp.awards import letters, permissions, queries
from fundapp.awards.models import Award, Decision, DueDiligenceCheck, LetterBatch, Payment
from fundapp.awards.signals import award_accepted
from fundapp.awards.states import (
    AWARD_TRANSITIONS,
    DUE_DILIGENCE_LABELS,
    PAYMENT_TRANSITIONS,
    REGISTER_FORMATS,
    REGISTER_LABELS,
    AwardStatus,
    BatchStatus,
    DueDiligenceItem,
    Outcome,
    PaymentStatus,
    Register,
    normalise_registration_number,
)
from fundapp.core import storage
from fundapp.core.audit import AuditEvent, record_event
from fundapp.core.clock import format_date, to_london
from fundapp.core.documents import StoredDocument, find_latest_document, store_document
from fundapp.core.errors import DomainError, NotAllowed, check_transition
from fundapp.core.mail.services import queue_email
from fundapp.core.money import format_pence
from fundapp.core.spreadsheets import csv_bytes
from fundapp.core.transactions import after_commit, after_rollback
from fundapp.core.transitions import record_transition
from fundapp.core.urls import external_url
from fundapp.core.wording import plural
from fundapp.extensions import db
from fundapp.programmes import services as programme_services
from fundapp.programmes.models import Round
from fundapp.programmes.payment_schedule import parse_template, split_amount
from fundapp.programmes.states import PaymentTrigger, RoundStatus

REASON_MAX_CHARS = 2000
FEEDBACK_MAX_CHARS = 5000
CONDITIONS_MAX_CHARS = 5000
NOTE_MAX_CHARS = 2000
NAME_MAX_CHARS = 200
PAYMENT_REFERENCE_MAX_CHARS = 60
# Applications a decision can be made on: moderated (final score) or waiting on the reserve list.
DECIDABLE = frozenset({ApplicationStatus.MODERATED, ApplicationStatus.RESERVE})
# Verification codes: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as XXXX-XXXX-XX.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class LetterChanged(DomainError):
    """A newer version of the letter was issued after the page was loaded: the signatory must read it first."""

    def __init__(self) -> None:
        super().__init__(
            "A new version of your offer letter was issued after you opened this page. Read the new letter, "
            "then accept or decline it.",
            field="confirm",
        )


def _text(value: str, *, field: str, max_chars: int, missing: str | None = None, noun: str = "This") -> str:
    value = value.strip()
    if missing and not value:
        raise DomainError(missing, field=field)
    if len(value) > max_chars:
        raise DomainError(f"{noun} must be {max_chars:,} characters or fewer", field=field)
    return value


def _move_award(award: Award, target: AwardStatus, *, actor: User | None, action: str, data: dict[str, Any]) -> None:
    previous = award.status
    check_transition("Award", AWARD_TRANSITIONS, previous, target)
    award.status = target
    record_transition(award, previous, actor=actor, action=action, data={"reference": award.reference, **data})


def _move_payment(
    payment: Payment, target: PaymentStatus, *, actor: User | None, action: str, data: dict[str, Any]
) -> None:
    previous = payment.status
    check_transition("Payment", PAYMENT_TRANSITIONS, previous, target)
    payment.status = target
    record_transition(
        payment,
        previous,
        actor=actor,
        action=action,
        data={"award_id": payment.award_id, "amount_pence": payment.amount_pence, **data},
    )


# --- decisions -----------------------------------------------------------------------------------------------


def _require_decider(actor: User, round_: Round) -> None:
    if not permissions.can_decide(actor, round_):
        raise NotAllowed("Only the call's fund managers can decide its applications.")


def _check_decidable(application: Application) -> None:
    if application.status not in DECIDABLE:
        raise DomainError(
            "Only moderated applications, or those on the reserve list, can be decided: "
            "finish moderating this one first",
            field="outcome",
        )
    if application.round.status not in (RoundStatus.ASSESSING, RoundStatus.DECIDED):
        raise DomainError("Decisions are made while the call is being assessed", field="outcome")


def verification_code() -> str:
    """A fresh, unguessable code for a letter (about 49 bits), like 7KQ4-MZ2P-XA."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _project_dates(application: Application) -> tuple[date | None, date | None]:
    values = {a.question_key: a.value for a in application.answers if a.question_key in ("start_date", "end_date")}

    def day(key: str) -> date | None:
        try:
            return date.fromisoformat(values[key]) if isinstance(values.get(key), str) else None
        except ValueError:
            return None

    return day("start_date"), day("end_date")


def check_award_amount(application: Application, amount_pence: int) -> None:
    """An award is more than £0, no more than was asked for, and inside the tier the application applied in.
    Raises DomainError (field "amount") saying which rule it breaks."""
    requested = application.amount_requested_pence or 0
    if amount_pence <= 0:
        raise DomainError("Enter an amount more than £0", field="amount")
    if amount_pence > requested:
        raise DomainError(
            f"The award cannot be more than the {format_pence(requested)} the applicant asked for", field="amount"
        )
    tier = tier_for(requested, application.round.tiers)
    if tier is not None and amount_pence < tier.min_pence:
        raise DomainError(
            f"The award must be inside the {tier.name} tier the application was made in: "
            f"{format_pence(tier.min_pence)} to {format_pence(tier.max_pence)}",
            field="amount",
        )


def _record_decision(
    actor: User, application: Application, outcome: Outcome, *, reason: str, feedback: str, now: datetime
) -> Decision:
    decision = queries.find_decision(application.id)
    if decision is None:
        decision = Decision(application_id=application.id, round_id=application.round_id, outcome=outcome)
        db.session.add(decision)
    decision.outcome = outcome
    decision.reason = reason
    decision.feedback = feedback
    decision.decided_at = now
    decision.decided_by_id = actor.id
    # Decided after the outcomes were published (a reserve-list bid funded later): the applicant hears now.
    decision.published_at = now if application.round.outcomes_published_at is not None else None
    application_services.record_decision(
        actor=actor, application=application, status=ApplicationStatus(outcome.value), reason=reason
    )
    db.session.flush()
    record_event(
        f"decision.{outcome.value}",
        actor=actor,
        subject=decision,
        data={"application_id": application.id, "reason": reason, "feedback": feedback},
    )
    if decision.published_at is not None:
        _notify_outcome(application, decision, queries.find_award_for_application(application.id))
    return decision


def _create_award(actor: User, application: Application, *, amount_pence: int, conditions: str, now: datetime) -> Award:
    start, end = _project_dates(application)
    award = Award(
        application_id=application.id,
        round_id=application.round_id,
        organisation_id=application.organisation_id,
        reference=application.reference or f"AWARD-{application.id}",
        amount_pence=amount_pence,
        conditions=conditions,
        verification_code=verification_code(),
        project_start=start,
        project_end=end,
        created_at=now,
        decided_by_id=actor.id,
    )
    db.session.add(award)
    db.session.flush()
    tranches = parse_template(application.round.payment_template)
    amounts = split_amount(amount_pence, [t.percent for t in tranches])
    for position, (tranche, amount) in enumerate(zip(tranches, amounts, strict=True), start=1):
        award.payments.append(
            Payment(
                position=position,
                label=tranche.label,
                trigger=tranche.trigger,
                percent=tranche.percent,
                amount_pence=amount,
            )
        )
    db.session.flush()
    record_event(
        "award.offered",
        actor=actor,
        subject=award,
        data={"reference": award.reference, "amount_pence": amount_pence, "conditions": conditions},
    )
    return award


def approve_application(
    *, actor: User, application: Application, amount_pence: int, conditions: str, reason: str, now: datetime
) -> Award:
    """Approve an application for amount_pence, with optional conditions: commit the amount against the call's
    budget, record the decision and make the award with its payment schedule.

    Raises NotAllowed for anyone but the call's fund managers; DomainError (field "amount") for an amount not more
    than £0, above what was asked for or outside the application's tier; BudgetExceeded when the call's budget
    cannot cover it, even if someone else committed the rest a moment ago (nothing is changed); DomainError unless
    the application is moderated or on the reserve list.
    """
    _require_decider(actor, application.round)
    _check_decidable(application)
    check_award_amount(application, amount_pence)
    conditions = _text(conditions, field="conditions", max_chars=CONDITIONS_MAX_CHARS, noun="The conditions")
    reason = _text(reason, field="reason", max_chars=REASON_MAX_CHARS, noun="The reason")
    programme_services.commit_budget(actor=actor, round_=application.round, amount_pence=amount_pence)
    award = _create_award(actor, application, amount_pence=amount_pence, conditions=conditions, now=now)
    _record_decision(actor, application, Outcome.APPROVED, reason=reason, feedback="", now=now)
    return award


def reject_application(*, actor: User, application: Application, feedback: str, reason: str, now: datetime) -> None:
    """Reject an application with feedback the applicant will read (once outcomes are published).

    Raises NotAllowed for anyone but the call's fund managers, DomainError (field "feedback") without feedback, and
    DomainError unless the application is moderated or on the reserve list.
    """
    _require_decider(actor, application.round)
    _check_decidable(application)
    feedback = _text(
        feedback,
        field="feedback",
        max_chars=FEEDBACK_MAX_CHARS,
        missing="Enter feedback for the applicant: they will read it",
        noun="The feedback",
    )
    reason = _text(reason, field="reason", max_chars=REASON_MAX_CHARS, noun="The reason")
    _record_decision(actor, application, Outcome.REJECTED, reason=reason, feedback=feedback, now=now)


def reserve_application(*, actor: User, application: Application, feedback: str, reason: str, now: datetime) -> None:
    """Put a moderated application on the reserve list (funded later if money comes back). Raises as
    reject_application, except that feedback is optional."""
    _require_decider(actor, application.round)
    if application.status != ApplicationStatus.MODERATED:
        raise DomainError("Only a moderated application can be put on the reserve list", field="outcome")
    _check_decidable(application)
    feedback = _text(feedback, field="feedback", max_chars=FEEDBACK_MAX_CHARS, noun="The feedback")
    reason = _text(reason, field="reason", max_chars=REASON_MAX_CHARS, noun="The reason")
    _record_decision(actor, application, Outcome.RESERVE, reason=reason, feedback=feedback, now=now)


def withdraw_decision(*, actor: User, application: Application, reason: str, now: datetime) -> None:
    """Take back a decision made in error, before the call's outcomes are published: the application is moderated
    again, an approval's amount goes back to the budget and its award (no letter can exist yet) is removed. The
    decision and award stay in the audit log.

    Raises NotAllowed for anyone but the call's fund managers; DomainError (field "reason") without a reason, once
    the outcomes are published (the applicant has been told) or when there is no decision.
    """
    _require_decider(actor, application.round)
    reason = _text(
        reason,
        field="reason",
        max_chars=REASON_MAX_CHARS,
        missing="Enter why the decision is being changed",
        noun="The reason",
    )
    decision = queries.find_decision(application.id)
    if decision is None:
        raise DomainError("This application has not been decided", field="reason")
    if application.round.outcomes_published_at is not None or decision.published_at is not None:
        raise DomainError(
            "The applicant has been told this decision, so it can no longer be taken back", field="reason"
        )
    award = queries.find_award_for_application(application.id)
    if award is not None:
        if award.status != AwardStatus.OFFERED:
            raise DomainError("This award's offer letter has been issued, so it can no longer be taken back")
        programme_services.release_budget(actor=actor, round_=application.round, amount_pence=award.amount_pence)
        record_event(
            "award.removed",
            actor=actor,
            subject=award,
            data={"reference": award.reference, "amount_pence": award.amount_pence, "reason": reason},
        )
        db.session.delete(award)
    record_event(
        "decision.withdrawn",
        actor=actor,
        subject=decision,
        data={"application_id": application.id, "outcome": decision.outcome.value, "reason": reason},
    )
    db.session.delete(decision)
    db.session.flush()
    application_services.record_decision_withdrawn(actor=actor, application=application, reason=reason)


@dataclass(frozen=True)
class BulkApproval:
    """What approving everything above the funding line would do (shown before, and done after, confirming)."""

    application_ids: tuple[int, ...]
    references: tuple[str, ...]
    total_pence: int
    budget_pence: int
    committed_pence: int
    rows: tuple[RankedApplication, ...] = ()  # the ranking's rows of those applications (titles, amounts), in order

    @property
    def committed_after_pence(self) -> int:
        return self.committed_pence + self.total_pence

    @property
    def remaining_after_pence(self) -> int:
        return self.budget_pence - self.committed_after_pence

    @property
    def fingerprint(self) -> str:
        """What the person confirmed: if the list changes before they press the button, nothing is approved."""
        return ",".join(str(i) for i in self.application_ids)


def plan_bulk_approval(round_: Round) -> BulkApproval:
    """The applications above the funding line still waiting for a decision, at the amounts they asked for."""
    ranking = build_ranking(round_)
    waiting = {a.id: a for a in db.session.scalars(_moderated(round_.id))}
    rows = [row for row in ranking.rows if row.above_line and row.application_id in waiting]
    return BulkApproval(
        application_ids=tuple(row.application_id for row in rows),
        references=tuple(row.reference for row in rows),
        total_pence=sum(row.requested_pence for row in rows),
        budget_pence=round_.budget_pence,
        committed_pence=round_.committed_pence,
        rows=tuple(rows),
    )


def _moderated(round_id: int) -> Any:
    return sa.select(Application).where(
        Application.round_id == round_id, Application.status == ApplicationStatus.MODERATED
    )


def approve_above_line(*, actor: User, round_: Round, fingerprint: str, reason: str, now: datetime) -> list[Award]:
    """Approve every undecided application above the funding line at the amount it asked for, all or nothing.

    Raises NotAllowed for anyone but the call's fund managers; DomainError if the list is empty or changed since it
    was confirmed (fingerprint), and BudgetExceeded if the budget cannot cover them all (nothing is approved: the
    request rolls back).
    """
    _require_decider(actor, round_)
    plan = plan_bulk_approval(round_)
    if not plan.application_ids:
        raise DomainError("No applications above the funding line are waiting for a decision")
    if plan.fingerprint != fingerprint:
        raise DomainError(
            "The applications above the funding line changed after you opened this page (someone else decided one, "
            "or a score changed). Nothing was approved: check the new list and confirm again."
        )
    reason = reason.strip() or "Above the funding line: approved at the amount requested"
    applications = {a.id: a for a in db.session.scalars(_moderated(round_.id))}
    awards = []
    for application_id in plan.application_ids:
        application = applications[application_id]
        awards.append(
            approve_application(
                actor=actor,
                application=application,
                amount_pence=application.amount_requested_pence or 0,
                conditions="",
                reason=reason,
                now=now,
            )
        )
    record_event(
        "decision.bulk_approved",
        actor=actor,
        subject=round_,
        data={"application_ids": list(plan.application_ids), "total_pence": plan.total_pence},
    )
    return awards


# --- publishing outcomes -------------------------------------------------------------------------------------


def undecided_references(round_: Round) -> list[str]:
    """References of the call's applications still in assessment or waiting for a decision."""
    waiting = (
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.IN_ASSESSMENT,
        ApplicationStatus.ASSESSED,
        ApplicationStatus.MODERATED,
    )
    return list(
        db.session.scalars(
            sa.select(Application.reference)
            .where(Application.round_id == round_.id, Application.status.in_(waiting))
            .order_by(Application.reference)
        )
    )


def _tell_applicants(application: Application, *, subject: str, template: str, context: dict[str, Any]) -> None:
    """Email the people who speak for the applying organisation (queries.list_applicant_contacts), once each."""
    for email in queries.list_applicant_contacts(application):
        queue_email(to=email, subject=subject, template=template, context=context)


def _notify_outcome(application: Application, decision: Decision, award: Award | None) -> None:
    template = {
        Outcome.APPROVED: "awards/emails/outcome_approved",
        Outcome.REJECTED: "awards/emails/outcome_rejected",
        Outcome.RESERVE: "awards/emails/outcome_reserve",
    }[decision.outcome]
    subject = {
        Outcome.APPROVED: f"Your application {application.reference} has been awarded a grant",
        Outcome.REJECTED: f"The outcome of your application {application.reference}",
        Outcome.RESERVE: f"Your application {application.reference} is on the reserve list",
    }[decision.outcome]
    context = {
        "reference": application.reference,
        "project_title": application.project_title,
        "organisation_name": application.organisation.name,
        "call_name": application.round.name,
        "feedback": decision.feedback,
        "amount": format_pence(award.amount_pence) if award else "",
        "conditions": award.conditions if award else "",
        "url": external_url("awards.applicant_outcome", application_id=application.id),
    }
    _tell_applicants(application, subject=subject, template=template, context=context)


def publish_outcomes(*, actor: User, round_: Round, now: datetime) -> int:
    """Publish the call's decisions to applicants and email each of them in one batch; the call becomes decided.
    Returns how many applicants were told.

    Raises NotAllowed for anyone but the call's fund managers; DomainError listing the applications still waiting
    for a decision; DomainError if already published.
    """
    _require_decider(actor, round_)
    waiting = undecided_references(round_)
    if waiting:
        shown = ", ".join(waiting[:10]) + (f" and {len(waiting) - 10} more" if len(waiting) > 10 else "")
        raise DomainError(f"Decide every application before publishing the outcomes. Still to decide: {shown}")
    decisions = queries.list_round_decisions(round_.id)
    if not decisions:
        raise DomainError("There are no decisions to publish yet")
    programme_services.publish_outcomes(actor=actor, round_=round_, now=now)
    awards = {award.application_id: award for award in queries.list_round_awards(round_.id)}
    for decision in sorted(decisions.values(), key=lambda d: d.application_id):
        if decision.published_at is None:
            decision.published_at = now
        _notify_outcome(decision.application, decision, awards.get(decision.application_id))
    db.session.flush()
    record_event("round.outcomes_emailed", actor=actor, subject=round_, data={"applications": len(decisions)})
    return len(decisions)


# --- due diligence -------------------------------------------------------------------------------------------


def checklist_items(award: Award) -> list[DueDiligenceItem]:
    """The items this award's checklist needs: all of them, and "conditions met" only when it has conditions."""
    return [item for item in DueDiligenceItem if item != DueDiligenceItem.CONDITIONS or award.conditions.strip()]


def outstanding_checks(award: Award) -> list[DueDiligenceItem]:
    """Checklist items not yet completed."""
    done = {check.item for check in award.checks}
    return [item for item in checklist_items(award) if item not in done]


def _require_checker(actor: User, award: Award) -> None:
    if not permissions.can_check_due_diligence(actor, award.round):
        raise NotAllowed("Only the call's finance officers and fund managers can complete due diligence.")


def _checked_registration(register: str | None, number: str | None) -> tuple[Register, str | None]:
    try:
        chosen = Register(register or "")
    except ValueError:
        raise DomainError("Select the register you checked the number against", field="register") from None
    if chosen == Register.NONE:
        return chosen, None
    cleaned = normalise_registration_number(number or "")
    if not cleaned:
        raise DomainError(
            f"Enter the number registered with the {REGISTER_LABELS[chosen]}", field="registration_number"
        )
    pattern, example = REGISTER_FORMATS[chosen]
    if not pattern.match(cleaned):
        raise DomainError(
            f"Enter a number in the format the {REGISTER_LABELS[chosen]} uses: {example}", field="registration_number"
        )
    return chosen, cleaned


def complete_check(
    *,
    actor: User,
    award: Award,
    item: DueDiligenceItem,
    note: str,
    register: str | None = None,
    registration_number: str | None = None,
    now: datetime,
) -> DueDiligenceCheck:
    """Record one due-diligence item as done, by whom and when. The registration item needs the register and a
    number in that register's format.

    Raises NotAllowed for people who may not check; DomainError when the item is already done, not on this award's
    checklist, or the letter has already been issued; DomainError naming the field for a wrong register or number.
    """
    _require_checker(actor, award)
    if award.status != AwardStatus.OFFERED:
        raise DomainError("Due diligence is done before the offer letter is issued", field="item")
    if item not in checklist_items(award):
        raise DomainError("This award has no conditions to check", field="item")
    if item in {check.item for check in award.checks}:
        raise DomainError(f"“{DUE_DILIGENCE_LABELS[item]}” has already been checked", field="item")
    note = _text(note, field="note", max_chars=NOTE_MAX_CHARS, noun="The note")
    chosen: Register | None = None
    number: str | None = None
    if item == DueDiligenceItem.REGISTRATION:
        chosen, number = _checked_registration(register, registration_number)
        if chosen == Register.NONE and not note:
            raise DomainError("Say how you confirmed the group exists, since it is not registered", field="note")
    check = DueDiligenceCheck(
        item=item, note=note, register=chosen, registration_number=number, completed_at=now, completed_by_id=actor.id
    )
    award.checks.append(check)
    db.session.flush()
    record_event(
        "award.due_diligence_checked",
        actor=actor,
        subject=award,
        data={"item": item.value, "note": note, "register": chosen.value if chosen else None, "number": number},
    )
    return check


def undo_check(*, actor: User, award: Award, item: DueDiligenceItem) -> None:
    """Mark a due-diligence item as not done again (checked in error), before the letter is issued.
    Raises NotAllowed, or DomainError if it was not done or the letter has been issued."""
    _require_checker(actor, award)
    if award.status != AwardStatus.OFFERED:
        raise DomainError("The offer letter has been issued, so the checklist is fixed", field="item")
    check = next((c for c in award.checks if c.item == item), None)
    if check is None:
        raise DomainError("That item has not been checked", field="item")
    award.checks.remove(check)
    db.session.flush()
    record_event("award.due_diligence_undone", actor=actor, subject=award, data={"item": item.value})


# --- letters -------------------------------------------------------------------------------------------------


def _require_letter_issuable(actor: User | None, award: Award) -> None:
    if actor is not None and not permissions.can_decide(actor, award.round):
        raise NotAllowed("Only the call's fund managers can issue award letters.")
    if award.round.outcomes_published_at is None:
        raise DomainError("Publish the call's outcomes before issuing letters")
    if award.status not in queries.LETTER_STATUSES:
        raise DomainError("The offer has been answered, so its letter can no longer change")
    missing = outstanding_checks(award)
    if missing:
        raise DomainError(
            "Finish due diligence before issuing the letter: " + "; ".join(DUE_DILIGENCE_LABELS[i] for i in missing)
        )


def letter_context(*, actor: User | None, award: Award, now: datetime) -> letters.AwardLetter:
    """Check a letter can be issued and read what it will say (reads only: a job ends its read transaction here and
    renders the PDF outside any transaction). Raises as issue_award_letter."""
    _require_letter_issuable(actor, award)
    return letters.build_letter_context(
        award,
        issued_on=to_london(now).date(),
        signed_by_name=actor.full_name if actor is not None else award.round.fund.name,
        signed_by_role=f"Fund manager, {award.round.fund.name}",
    )


def prepare_letter(*, actor: User | None, award: Award, now: datetime) -> tuple[letters.AwardLetter, bytes]:
    """Check a letter can be issued and render it (no writes: a job renders outside its write transaction).
    Raises as issue_award_letter."""
    context = letter_context(actor=actor, award=award, now=now)
    return context, letters.render_letter(context)


def record_letter(
    *, actor: User | None, award: Award, letter: letters.AwardLetter, pdf: bytes, now: datetime
) -> StoredDocument:
    """Store a rendered letter as the award's newest version (immutable, hashed) and tell the applicant.
    Raises as issue_award_letter (the award may have changed since the letter was rendered)."""
    _require_letter_issuable(actor, award)
    document = store_document(
        kind=letters.DOCUMENT_KIND,
        subject=award,
        data=pdf,
        filename=letter.filename,
        content_type=letters.CONTENT_TYPE,
        template_version=letter.template_version,
        inputs=letter.as_inputs(),
        actor=actor,
    )
    reissue = award.status == AwardStatus.LETTER_ISSUED
    award.letter_issued_at = now
    award.letter_issued_by_id = actor.id if actor is not None else None
    _move_award(
        award,
        AwardStatus.LETTER_ISSUED,
        actor=actor,
        action="award.letter_reissued" if reissue else "award.letter_issued",
        data={"version": document.version, "sha256": document.sha256, "template_version": letter.template_version},
    )
    _tell_applicants(
        award.application,
        subject=f"{'A new version of your' if reissue else 'Your'} grant offer letter for {award.reference}",
        template="awards/emails/letter_issued",
        context={
            "reference": award.reference,
            "organisation_name": award.organisation.name,
            "amount": format_pence(award.amount_pence),
            "accept_by": letter.accept_by_text,
            "reissue": reissue,
            "url": letter.accept_url,
        },
    )
    return document


def issue_award_letter(*, actor: User | None, award: Award, now: datetime) -> StoredDocument:
    """Render and store the award's offer letter (a new version if one was issued before) and email the applicant.

    Raises NotAllowed for anyone but the call's fund managers (actor None: the system, for jobs started by one);
    DomainError before outcomes are published, while due diligence is outstanding, or once the offer was answered.
    """
    letter, pdf = prepare_letter(actor=actor, award=award, now=now)
    return record_letter(actor=actor, award=award, letter=letter, pdf=pdf, now=now)


# --- acceptance ----------------------------------------------------------------------------------------------


def _require_signatory(actor: User, award: Award) -> None:
    if not permissions.can_accept_award(actor, award):
        raise NotAllowed("Only the organisation's owners can accept or decline its grant.")
    if award.status != AwardStatus.LETTER_ISSUED:
        raise DomainError("This offer cannot be answered now", field="confirm")


def _current_letter(award: Award, shown_version: int) -> StoredDocument:
    document = find_latest_document(kind=letters.DOCUMENT_KIND, subject=award)
    if document is None:
        raise DomainError("There is no offer letter to accept yet", field="confirm")
    if document.version != shown_version:
        raise LetterChanged()
    return document


def _notify_staff(award: Award, *, accepted: bool) -> None:
    for user in queries.list_staff_to_notify(award.round):
        queue_email(
            to=user.email,
            subject=f"{award.reference} {'accepted' if accepted else 'declined'} by {award.organisation.name}",
            template="awards/emails/offer_answered",
            context={
                "recipient_name": user.full_name,
                "reference": award.reference,
                "organisation_name": award.organisation.name,
                "amount": format_pence(award.amount_pence),
                "accepted": accepted,
                "reason": award.decline_reason or "",
                "url": external_url("awards.award_detail", award_id=award.id),
            },
        )


def payments_waiting_on(award: Award, trigger: PaymentTrigger) -> list[Payment]:
    """The award's tranches not yet due that trigger would make due (what approving a report releases)."""
    return [p for p in award.payments if p.trigger == trigger and p.due_at is None]


def release_payments(*, award: Award, trigger: PaymentTrigger, now: datetime, actor: User | None) -> list[Payment]:
    """Make the award's scheduled tranches that wait on trigger due now (acceptance; a report approved).
    Returns the payments released."""
    released = payments_waiting_on(award, trigger)
    for payment in released:
        payment.due_at = now
    db.session.flush()
    if released:
        record_event(
            "award.payments_due",
            actor=actor,
            subject=award,
            data={"trigger": trigger.value, "payment_ids": [p.id for p in released]},
        )
    return released


def accept_award(
    *,
    actor: User,
    award: Award,
    name: str,
    position: str,
    confirmed: bool,
    letter_version: int,
    ip_address: str | None,
    now: datetime,
) -> None:
    """The organisation's signatory accepts the offer in the letter they read (letter_version). Records the time,
    IP address and SHA-256 of that exact letter; tranches due on acceptance become due; staff are told.

    Raises NotAllowed for anyone but the organisation's owners; DomainError naming the field for a missing name,
    position or confirmation; LetterChanged if a newer letter was issued since; DomainError unless the letter is
    issued and not yet answered.
    """
    _require_signatory(actor, award)
    name = _text(name, field="name", max_chars=NAME_MAX_CHARS, missing="Enter your full name", noun="Your name")
    position = _text(
        position, field="position", max_chars=NAME_MAX_CHARS, missing="Enter your position in the organisation"
    )
    if not confirmed:
        raise DomainError(
            "Confirm that you are authorised to accept the grant on the organisation's behalf", field="confirm"
        )
    document = _current_letter(award, letter_version)
    award.accepted_at = now
    award.accepted_by_id = actor.id
    award.accepted_name = name
    award.accepted_position = position
    award.accepted_ip = (ip_address or "")[:45] or None
    award.accepted_letter_version = document.version
    award.accepted_letter_sha256 = document.sha256
    _move_award(
        award,
        AwardStatus.ACCEPTED,
        actor=actor,
        action="award.accepted",
        data={"name": name, "position": position, "letter_version": document.version, "sha256": document.sha256},
    )
    release_payments(award=award, trigger=PaymentTrigger.ACCEPTANCE, now=now, actor=actor)
    award_accepted.send(award, actor=actor, now=now)
    _notify_staff(award, accepted=True)


def decline_award(
    *, actor: User, award: Award, reason: str, letter_version: int, ip_address: str | None, now: datetime
) -> None:
    """The organisation declines the offer, saying why. Its amount goes back to the call's budget; staff are told.
    Raises as accept_award, and DomainError (field "reason") without a reason."""
    _require_signatory(actor, award)
    reason = _text(
        reason,
        field="reason",
        max_chars=REASON_MAX_CHARS,
        missing="Enter why the organisation is declining the grant",
        noun="The reason",
    )
    document = _current_letter(award, letter_version)
    award.declined_at = now
    award.declined_by_id = actor.id
    award.decline_reason = reason
    _move_award(
        award,
        AwardStatus.DECLINED,
        actor=actor,
        action="award.declined",
        data={"reason": reason, "letter_version": document.version, "ip_address": ip_address},
    )
    programme_services.release_budget(actor=actor, round_=award.round, amount_pence=award.amount_pence)
    _notify_staff(award, accepted=False)


# --- withdrawing an award -------------------------------------------------------------------------------------

# Awards staff may withdraw: the offer stands or was accepted, and no payment has been approved or made.
WITHDRAWABLE = frozenset({AwardStatus.OFFERED, AwardStatus.LETTER_ISSUED, AwardStatus.ACCEPTED})


def withdraw_award(*, actor: User, award: Award, reason: str, now: datetime) -> None:
    """Withdraw an offer (not accepted in time, or the organisation can no longer deliver), giving the reason the
    organisation will read. Its amount goes back to the call's budget and the organisation is emailed.

    Raises NotAllowed for anyone but the call's fund managers; DomainError (field "reason") without a reason, once a
    payment has been approved or made, or when the award is declined, completed or already withdrawn.
    """
    _require_decider(actor, award.round)
    reason = _text(
        reason,
        field="reason",
        max_chars=REASON_MAX_CHARS,
        missing="Enter why the offer is being withdrawn: the organisation will read it",
        noun="The reason",
    )
    if award.status not in WITHDRAWABLE:
        raise DomainError("Only an offer that stands or has been accepted can be withdrawn", field="reason")
    if any(p.status in (PaymentStatus.APPROVED, PaymentStatus.PAID) for p in award.payments):
        raise DomainError(
            "A payment on this grant has been approved or made, so it cannot be withdrawn here", field="reason"
        )
    award.withdrawn_at = now
    award.withdrawn_by_id = actor.id
    award.withdrawal_reason = reason
    _move_award(award, AwardStatus.WITHDRAWN, actor=actor, action="award.withdrawn", data={"reason": reason})
    programme_services.release_budget(actor=actor, round_=award.round, amount_pence=award.amount_pence)
    _tell_applicants(
        award.application,
        subject=f"Your grant offer {award.reference} has been withdrawn",
        template="awards/emails/award_withdrawn",
        context={
            "reference": award.reference,
            "organisation_name": award.organisation.name,
            "amount": format_pence(award.amount_pence),
            "reason": reason,
            "support_email": current_app.config["SUPPORT_EMAIL"],
        },
    )


# --- payments ------------------------------------------------------------------------------------------------


def _require_finance(actor: User, payment: Payment) -> None:
    if not permissions.can_handle_payments(actor, payment.award.round):
        raise NotAllowed("Only the call's finance officers can approve and record payments.")


def approve_payment(*, actor: User, payment: Payment, now: datetime) -> None:
    """Approve a due payment for paying. Separation of duties: the person who decided the award cannot.

    Raises NotAllowed for anyone but the call's finance officers, or for the award's decider; DomainError while the
    payment is not yet due or the award is not accepted; InvalidTransition unless scheduled or failed.
    """
    _require_finance(actor, payment)
    if permissions.decided_it(actor, payment.award):
        raise NotAllowed("You approved this award, so someone else must approve its payments (separation of duties).")
    if payment.due_at is None:
        raise DomainError("This payment is not due yet")
    if payment.award.status not in (AwardStatus.ACCEPTED, AwardStatus.ACTIVE):
        raise DomainError("Payments are made only on accepted grants")
    _move_payment(payment, PaymentStatus.APPROVED, actor=actor, action="payment.approved", data={})
    # Stamped only once the move is allowed: approving again must not overwrite who approved it and when.
    payment.approved_at = now
    payment.approved_by_id = actor.id


def record_payment_paid(*, actor: User, payment: Payment, reference: str, paid_on: date, now: datetime) -> None:
    """Record an approved payment as paid, with the bank's payment reference and the date it was paid. The first
    payment made on an accepted award makes it active; the last, once the final report's tranche is paid, completes
    it.

    Raises NotAllowed for anyone but the call's finance officers; DomainError naming the field for a missing
    reference or a date in the future or before the payment was due; InvalidTransition unless approved.
    """
    _require_finance(actor, payment)
    reference = _text(
        reference,
        field="reference",
        max_chars=PAYMENT_REFERENCE_MAX_CHARS,
        missing="Enter the payment reference",
        noun="The payment reference",
    )
    today = to_london(now).date()
    if paid_on > today:
        raise DomainError("The date paid must be today or in the past", field="paid_on")
    if payment.due_at is not None and paid_on < to_london(payment.due_at).date():
        raise DomainError(
            f"The date paid must be on or after the day the payment became due ({format_date(payment.due_at)})",
            field="paid_on",
        )
    payment.payment_reference = reference
    payment.paid_on = paid_on
    payment.recorded_at = now
    payment.recorded_by_id = actor.id
    payment.failure_reason = None
    _move_payment(
        payment,
        PaymentStatus.PAID,
        actor=actor,
        action="payment.paid",
        data={"reference": reference, "paid_on": paid_on.isoformat()},
    )
    award = payment.award
    if award.status == AwardStatus.ACCEPTED:
        award.activated_at = now
        _move_award(award, AwardStatus.ACTIVE, actor=actor, action="award.activated", data={"payment_id": payment.id})
    # A tranche waiting on the final report is paid only once that report is approved: paying the last of them
    # finishes the grant. (Without such a tranche, approving the final report finishes it: reporting.services.)
    if any(p.trigger == PaymentTrigger.FINAL_REPORT for p in award.payments):
        complete_award_if_finished(actor=actor, award=award)


def complete_award_if_finished(*, actor: User | None, award: Award) -> bool:
    """Mark an active award completed once every one of its payments is paid; returns whether it was. The caller
    knows the grantee's reporting is done (the final report approved, or the tranche waiting on it paid)."""
    if award.status != AwardStatus.ACTIVE or any(p.status != PaymentStatus.PAID for p in award.payments):
        return False
    _move_award(
        award,
        AwardStatus.COMPLETED,
        actor=actor,
        action="award.completed",
        data={"paid_pence": payments_total(award.payments, status=PaymentStatus.PAID)},
    )
    return True


def record_payment_failed(*, actor: User, payment: Payment, reason: str, now: datetime) -> None:
    """Record that an approved payment failed (returned by the bank, say), with the reason; it can be approved
    again once fixed. Raises NotAllowed, DomainError (field "reason") without a reason, InvalidTransition unless
    approved."""
    _require_finance(actor, payment)
    reason = _text(
        reason, field="reason", max_chars=REASON_MAX_CHARS, missing="Enter why the payment failed", noun="The reason"
    )
    payment.failure_reason = reason
    payment.recorded_at = now
    payment.recorded_by_id = actor.id
    _move_payment(payment, PaymentStatus.FAILED, actor=actor, action="payment.failed", data={"reason": reason})


def payments_total(payments: Sequence[Payment], *, status: PaymentStatus | None = None) -> int:
    """The sum of the payments (of one status, if given), in pence."""
    return sum(p.amount_pence for p in payments if status is None or p.status == status)


# --- bulk letters --------------------------------------------------------------------------------------------
# A batch issues the letters of every award of a call that is ready for one, as background jobs (awards.jobs): each
# award's PDF is rendered outside any transaction, then recorded and counted in one short write transaction whose
# first statement is a conditional UPDATE of the batch row (done = done + 1). That UPDATE takes the write lock
# (SQLite) or the row lock (PostgreSQL) before anything is read, so two worker processes never lose a count, never
# pass the batch's total, and the progress page reads done/failed/total straight from the row.

ACTIVE_BATCH_STATUSES = (BatchStatus.QUEUED, BatchStatus.RUNNING)
# Audit actions that say "this award has been dealt with by batch N" (a retried job must not count it twice).
BATCH_LETTER_ISSUED = "letters.batch_letter_issued"
BATCH_LETTER_FAILED = "letters.batch_letter_failed"
ZIP_MANIFEST = "manifest.csv"
MANIFEST_HEADER = ("reference", "organisation", "amount", "version", "sha256")


@dataclass(frozen=True)
class LetterPlan:
    """What a batch started now would do: the awards ready for their letter, and those waiting on due diligence."""

    ready_award_ids: tuple[int, ...]
    waiting_references: tuple[str, ...]


@dataclass(frozen=True)
class BatchProgress:
    """A batch's counts straight after one award was counted."""

    done: int
    failed: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done + self.failed >= self.total


def plan_letter_batch(round_: Round) -> LetterPlan:
    """The call's awards still on offer with no letter yet: ready when their due diligence is complete, otherwise
    waiting on it (in reference order)."""
    awards = [a for a in queries.list_round_awards(round_.id) if a.status == AwardStatus.OFFERED]
    issued = queries.latest_letters(a.id for a in awards)
    ready, waiting = [], []
    for award in awards:
        if award.id in issued:
            continue
        if outstanding_checks(award):
            waiting.append(award.reference)
        else:
            ready.append(award.id)
    return LetterPlan(ready_award_ids=tuple(ready), waiting_references=tuple(waiting))


def _enqueue_batch(batch_id: int) -> None:
    from fundapp.awards.jobs import run_letter_batch

    run_letter_batch(batch_id)


def _lock_round_for_letters(round_: Round) -> None:
    """Take the call's row lock (PostgreSQL) or the write lock (SQLite) before checking for a running batch, so two
    people pressing the button at once start one batch. (On SQLite the request began IMMEDIATE: core.database.)"""
    db.session.execute(
        sa.update(Round).where(Round.id == round_.id).values(id=Round.id).execution_options(synchronize_session=False)
    )


def start_letter_batch(*, actor: User, round_: Round, now: datetime) -> LetterBatch:
    """Start issuing the letters of every award of the call that is ready for one (on offer, due diligence complete,
    no letter yet), as a background job queued after the commit. Awards still waiting on due diligence are left out.

    Raises NotAllowed for anyone but the call's fund managers; DomainError before the outcomes are published, while
    another batch of the call is queued or running, and when no award is ready (saying how many wait on due
    diligence).
    """
    if not permissions.can_decide(actor, round_):
        raise NotAllowed("Only the call's fund managers can issue award letters.")
    if round_.outcomes_published_at is None:
        raise DomainError("Publish the call's outcomes before issuing letters")
    _lock_round_for_letters(round_)
    latest = queries.find_latest_batch(round_.id)
    if latest is not None and latest.status in ACTIVE_BATCH_STATUSES:
        raise DomainError("Letters for this call are already being made: wait for that run to finish")
    plan = plan_letter_batch(round_)
    if not plan.ready_award_ids:
        message = "No awards are ready for a letter"
        if plan.waiting_references:
            message += f": {plural(len(plan.waiting_references), 'award waits', 'awards wait')} on due diligence"
        raise DomainError(message)
    batch = LetterBatch(
        round_id=round_.id,
        status=BatchStatus.QUEUED,
        award_ids=list(plan.ready_award_ids),
        total=len(plan.ready_award_ids),
        done=0,
        failed=0,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    record_event(
        "letters.batch_started",
        actor=actor,
        subject=batch,
        data={
            "round_id": round_.id,
            "award_ids": batch.award_ids,
            "total": batch.total,
            "waiting_on_due_diligence": list(plan.waiting_references),
        },
    )
    batch_id = batch.id
    after_commit(lambda: _enqueue_batch(batch_id))
    return batch


def mark_batch_running(*, batch_id: int) -> list[int]:
    """Claim a queued batch for running (a conditional UPDATE: only one job wins). Returns its award ids, or []
    when it was already claimed."""
    result = db.session.execute(
        sa.update(LetterBatch)
        .where(LetterBatch.id == batch_id, LetterBatch.status == BatchStatus.QUEUED)
        .values(status=BatchStatus.RUNNING)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return []
    batch = db.session.get(LetterBatch, batch_id, populate_existing=True)
    return list(batch.award_ids) if batch is not None else []


def running_batch(batch_id: int) -> LetterBatch | None:
    """The batch, freshly read, if it is running (None once it is finished, or if it does not exist)."""
    batch = db.session.get(LetterBatch, batch_id, populate_existing=True)
    return batch if batch is not None and batch.status == BatchStatus.RUNNING else None


def batch_letter_settled(*, batch_id: int, award_id: int) -> bool:
    """Whether the batch has already counted this award (issued or failed): a job retried after its commit."""
    rows = db.session.scalars(
        sa.select(AuditEvent.data).where(
            AuditEvent.subject_type == Award.__name__,
            AuditEvent.subject_id == award_id,
            AuditEvent.action.in_((BATCH_LETTER_ISSUED, BATCH_LETTER_FAILED)),
        )
    )
    return any(isinstance(data, dict) and data.get("batch_id") == batch_id for data in rows)


def batch_letter_context(*, batch: LetterBatch, award: Award, now: datetime) -> letters.AwardLetter | None:
    """What the batch's letter for the award will say, checked as issue_award_letter checks it, signed by the person
    who started the batch (reads only). None when the award's letter was issued some other way since the batch
    started: it counts as done and no second version is made.

    Raises DomainError when the award changed since (withdrawn, due diligence undone …) and NotAllowed when the
    person who started the batch may no longer issue letters."""
    if award.status != AwardStatus.OFFERED:
        if find_latest_document(kind=letters.DOCUMENT_KIND, subject=award) is not None:
            return None
        raise DomainError("the offer is no longer open, so no letter was issued")
    return letter_context(actor=batch.created_by, award=award, now=now)


def _count_batch_letter(batch_id: int, *, issued: bool, problem: str = "") -> BatchProgress | None:
    """Count one award of a running batch as done or failed with one conditional UPDATE (never past its total).
    Returns the counts after, or None when the batch is not running or already complete (nothing counted)."""
    if issued:
        values: dict[str, Any] = {"done": LetterBatch.done + 1}
    else:
        values = {
            "failed": LetterBatch.failed + 1,
            "error": sa.func.coalesce(LetterBatch.error, "", type_=sa.Text) + f"{problem}\n",
        }
    row = db.session.execute(
        sa.update(LetterBatch)
        .where(
            LetterBatch.id == batch_id,
            LetterBatch.status == BatchStatus.RUNNING,
            LetterBatch.done + LetterBatch.failed < LetterBatch.total,
        )
        .values(**values)
        .returning(LetterBatch.done, LetterBatch.failed, LetterBatch.total)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    return None if row is None else BatchProgress(done=row[0], failed=row[1], total=row[2])


def record_batch_letter(
    *, batch_id: int, award_id: int, letter: letters.AwardLetter | None, pdf: bytes | None, now: datetime
) -> BatchProgress | None:
    """Count the award as done, store its rendered letter as issued by the person who started the batch (and email
    the applicant), in that order: the count comes first so it takes the write lock before anything is read.
    An award whose letter was issued some other way since is counted without a second version. Returns the counts,
    or None when the batch is no longer running (nothing is written).

    Raises as record_letter when the award changed after the letter was rendered (the caller rolls back and counts
    it as failed)."""
    progress = _count_batch_letter(batch_id, issued=True)
    if progress is None:
        return None
    batch = db.session.get(LetterBatch, batch_id, populate_existing=True)
    award = queries.get_award(award_id)
    assert batch is not None  # nosec B101  # for mypy: the row was just locked or updated, so it exists
    data: dict[str, Any] = {"batch_id": batch_id}
    if award.status == AwardStatus.OFFERED:
        if letter is None or pdf is None:
            raise DomainError("the letter was not rendered")
        document = record_letter(actor=batch.created_by, award=award, letter=letter, pdf=pdf, now=now)
    else:
        latest = find_latest_document(kind=letters.DOCUMENT_KIND, subject=award)
        if latest is None:
            raise DomainError("the offer is no longer open, so no letter was issued")
        document, data["issued_elsewhere"] = latest, True
    record_event(
        BATCH_LETTER_ISSUED,
        actor=batch.created_by,
        subject=award,
        data={**data, "version": document.version, "sha256": document.sha256},
    )
    return progress


def record_batch_failure(*, batch_id: int, award_id: int, problem: str) -> BatchProgress | None:
    """Count the award as failed, keeping why (its reference and the reason) in the batch's error text. Returns the
    counts, or None when the batch is no longer running."""
    award = db.session.get(Award, award_id)
    reference = award.reference if award is not None else f"award {award_id}"
    progress = _count_batch_letter(batch_id, issued=False, problem=f"{reference}: {problem}")
    if progress is not None and award is not None:
        record_event(BATCH_LETTER_FAILED, actor=None, subject=award, data={"batch_id": batch_id, "problem": problem})
    return progress


def letter_file_name(reference: str) -> str:
    """The name of an award's letter in a ZIP or folder of letters: <reference>.pdf, made safe as a file name."""
    return (re.sub(r"[^A-Za-z0-9_-]+", "-", reference).strip("-") or "award") + ".pdf"


def current_letters(round_id: int, award_ids: Sequence[int] | None = None) -> list[tuple[Award, StoredDocument]]:
    """The newest letter of each of the call's awards that has one (only those in award_ids, if given), in
    reference order."""
    wanted = set(award_ids) if award_ids is not None else None
    awards = [a for a in queries.list_round_awards(round_id) if wanted is None or a.id in wanted]
    documents = queries.latest_letters(a.id for a in awards)
    return [(award, documents[award.id]) for award in awards if award.id in documents]


def letter_manifest(letters_: Sequence[tuple[Award, StoredDocument]]) -> bytes:
    """manifest.csv for a set of letters: reference, organisation, amount, letter version and SHA-256."""
    rows = [
        (
            award.reference,
            award.organisation.name,
            format_pence(award.amount_pence, show_pence=True),
            document.version,
            document.sha256,
        )
        for award, document in letters_
    ]
    return csv_bytes(MANIFEST_HEADER, rows)


def letter_zip(batch: LetterBatch, *, now: datetime) -> bytes:
    """A ZIP (deflated) of the newest letter of every award in the batch, named <reference>.pdf, with a
    manifest.csv (letter_manifest)."""
    chosen = current_letters(batch.round_id, batch.award_ids)
    stamp = to_london(now).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [
            *((letter_file_name(award.reference), storage.read(document.storage_key)) for award, document in chosen),
            (ZIP_MANIFEST, letter_manifest(chosen)),
        ]:
            archive.writestr(zipfile.ZipInfo(name, stamp), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def finish_letter_batch(*, batch_id: int, now: datetime) -> LetterBatch | None:
    """Close a batch once every award is counted: claim it with a conditional UPDATE (running → done, or failed when
    no letter was issued; only one caller wins), store the ZIP of its letters and record when it finished.
    Returns the batch, or None when it is not complete or another job already finished it."""
    status_type = LetterBatch.__table__.c.status.type
    result = db.session.execute(
        sa.update(LetterBatch)
        .where(
            LetterBatch.id == batch_id,
            LetterBatch.status == BatchStatus.RUNNING,
            LetterBatch.done + LetterBatch.failed >= LetterBatch.total,
        )
        .values(
            status=sa.case(
                (LetterBatch.done > 0, sa.literal(BatchStatus.DONE, status_type)),
                else_=sa.literal(BatchStatus.FAILED, status_type),
            ),
            finished_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    batch = db.session.get(LetterBatch, batch_id, populate_existing=True)
    assert batch is not None  # nosec B101  # for mypy: the row was just locked or updated, so it exists
    if batch.done:
        data = letter_zip(batch, now=now)
        key = storage.save(data)
        after_rollback(lambda: storage.delete(key))
        batch.zip_storage_key = key
        batch.zip_size_bytes = len(data)
        db.session.flush()
    record_event(
        "letters.batch_finished",
        actor=None,
        subject=batch,
        data={"status": batch.status.value, "done": batch.done, "failed": batch.failed, "total": batch.total},
    )
    return batch
