"""Steps that move a copy of the demo later in the lifecycle before a journey starts, through the app's services.

Run as `python -m tests.e2e.arrange <step>` against a copied instance folder (the `server` fixture does this when a
test module sets `ARRANGE = "<step>"`; the environment points the app at the copy). Each step works as the people
who would do it (the fund manager, the assessors), exactly as the demo does for SEF-5 (fundapp/assessment/demo.py),
and everything is committed once at the end: a step that fails leaves the copy as it was.

Steps:
- sef6_moderated: SEF-6 closed, assessed (two scorecards per eligible bid) and moderated, ready to decide. The means
  rank Lewisham (SEF-6-0003) 82.5%, Poplar (0001) 74%, Newham (0004) 65.5%, then Kingston (0005) 52%, below the 55%
  minimum; the £875,000 budget covers every bid above the minimum, so the funding line is under Newham.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from fundapp import create_app
from fundapp.assessment import queries as assessment_queries
from fundapp.assessment import services as assessment_services
from fundapp.assessment.demo import FUND_MANAGER, DemoScorecard, demo_settings, score_bids
from fundapp.assessment.states import ModerationStatus, Recommendation
from fundapp.awards.demo import demo_person
from fundapp.core.errors import DomainError
from fundapp.core.transactions import commit_unit_of_work
from fundapp.programmes import queries as programme_queries
from fundapp.programmes import services as programme_services
from fundapp.programmes.demo import CURRENT_CALL

FUND, CONDITIONS, DO_NOT_FUND = Recommendation.FUND, Recommendation.FUND_WITH_CONDITIONS, Recommendation.DO_NOT_FUND

# Criteria in the order of programmes.demo.CRITERIA: need 25%, design 25%, outcomes 20%, capacity 15%, value 15%.
# The two assessors of a bid agree within a point on every criterion and nobody scores the bottom of the scale, so
# no bid is flagged: confirming the assessors' means moderates them all.
SEF6_SCORECARDS: dict[str, tuple[DemoScorecard, DemoScorecard]] = {
    "Lewisham Young Voices": (
        DemoScorecard(
            (
                (5, "A second year built on last year's survey of 180 pupils and the schools' own incident logs."),
                (4, "Twelve schools signed up, with peer mentors from year one leading the new groups."),
                (4, "The same validated survey as year one, now with a follow-up a term later."),
                (4, "A named safeguarding lead and an online safety policy that covers the peer mentors."),
                (4, "About £35 per young person, less than year one because the mentors are already trained."),
            ),
            FUND,
            "A strong second year from an organisation that delivered the first one well.",
        ),
        DemoScorecard(
            (
                (4, "Clear local evidence; the new schools' need is described less fully than the first six."),
                (4, "Realistic: the timetable now fits the school year."),
                (4, "Specific outcomes, measured before, after and a term later."),
                (4, "Sound governance and DBS checks for every adult."),
                (4, "Good value for twelve schools."),
            ),
            CONDITIONS,
            "Fund, on condition that the six new schools confirm before the first payment.",
        ),
    ),
    "Poplar Threads CIC": (
        DemoScorecard(
            (
                (4, "Residents' stories of tension on the estates, backed by the housing association's figures."),
                (4, "Thirty workshops with textile artists; the quilt is shown at the summer festival."),
                (3, "Outcomes about connection are clear; measuring them relies on a short feedback card."),
                (4, "An experienced CIC with a safeguarding policy for mixed-age groups."),
                (4, "Materials are a fair share of an £18,000 budget."),
            ),
            FUND,
            "A creative, well-run project that brings neighbours together.",
        ),
        DemoScorecard(
            (
                (4, "Good local evidence from the housing association."),
                (3, "The workshops are well planned; how older residents are recruited is thin."),
                (4, "The independent evaluation strengthens the outcomes."),
                (4, "Capable artists and a clear safeguarding lead."),
                (3, "Reasonable, though the machines could be hired rather than bought."),
            ),
            FUND,
            "Fund.",
        ),
    ),
    "Newham Boxing and Mentoring Club": (
        DemoScorecard(
            (
                (4, "Referrals from schools show the need among girls in Canning Town."),
                (3, "A sound plan, though the online influences sessions are described only in outline."),
                (3, "Clear outcomes, measured through mentors' notes rather than a consistent tool."),
                (4, "Strong safeguarding, including female mentors for one-to-one work."),
                (3, "Mentors' fees are high compared with similar projects."),
            ),
            CONDITIONS,
            "Fund with conditions: a session plan for the online influences workshops.",
        ),
        DemoScorecard(
            (
                (3, "The need is real but the evidence is mostly the club's own waiting list."),
                (3, "Well organised sessions; the girls' programme is new to the club."),
                (3, "Reasonable outcomes; the measures need more thought."),
                (4, "An experienced club with DBS checks for every mentor."),
                (3, "Acceptable value for intensive work."),
            ),
            CONDITIONS,
            "Worth funding if the budget allows.",
        ),
    ),
    "Kingston Refugee Welcome": (
        DemoScorecard(
            (
                (3, "The move to Chessington and Tolworth is explained, with little evidence beyond anecdote."),
                (2, "How long-standing residents will come to the meals is still not said."),
                (2, "No outcomes beyond numbers attending."),
                (3, "Adequate arrangements for a volunteer-led society."),
                (3, "Food is most of the cost, which suits the activity."),
            ),
            DO_NOT_FUND,
            "Not in this form: the project needs outcomes that show changed attitudes.",
        ),
        DemoScorecard(
            (
                (3, "Plausible, but thin."),
                (3, "Simple and realistic."),
                (2, "The outcomes do not address hate or intolerance."),
                (3, "Adequate for the activities planned."),
                (2, "Van hire is a large cost for six events."),
            ),
            DO_NOT_FUND,
            "Does not meet the fund's aims as written; encourage them to reapply.",
        ),
    ),
}


def sef6_moderated() -> list[str]:
    """SEF-6 closed, assessed and moderated by the demo's fund manager and assessors; returns what was done."""
    round_ = programme_queries.find_round_by_code(CURRENT_CALL)
    if round_ is None:
        raise DomainError(f"The demo has no {CURRENT_CALL}: load the demo first")
    manager = demo_person(FUND_MANAGER)
    programme_services.close_round(actor=manager, round_=round_, reason="Browser tests: the call has closed")
    programme_services.update_assessment_settings(actor=manager, round_=round_, settings=demo_settings(round_))
    assessment_services.auto_assign(actor=manager, round_=round_)
    by_name = {a.organisation.name: a for a in assessment_queries.list_assignable_applications(round_.id)}
    done = score_bids(round_, by_name, SEF6_SCORECARDS)
    assessment_services.start_moderation(actor=manager, round_=round_)
    confirmed = assessment_services.confirm_unflagged(actor=manager, round_=round_)
    waiting = [
        m.application.reference
        for m in assessment_queries.list_round_moderations(round_.id)
        if m.status != ModerationStatus.RESOLVED
    ]
    if waiting:
        raise DomainError(f"Expected every SEF-6 bid to be moderated; still waiting: {', '.join(waiting)}")
    return [*done, f"moderated: {confirmed} applications"]


STEPS: dict[str, Callable[[], list[str]]] = {"sef6_moderated": sef6_moderated}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in STEPS:
        print(f"usage: python -m tests.e2e.arrange {{{','.join(STEPS)}}}", file=sys.stderr)
        return 2
    app = create_app()
    with app.app_context():
        done = STEPS[argv[0]]()
        commit_unit_of_work()
    print("\n".join(done))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
