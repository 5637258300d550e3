"""The demo's earlier call, SEF-5, assessed and moderated through the same services assessors and fund managers use.

What a newcomer finds: the call's assessment settings (two assessors per bid, flags at 2 points or 15 percentage
points, 55% to be fundable), a standing connection that kept one assessor away from one organisation, a conflict
declared on one bid and passed to the third assessor, twenty submitted scorecards that mostly agree within a point,
and moderation under way: the unflagged bids confirmed, one flagged bid (a 3-point disagreement) moderated with a
reason, and one flagged bid (a criterion scored at the bottom of the scale) left for the newcomer to moderate. The
funding line falls in the middle of the ranking (see programmes.demo.PREVIOUS_BUDGET_PENCE).

Idempotent: once the call has any assessment, nothing here runs again. Everything happens in one unit of work, so
there is no half-assessed state to resume.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from fundapp.accounts import queries as account_queries
from fundapp.accounts.models import User
from fundapp.applications.models import Application
from fundapp.assessment import queries, services
from fundapp.assessment.models import Assessment
from fundapp.assessment.states import ACTIVE, ConnectionKind, ModerationStatus, Recommendation
from fundapp.core.errors import DomainError
from fundapp.programmes import queries as programme_queries
from fundapp.programmes import services as programme_services
from fundapp.programmes.demo import CRITERIA, PREVIOUS_CALL
from fundapp.programmes.models import Round

FUND_MANAGER = "fund.manager@example.org"
ASSESSORS = ("assessor.one@example.org", "assessor.two@example.org", "assessor.three@example.org")

DEADLINE_AFTER_CLOSING = timedelta(days=14)


@dataclass(frozen=True)
class Declaration:
    """An assessor's connection with an organisation: standing (declared before assignment) or on one bid."""

    assessor: str  # email
    organisation: str
    kind: ConnectionKind
    reason: str


# Declared before auto-assign, so auto-assign never gives this assessor the club's bids (in SEF-6 too).
CONNECTION = Declaration(
    "assessor.two@example.org",
    "Newham Boxing and Mentoring Club",
    ConnectionKind.VOLUNTEER,
    "I volunteer as a coach at the club's Saturday sessions in Canning Town.",
)
# Declared on one assigned bid only (not standing): auto-assign then gives the bid to the third assessor.
CONFLICT = Declaration(
    "assessor.one@example.org",
    "Southall Community Alliance",
    ConnectionKind.OTHER,
    "I sit on the Ealing interfaith forum's steering group with the project's lead, and I commented on an early "
    "draft of this bid.",
)


@dataclass(frozen=True)
class DemoScorecard:
    """One assessor's scorecard: (score, justification) per criterion, in the order of programmes.demo.CRITERIA."""

    marks: tuple[tuple[int, str], tuple[int, str], tuple[int, str], tuple[int, str], tuple[int, str]]
    recommendation: Recommendation
    comment: str


FUND, CONDITIONS, DO_NOT_FUND = Recommendation.FUND, Recommendation.FUND_WITH_CONDITIONS, Recommendation.DO_NOT_FUND

