"""Demo decisions and awards for the earlier call, SEF-5, through the real services.

After assessment (assessment/demo.py) the panel finishes moderating, funds the bids above the funding line (the
last at a reduced amount with a condition), puts the next on the reserve list and rejects the rest with feedback,
then publishes the outcomes. Finance completes due diligence and the fund manager issues four offer letters; the
four organisations accept (their monitoring reports are scheduled then, see reporting/demo.py) and finance pays
their first tranche. The conditional award is still waiting on two checks: once they are done it is ready for its
letter (`flask letters build --round SEF-5`, or "Letters" on the call's page). The £10,000 left in the budget is
less than the reserve-list bid asked for, so the reserve stays on the list for a fund manager to decide.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from fundapp.accounts import queries as account_queries
from fundapp.accounts.models import User
from fundapp.accounts.states import MemberRole
from fundapp.assessment import queries as assessment_queries
from fundapp.assessment import services as assessment_services
from fundapp.assessment.ranking import build_ranking
from fundapp.assessment.states import ModerationStatus
from fundapp.awards import queries, services
from fundapp.awards.models import Award, Payment
from fundapp.awards.states import DueDiligenceItem, PaymentStatus, Register
from fundapp.core.clock import london_to_utc, london_today, to_london, utcnow
from fundapp.core.errors import DomainError
from fundapp.programmes import queries as programme_queries
from fundapp.programmes.demo import PREVIOUS_CALL
from fundapp.programmes.models import Round
from fundapp.programmes.states import RoundStatus

FUND_MANAGER = "fund.manager@example.org"
FINANCE_OFFICER = "finance@example.org"
REDUCED_BY_PENCE = 250_000  # the last bid above the line is funded £2,500 short of what it asked for
CONDITION = (
    "Before the first payment, send us your updated safeguarding policy, adopted by your trustees, covering the "
    "online sessions described in your application."
)
REJECTION_FEEDBACK = (
    "Thank you for your application. The panel valued your knowledge of the young people you work with, but the "
    "bid scored below the funding line: the outcomes were not specific enough to measure, and the budget did not "
    "show how the sessions would continue after the grant. We would welcome an application to a future call."
)
RESERVE_FEEDBACK = "Your bid scored just below the funding line. If money becomes available, we will contact you."


def demo_person(email: str) -> User:
    """The demo person with this email. Raises DomainError if the programmes demo has not created them."""
    user = account_queries.find_user_by_email(email)
    if user is None:
        raise DomainError(f"The demo needs {email}: load the programmes demo first")
    return user


def organisation_owner(award: Award) -> User:
    """An owner of the award's organisation (who accepts the grant and reports on it)."""
    for membership in award.organisation.memberships:
        if membership.role == MemberRole.OWNER:
            return membership.user
    raise DomainError(f"The demo expected {award.organisation.name} to have an owner")


def _finish_moderation(round_id: int, manager: User) -> None:
    for moderation in assessment_queries.list_round_moderations(round_id):
        if moderation.status == ModerationStatus.FLAGGED:
            assessment_services.resolve_moderation(
                actor=manager,
                moderation=moderation,
                entries={},
                note="Panel discussion: the assessors' mean stands; the spread came from reading the budget "
                "differently, and both readings were reasonable.",
            )


def _decision_time(round_: Round) -> datetime:
    """When the panel decided: three weeks before the earliest project start (so award dates come before the
    projects they fund, as in the 360Giving export), and never later than yesterday."""
    start = round_.project_earliest_start or london_today()
    return min(london_to_utc(start - timedelta(days=21), time(10, 0)), utcnow() - timedelta(days=1))


