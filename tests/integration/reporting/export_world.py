"""A call with awards in several states, fixed names, numbers and dates, for the award register's golden files and
export tests: themes and boroughs answered on the form, payments paid with references, and one of each dangerous
spreadsheet start in what applicants typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from fundapp.accounts.states import LegalType, StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.awards.models import Award
from fundapp.awards.states import AwardStatus, PaymentStatus
from fundapp.extensions import db
from fundapp.programmes.models import Fund, Round
from fundapp.programmes.states import QuestionType, RoundStatus
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    AwardFactory,
    DecisionFactory,
    FundFactory,
    OrganisationFactory,
    QuestionFactory,
    QuestionSetFactory,
    RoundFactory,
    SectionFactory,
    ThemeFactory,
    TierFactory,
    staff_user,
)

# Every value that would start a formula in a spreadsheet, as an applicant might type it.
DANGEROUS = ('=HYPERLINK("http://x")', "+SUM(1,2)", "-2+3", "@cmd", "\tTabbed", "\rReturned")


@dataclass
class World:
    fund: Fund
    round: Round
    awards: list[Award]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)


def register_call(*, code: str = "EXP-1", fund_code: str = "EXPF", decided: date = date(2026, 3, 10)) -> World:
    """A closed call of its own fund with three awards: active (first payment paid), accepted (nothing paid yet)
    and declined; themes, boroughs and summaries on their applications."""
    fund = FundFactory(code=fund_code, name=f"Export Fund {fund_code}")
    round_ = RoundFactory(fund=fund, code=code, name=f"Export call {code}", status=RoundStatus.CLOSED)
    TierFactory(round=round_, name="Small grants", min_pence=100_000, max_pence=1_000_000)
    TierFactory(round=round_, name="Large grants", min_pence=1_000_001, max_pence=5_000_000)
    themes = [ThemeFactory(round=round_, name=name, position=n) for n, name in enumerate(["Youth", "Cohesion"])]
    section = SectionFactory(question_set=QuestionSetFactory(round=round_), key="about")
    QuestionFactory(section=section, key="themes", type=QuestionType.THEMES)
    QuestionFactory(section=section, key="boroughs", type=QuestionType.BOROUGHS)
    organisations = [
        OrganisationFactory(name="Bow Youth Trust", legal_type=LegalType.CIO, charity_number="1123456"),
        OrganisationFactory(
            name="Camden Kitchen CIC", legal_type=LegalType.CIC, charity_number=None, company_number="01234567"
        ),
        OrganisationFactory(name="Deptford Arts", legal_type=LegalType.CHARITABLE_COMPANY, charity_number="1090001"),
    ]
    plans = [
        # organisation, title, applied, awarded, status, themes, boroughs
        (organisations[0], "Bow after school club", 1_250_050, 1_200_000, AwardStatus.ACTIVE, [0, 1], ["E09000030"]),
        (organisations[1], "Cooking together", 800_000, 800_000, AwardStatus.ACCEPTED, [1], ["E09000007", "E09000033"]),
        (organisations[2], "Deptford murals", 2_000_000, 1_500_000, AwardStatus.DECLINED, [], []),
    ]
    awards = []
    for organisation, title, applied, awarded, status, theme_positions, boroughs in plans:
        application = ApplicationFactory(
            round=round_,
            organisation=organisation,
            eligible=True,
            status=ApplicationStatus.APPROVED,
            project_title=title,
            amount_requested_pence=applied,
        )
        theme_ids = [str(themes[p].id) for p in theme_positions]
        AnswerFactory(application=application, question_key="themes", raw=theme_ids, value=theme_ids)
        AnswerFactory(application=application, question_key="boroughs", raw=boroughs, value=boroughs)
        summary = f"{title}: weekly sessions for young Londoners."
        AnswerFactory(application=application, question_key="project_summary", raw=summary, value=summary)
        DecisionFactory(application=application, round_id=round_.id, decided_at=_at(decided))
        award = AwardFactory(
            application=application,
            amount_pence=awarded,
            status=status,
            project_start=date(2026, 4, 1),
            project_end=date(2027, 3, 31),
        )
        awards.append(award)
    first = awards[0].payments[0]
    first.status, first.due_at, first.paid_on, first.payment_reference = (
        PaymentStatus.PAID,
        _at(date(2026, 4, 1)),
        date(2026, 4, 3),
        "BACS-0001",
    )
    awards[1].payments[0].status, awards[1].payments[0].due_at = PaymentStatus.APPROVED, _at(date(2026, 4, 2))
    db.session.flush()
    return World(fund=fund, round=round_, awards=awards)


def dangerous_call() -> World:
    """A call whose awards' organisation names and project titles each start with one of the dangerous characters
    (and whose first theme and a payment reference do too)."""
    world = register_call(code="EXP-BAD", fund_code="EXPB")
    for award, (name, title) in zip(world.awards, zip(DANGEROUS[0::2], DANGEROUS[1::2], strict=True), strict=True):
        award.organisation.name = name
        award.application.project_title = title
    world.round.themes[0].name = "=cmd|' /C calc'!A0"
    world.awards[0].payments[0].payment_reference = "=1+1"
    db.session.flush()
    return world


def finance_for(world: World):  # type: ignore[no-untyped-def]
    """A finance officer of the world's fund."""
    return staff_user(StaffRole.FINANCE_OFFICER, fund_id=world.fund.id)