# Two scorecards per organisation's bid, given to its assessors in the order they were assigned. Criteria:
# need (25%), design (25%), outcomes (20%), capacity and safeguarding (15%), value for money (15%), each 1 to 5.
# Assessors agree within a point everywhere except Croydon (5 and 2 on outcomes: flagged, then moderated) and
# Wembley (a 1 on safeguarding, the bottom of the scale: flagged and left for the newcomer). The means rank
# Enfield 85.5%, Lewisham 81%, Southall 76%, Croydon 72% once moderated, Newham 70.5% (the budget runs out here),
# Peckham 66.5%, Hackney 63%, Kingston 58%, then Wembley 53% and Islington 47% below the 55% minimum.
SCORECARDS: dict[str, tuple[DemoScorecard, DemoScorecard]] = {
    "Lewisham Young Voices": (
        DemoScorecard(
            (
                (
                    4,
                    "A local survey of 180 young people and school reports make the need clear; borough data would "
                    "strengthen it.",
                ),
                (
                    4,
                    "Weekly workshops leading to peer-led assemblies is a sensible progression; four of the six "
                    "schools have agreed.",
                ),
                (
                    4,
                    "Clear outcomes on confidence to respond to online hate; sound pre and post survey, but no "
                    "follow-up after the assemblies.",
                ),
                (4, "Experienced youth work team with a named safeguarding lead; the policy covers online safety."),
                (4, "About £40 per young person reached; staff costs are reasonable for two days a week."),
            ),
            FUND,
            "A well-evidenced, realistic project from an organisation with a good track record.",
        ),
        DemoScorecard(
            (
                (
                    5,
                    "Strong, local and recent evidence: the 41% figure from their own survey is backed by school "
                    "incident logs.",
                ),
                (4, "The peer mentor model is credible, though the timetable for school assemblies is tight."),
                (4, "Specific, measurable outcomes; I would like to see how the peer mentors' own change is tracked."),
                (4, "Sound governance for a CIO of this size, with DBS checks and a safeguarding lead."),
                (3, "Reasonable overall, but the evaluation line looks high for a £24,000 project."),
            ),
            FUND,
            "Recommend funding. Ask them to confirm the remaining two schools before the grant starts.",
        ),
    ),
    "Southall Community Alliance": (
        DemoScorecard(
            (
                (
                    4,
                    "Last summer's disorder and its aftermath are well described; the evidence comes mostly from "
                    "faith leaders rather than young people.",
                ),
                (
                    4,
                    "Visits to each other's places of worship and a youth-led summer programme are well thought "
                    "through, with named partners.",
                ),
                (4, "Clear outcomes on trust between groups; the university evaluation adds rigour."),
                (3, "A capable organisation, but the co-ordinator is not yet recruited and summer cover is unclear."),
                (4, "£45,000 for 40 trained young leaders and 800 residents reached is fair value."),
            ),
            CONDITIONS,
            "Fund, on condition that the co-ordinator is in post before the leadership programme starts.",
        ),
        DemoScorecard(
            (
                (4, "Clear and urgent after last summer; a short survey of young people would have strengthened it."),
                (3, "The leadership training is strong, but the summer events are described only in outline."),
                (4, "Measurable outcomes and a credible evaluation partner."),
                (4, "A long-established charity with good safeguarding arrangements for mixed-age events."),
                (4, "In line with similar projects; venue costs are kept low by using partners' halls."),
            ),
            FUND,
            "A valuable project at the right time for Southall.",
        ),
    ),
    "Croydon Digital Futures CIC": (
        DemoScorecard(
            (
                (
                    4,
                    "Good use of the partnership's referral data; the choice of youth clubs could be explained better.",
                ),
                (3, "A well-designed ten-week course, but recruitment through pupil referral units is not yet agreed."),
                (
                    5,
                    "Excellent: a validated media-literacy scale before and after, and a count of the reports "
                    "participants make.",
                ),
                (4, "A small CIC with experienced staff and a clear safeguarding policy for online work."),
                (3, "Laptops and licences are a large share of the budget for a ten-week course."),
            ),
            CONDITIONS,
            "Fund with conditions: confirm the pupil referral unit partners and review the equipment costs.",
        ),
        DemoScorecard(
            (
                (4, "Well evidenced from local referral data."),
                (4, "A clear, realistic course; the youth-made campaign reaches beyond the group."),
                (
                    2,
                    "The outcomes rest on self-reported confidence straight after the course; nothing shows whether "
                    "behaviour changes.",
                ),
                (4, "A capable team; online safeguarding is well covered."),
                (4, "A reasonable cost per participant, and the equipment will be reused for later groups."),
            ),
            CONDITIONS,
            "Fund with conditions: add a follow-up survey three months after the course.",
        ),
    ),
    "Hackney Mothers' Circle": (
        DemoScorecard(
            (
                (3, "Described through members' experience, with little local data."),
                (
                    3,
                    "Sessions in four languages with a creche remove real barriers, but the content of each session "
                    "is not set out.",
                ),
                (3, "Sensible but modest outcomes, measured only through a short feedback form."),
                (3, "A volunteer-run group with no paid staff; the facilitator is experienced but cover is thin."),
                (4, "Very good value at £80 per mother reached, with volunteers' time on top."),
            ),
            CONDITIONS,
            "Small and well targeted. Fund with conditions: a session plan and a named second facilitator.",
        ),
        DemoScorecard(
            (
                (3, "A real, under-served need, but the evidence is anecdotal."),
                (3, "Practical and accessible; the session topics need more detail."),
                (3, "The outcomes could say more about what mothers will do differently."),
                (4, "Good safeguarding for the creche and a clear route for disclosures."),
                (3, "Fair value; the creche line is essential."),
            ),
            CONDITIONS,
            "Worth funding if the budget allows; ask for a fuller session plan.",
        ),
    ),
    "Newham Boxing and Mentoring Club": (
        DemoScorecard(
            (
                (4, "Referrals from schools and the youth offending service show a clear, local need."),
                (
                    3,
                    "Boxing with mentoring is a proven model, but the workshops on online influences are not "
                    "described.",
                ),
                (3, "Clear outcomes on behaviour, measured through mentors' notes rather than a consistent tool."),
                (4, "A well-run club with strong safeguarding, including for one-to-one mentoring."),
                (3, "Fair, though mentors' fees are high compared with similar projects."),
            ),
            CONDITIONS,
            "Fund with conditions: a clear plan for the online influences workshops.",
        ),
        DemoScorecard(
            (
                (4, "Good evidence of need from partners' referrals."),
                (4, "Well planned: referral routes, session times and mentoring ratios are all set out."),
                (3, "Reasonable outcomes; the tools to measure them need more thought."),
                (4, "An experienced club, with DBS checks for every mentor."),
                (3, "Acceptable value for intensive one-to-one work."),
            ),
            FUND,
            "A strong project for young people other services struggle to reach.",
        ),
    ),
    "Peckham Arts Collective CIC": (
        DemoScorecard(
            (
                (3, "Made mostly from the group's experience; the link to current hate incidents in Peckham is thin."),
                (4, "A well-designed creative process with clear roles for young and older participants."),
                (3, "Clear outcomes for participants, less so for audiences."),
                (3, "Capable artists, but safeguarding for work across generations is not described."),
                (3, "Reasonable, though running costs are a little high."),
            ),
            CONDITIONS,
            "An engaging project. Fund with conditions: a safeguarding plan for mixed-age sessions.",
        ),
        DemoScorecard(
            (
                (3, "More local data on hate incidents would help."),
                (4, "Three performances and a film for schools extend the project's reach well."),
                (3, "Participant outcomes are fine; change in audiences is not measured."),
                (3, "A young CIC with a good record of arts projects but little on safeguarding."),
                (4, "Good value given the film's reach into schools."),
            ),
            CONDITIONS,
            "Fund with conditions, if the budget allows.",
        ),
    ),
    "Wembley Somali Youth Association": (
        DemoScorecard(
            (
                (3, "The gap in youth workers' confidence is real, but the evidence is a handful of conversations."),
                (3, "A sensible course outline; the accrediting body is not named."),
                (3, "Clear outcomes for the workers trained, little about the young people they work with."),
                (2, "The safeguarding policy is generic and the training lead has not been recruited."),
                (3, "Training costs are in line with other accredited courses."),
            ),
            CONDITIONS,
            "Potentially valuable, but only with a stronger safeguarding policy and a named training lead.",
        ),
        DemoScorecard(
            (
                (3, "Some evidence of need from local youth workers."),
                (2, "The plan depends on a training lead not yet recruited and an accreditation not yet confirmed."),
                (3, "Reasonable outcomes for the workers trained."),
                (
                    1,
                    "The uploaded policy is a two-paragraph template that names no lead and says nothing about online "
                    "safety: not enough for a project with young people at risk.",
                ),
                (3, "Reasonable costs for a six-month accredited course."),
            ),
            DO_NOT_FUND,
            "Not in this form: the safeguarding arrangements are not adequate. Encourage them to reapply.",
        ),
    ),
    "Enfield Safer Schools Partnership": (
        DemoScorecard(
            (
                (
                    5,
                    "Compelling local evidence: 140 recorded hate incidents and a staff survey showing low confidence.",
                ),
                (4, "Planned across all 22 schools with the council's Prevent team; an ambitious timetable."),
                (4, "Clear outcomes for staff confidence and referrals, with an independent evaluation."),
                (5, "An established partnership with strong governance and experience of training at this scale."),
                (4, "Good value at £250 per member of staff trained; the match funding is confirmed."),
            ),
            FUND,
            "An excellent bid that will reach every secondary school in the borough.",
        ),
        DemoScorecard(
            (
                (4, "Strong evidence, though mostly about staff rather than pupils."),
                (4, "A good plan; the termly network will help the training last."),
                (4, "Measurable outcomes and an independent evaluation."),
                (5, "A strong organisation with a very good safeguarding record."),
                (4, "Good value, and the council's match funding shows local commitment."),
            ),
            FUND,
            "Fund.",
        ),
    ),
    "Kingston Refugee Welcome": (
        DemoScorecard(
            (
                (3, "The leafleting is a clear trigger, but there is little other evidence."),
                (3, "Shared meals bring people together; how long-standing residents will be recruited is not said."),
                (3, "Sensible but general outcomes."),
                (3, "A small volunteer-led society; adequate arrangements for the activities planned."),
                (3, "Food is most of the cost, which suits the activity."),
            ),
            CONDITIONS,
            "A warm, practical project. Fund with conditions: a plan to reach long-standing residents.",
        ),
        DemoScorecard(
            (
                (3, "Plausible, but the evidence is thin."),
                (3, "Simple and realistic."),
                (2, "No outcomes beyond numbers attending, and no measure of changed attitudes."),
                (3, "Adequate for a community project of this size."),
                (3, "Fair value."),
            ),
            CONDITIONS,
            "Fund only with a clearer plan for measuring change.",
        ),
    ),
    "Islington Football for Unity": (
        DemoScorecard(
            (
                (2, "Postcode rivalry is described, but the link to hate and extremism is not made."),
                (3, "A well-organised league with experienced coaches."),
                (2, "Outcomes are about attendance and fitness rather than attitudes to others."),
                (3, "Good safeguarding for sport, and a record of running leagues."),
                (2, "Pitch hire and kit take most of the budget for little change in attitudes."),
            ),
            DO_NOT_FUND,
            "A good sports project, but not one for this fund.",
        ),
        DemoScorecard(
            (
                (2, "Rivalry between estates is outside the fund's focus."),
                (2, "The league is well run, but nothing in it addresses prejudice directly."),
                (2, "No outcomes about hate, intolerance or extremism."),
                (3, "A sound organisation with proper safeguarding."),
                (3, "Fair costs for a 30-week league."),
            ),
            DO_NOT_FUND,
            "Does not meet the fund's aims; sports funders would be a better fit.",
        ),
    ),
}