def _decide(round_id: int, manager: User, now: datetime) -> list[Award]:
    round_ = programme_queries.get_round(round_id)
    ranking = build_ranking(round_)
    applications = {a.id: a for a in assessment_queries.list_ranking_applications(round_id)}
    awards = []
    below = [row for row in ranking.rows if not row.above_line]
    above = [row for row in ranking.rows if row.above_line]
    for position, row in enumerate(above):
        last = position == len(above) - 1
        awards.append(
            services.approve_application(
                actor=manager,
                application=applications[row.application_id],
                amount_pence=row.requested_pence - (REDUCED_BY_PENCE if last else 0),
                conditions=CONDITION if last else "",
                reason="Above the funding line" + ("; the panel funded the core sessions only" if last else ""),
                now=now,
            )
        )
    for position, row in enumerate(below):
        application = applications[row.application_id]
        if position == 0:
            services.reserve_application(
                actor=manager, application=application, feedback=RESERVE_FEEDBACK, reason="Next in line", now=now
            )
        else:
            services.reject_application(
                actor=manager, application=application, feedback=REJECTION_FEEDBACK, reason="Below the line", now=now
            )
    services.publish_outcomes(actor=manager, round_=round_, now=now)
    return awards


def _check_everything(
    award: Award, finance: User, now: datetime, *, leave: frozenset[DueDiligenceItem] = frozenset()
) -> None:
    for item in services.checklist_items(award):
        if item in leave:
            continue
        registration = item == DueDiligenceItem.REGISTRATION
        services.complete_check(
            actor=finance,
            award=award,
            item=item,
            note="Demo: checked against the original documents" if not registration else "Name and status match",
            register=Register.CHARITY_COMMISSION.value if registration else None,
            registration_number=(award.organisation.charity_number or "1123456") if registration else None,
            now=now,
        )


def _accept_and_pay(award: Award, finance: User, now: datetime) -> None:
    owner = organisation_owner(award)
    latest = queries.list_letters(award.id)[0]
    services.accept_award(
        actor=owner,
        award=award,
        name=owner.full_name,
        position="Chair of trustees",
        confirmed=True,
        letter_version=latest.version,
        ip_address="127.0.0.1",
        now=now,
    )
    pay(award.payments[0], finance, now=now + timedelta(days=4))


def pay(payment: Payment, finance: User, *, now: datetime | None = None) -> None:
    """Finance approves a due payment and records it paid that day (today unless `now` says otherwise), with a bank
    reference naming the award."""
    now = now or utcnow()
    services.approve_payment(actor=finance, payment=payment, now=now)
    services.record_payment_paid(
        actor=finance,
        payment=payment,
        reference=f"BACS-{payment.award.reference}-{payment.position}",
        paid_on=to_london(now).date(),
        now=now + timedelta(seconds=1),
    )


def load_demo_awards() -> list[str]:
    """Decide SEF-5 and take its awards through letters, acceptance and first payments; returns what was created,
    or nothing when the call already has decisions (or was never assessed)."""
    round_ = programme_queries.find_round_by_code(PREVIOUS_CALL)
    if round_ is None or round_.status != RoundStatus.ASSESSING or queries.list_round_decisions(round_.id):
        return []
    manager, finance = demo_person(FUND_MANAGER), demo_person(FINANCE_OFFICER)
    _finish_moderation(round_.id, manager)
    decided = _decision_time(round_)
    awards = _decide(round_.id, manager, decided)
    if len(awards) < 5:
        raise DomainError("The demo expected at least five bids above SEF-5's funding line")
    *accepting, conditional = awards
    _check_everything(
        conditional,
        finance,
        decided + timedelta(days=3),
        leave=frozenset({DueDiligenceItem.CONDITIONS, DueDiligenceItem.GOVERNING_DOCUMENT}),
    )
    for award in accepting:
        _check_everything(award, finance, decided + timedelta(days=3))
        services.issue_award_letter(actor=manager, award=award, now=decided + timedelta(days=7))
        _accept_and_pay(award, finance, decided + timedelta(days=14))
    paid = sum(1 for award in awards for p in award.payments if p.status == PaymentStatus.PAID)
    return [
        *(f"award: {award.reference}" for award in awards),
        *(f"letter: {award.reference}" for award in accepting),
        *(["payment: first tranche"] * paid),
    ]
