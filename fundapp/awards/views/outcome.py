"""The applicant's page about the decision on their application, once the call's outcomes are published.

Only members of the applying organisation see it, and only once the decision has been published to them; to anyone
else, and before then, the page does not exist (404), so nobody can tell from it whether a decision has been made.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from fundapp.applications import queries as application_queries
from fundapp.applications.permissions import is_applicant_for
from fundapp.awards import bp, queries
from fundapp.awards.states import OUTCOME_APPLICANT_LABELS, AwardStatus, Outcome
from fundapp.core.auth import authorize, signed_in

# An award whose offer letter has been issued (or answered since): the applicant can open the offer.
OFFER_OPEN = frozenset(set(AwardStatus) - {AwardStatus.OFFERED})
# The page's one h1 (a confirmation panel for a grant), which its title starts with.
OUTCOME_HEADINGS = {
    Outcome.APPROVED: "Grant awarded",
    Outcome.REJECTED: "Your application was not funded",
    Outcome.RESERVE: "Your application is on the reserve list",
}


@bp.get("/applications/<int:application_id>/outcome")
@signed_in
def applicant_outcome(application_id: int):
    application = application_queries.get_application(application_id)
    authorize(is_applicant_for(current_user, application), hide=True)
    decision = queries.find_decision(application.id)
    authorize(
        decision is not None
        and decision.published_at is not None
        and application.round.outcomes_published_at is not None,
        hide=True,
    )
    assert decision is not None  # nosec B101  # for mypy: authorize refused otherwise
    award = queries.find_award_for_application(application.id)
    return render_template(
        "awards/applicant_outcome.html",
        application=application,
        decision=decision,
        award=award,
        offer_open=award is not None and award.status in OFFER_OPEN,
        label=OUTCOME_APPLICANT_LABELS[decision.outcome],
        heading=OUTCOME_HEADINGS[decision.outcome],
        title=f"{OUTCOME_HEADINGS[decision.outcome]}: {application.reference}",
    )