@dataclass(frozen=True)
class DemoModeration:
    organisation: str
    criterion: str
    score: int
    reason: str
    note: str


# The flagged bid a fund manager has already moderated (Wembley's stays flagged for the newcomer).
MODERATION = DemoModeration(
    "Croydon Digital Futures CIC",
    "Outcomes and measurement",
    3,
    "One assessor credited the validated scale, the other saw only self-report straight after the course. The plan "
    "does use a validated scale but has no follow-up, which is Satisfactory.",
    "Agreed at the moderation meeting: outcomes set at 3. A survey three months after the course will be a condition "
    "of any grant.",
)


def _person(email: str) -> User:
    user = account_queries.find_user_by_email(email)
    if user is None:
        raise DomainError(f"The demo assessment needs {email}: load the demo people first")
    return user


def submit_scorecard(actor: User, assessment: Assessment, card: DemoScorecard, criteria: dict[str, int]) -> None:
    """The assessor confirms no conflict and submits this card (criteria: the call's criterion ids by name).
    Raises DomainError if the scorecard is refused."""
    entries = {
        criteria[spec.name]: services.ScoreEntry(str(score), justification)
        for spec, (score, justification) in zip(CRITERIA, card.marks, strict=True)
    }
    services.confirm_no_conflict(actor=actor, assessment=assessment)
    result = services.save_scorecard(
        actor=actor,
        assessment=assessment,
        entries=entries,
        recommendation=card.recommendation.value,
        comment=card.comment,
        version=assessment.version,
        submit=True,
    )
    if not result.submitted:
        raise DomainError(f"A demo scorecard was refused: {result.errors}")


