"""The ranking page and its spreadsheet run a fixed number of SQL statements, however many applications the call
has: everything is read in bulk, never row by row."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.models import ModeratedScore
from fundapp.assessment.states import ModerationStatus
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from fundapp.programmes.models import Round
from tests.factories import (
    AnswerFactory,
    ApplicationFactory,
    AssessmentFactory,
    ModerationFactory,
    ThemeFactory,
    score_assessment,
    staff_user,
)
from tests.helpers import IsolatedClient, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.assessment.conftest import make_assessment_round
from tests.integration.assessment.moderation_setup import add_form_questions


def _call_with(applications: int) -> Round:
    """A call whose applications each have two submitted, scored assessments, answers to the themes and boroughs
    questions, and a moderation: a third moderated with a moderated score, a third flagged, a third to confirm."""
    setup = make_assessment_round(applications=0, assessors=2)
    add_form_questions(setup.round)
    theme = ThemeFactory(round=setup.round, name="Awareness raising")
    need = setup.criteria[0]
    for number in range(applications):
        application = ApplicationFactory(
            round=setup.round,
            eligible=True,
            status=ApplicationStatus.MODERATED if number % 3 == 0 else ApplicationStatus.ASSESSED,
            amount_requested_pence=1_000_000 + 10_000 * number,
        )
        AnswerFactory(application=application, question_key="themes", raw=[str(theme.id)], value=[str(theme.id)])
        AnswerFactory(application=application, question_key="boroughs", raw=["E09000028"], value=["E09000028"])
        for assessor, scores in zip(setup.assessors, ([4, 4, 2], [2 + number % 4, 3, 1]), strict=True):
            score_assessment(AssessmentFactory(application=application, assessor=assessor, submitted=True), scores)
        if number % 3 == 0:
            moderation = ModerationFactory(
                application=application,
                status=ModerationStatus.RESOLVED,
                flags=["Assessors differ"],
                resolved_at=utcnow(),
                resolved_by_id=setup.manager.id,
            )
            moderation.scores.append(
                ModeratedScore(criterion_id=need.id, score=4, reason="Agreed at panel", moderator_id=setup.manager.id)
            )
        elif number % 3 == 1:
            ModerationFactory(application=application, status=ModerationStatus.FLAGGED, flags=["Assessors differ"])
        else:
            ModerationFactory(application=application)
    db.session.flush()
    db.session.expire_all()
    return setup.round


def _statements_for(client: IsolatedClient, url: str) -> int:
    client.get(url)  # warm up caches (templates, compiled queries)
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_the_ranking_runs_the_same_statements_for_10_and_300_applications(
    client: IsolatedClient, db_session: Any
) -> None:
    few, many = _call_with(10), _call_with(300)
    sign_in_as(client, staff_user(StaffRole.ADMIN))
    counts = (
        _statements_for(client, f"/staff/calls/{few.id}/ranking"),
        _statements_for(client, f"/staff/calls/{many.id}/ranking"),
    )
    print("ranking statements (10, 300 applications):", counts)
    assert counts[0] == counts[1]
    page = client.get(f"/staff/calls/{many.id}/ranking?borough=E09000028").get_data(as_text=True)
    assert page.count('<a class="govuk-link" href="/staff/applications/') == 300


def test_the_ranking_spreadsheet_runs_the_same_statements_for_10_and_300_applications(
    client: IsolatedClient, db_session: Any
) -> None:
    few, many = _call_with(10), _call_with(300)
    sign_in_as(client, staff_user(StaffRole.ADMIN))
    few_count = _statements_for(client, f"/staff/calls/{few.id}/ranking.csv")
    many_count = _statements_for(client, f"/staff/calls/{many.id}/ranking.csv")
    assert few_count == many_count