def _assign(round_: Round, by_name: dict[str, Application], manager: User) -> list[str]:
    """The standing connection (declared first), auto-assign, the conflict on one bid, auto-assign again."""
    connected = _person(CONNECTION.assessor)
    organisation = by_name[CONNECTION.organisation].organisation
    services.declare_connection(
        actor=connected, organisation=organisation, kind=CONNECTION.kind.value, details=CONNECTION.reason
    )
    services.auto_assign(actor=manager, round_=round_)
    bid = by_name[CONFLICT.organisation]
    assigned = [a for a in queries.list_application_assessments(bid.id) if a.status in ACTIVE]
    # The named assessor declares it if auto-assign gave it to them; otherwise whoever has it first.
    assessment = next((a for a in assigned if a.assessor.email == CONFLICT.assessor), assigned[0])
    services.declare_conflict(
        actor=assessment.assessor,
        assessment=assessment,
        kind=CONFLICT.kind.value,
        reason=CONFLICT.reason,
        standing=False,
    )
    services.auto_assign(actor=manager, round_=round_)
    return [
        f"standing connection: {connected.full_name} with {organisation.name}",
        f"conflict of interest: {assessment.assessor.full_name} on {bid.reference}",
    ]


def demo_settings(round_: Round) -> programme_services.AssessmentSettings:
    """How the demo's calls are assessed: two assessors per bid, flags at 2 points or 15 percentage points, 55% to
    be fundable, scorecards due two weeks after the call closes."""
    return programme_services.AssessmentSettings(
        assessors_per_application=2,
        spread_points=2,
        spread_percent=15,
        min_fundable_percent=55,
        blind_review=False,
        allow_not_applicable=False,
        assessment_deadline=round_.closes_at + DEADLINE_AFTER_CLOSING,
    )


def score_bids(
    round_: Round, by_name: dict[str, Application], scorecards: Mapping[str, Sequence[DemoScorecard]]
) -> list[str]:
    """Each named organisation's bid scored by its active assessors, in the order they were assigned, one card each;
    returns the scorecards submitted. Raises DomainError if one is refused."""
    criteria = {c.name: c.id for c in round_.criteria}
    created = []
    for name, cards in scorecards.items():
        application = by_name[name]
        active = [a for a in queries.list_application_assessments(application.id) if a.status in ACTIVE]
        for assessment, card in zip(active, cards, strict=True):
            submit_scorecard(assessment.assessor, assessment, card, criteria)
            created.append(f"scorecard: {application.reference} by {assessment.assessor.full_name}")
    return created


def load_demo_assessment() -> list[str]:
    """Assess and moderate the demo's earlier call (see the module); returns what was created, or nothing when the
    call already has assessments or has none of the demo bids (a database loaded before they existed)."""
    round_ = programme_queries.find_round_by_code(PREVIOUS_CALL)
    if round_ is None or queries.list_round_assessments(round_.id):
        return []
    by_name = {a.organisation.name: a for a in queries.list_assignable_applications(round_.id)}
    if not set(SCORECARDS) <= by_name.keys():
        return []
    manager = _person(FUND_MANAGER)
    for email in ASSESSORS:  # auto-assign spreads the bids over whoever is in the pool: make sure all three are
        _person(email)
    programme_services.update_assessment_settings(actor=manager, round_=round_, settings=demo_settings(round_))
    created = _assign(round_, by_name, manager)
    created += score_bids(round_, by_name, SCORECARDS)
    criteria = {c.name: c.id for c in round_.criteria}
    services.start_moderation(actor=manager, round_=round_)
    services.confirm_unflagged(actor=manager, round_=round_)
    moderation = queries.find_moderation(by_name[MODERATION.organisation].id)
    if moderation is None or moderation.status != ModerationStatus.FLAGGED:
        raise DomainError(f"The demo expected {MODERATION.organisation}'s bid to be flagged")
    services.resolve_moderation(
        actor=manager,
        moderation=moderation,
        entries={criteria[MODERATION.criterion]: services.ModeratedEntry(str(MODERATION.score), MODERATION.reason)},
        note=MODERATION.note,
    )
    created += [
        f"moderated application: {m.application.reference}"
        for m in queries.list_round_moderations(round_.id)
        if m.status == ModerationStatus.RESOLVED
    ]
    return created
