"""The assessor's dashboard and scorecard run a fixed number of SQL statements, however much there is to show."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.models import User
from fundapp.accounts.states import StaffRole
from fundapp.applications.states import ApplicationStatus
from fundapp.extensions import db
from tests.factories import ApplicationFactory, AssessmentFactory, RoundFactory, score_assessment, staff_user
from tests.helpers import IsolatedClient, isolated_client, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.assessment.conftest import make_assessment_round

TRAITS = (None, "in_progress", "submitted")  # assigned, in progress, submitted


def _statements_for(client: IsolatedClient, url: str) -> int:
    client.get(url)  # warm up caches (templates, compiled queries)
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _assessor_with(assignments: int) -> User:
    """A system-wide assessor with this many assignments spread over two calls, in every active status."""
    assessor = staff_user(StaffRole.ASSESSOR)
    calls = [RoundFactory(closed=True), RoundFactory(closed=True, blind_review=True)]
    for number in range(assignments):
        application = ApplicationFactory(round=calls[number % 2], eligible=True, status=ApplicationStatus.IN_ASSESSMENT)
        trait = TRAITS[number % len(TRAITS)]
        AssessmentFactory(application=application, assessor=assessor, **({trait: True} if trait else {}))
    db.session.flush()
    return assessor


def test_dashboard_statement_count_is_the_same_for_10_and_300_assignments(app: Any, db_session: Any) -> None:
    few, many = _assessor_with(10), _assessor_with(300)
    few_client, many_client = isolated_client(app), isolated_client(app)
    sign_in_as(few_client, few)
    sign_in_as(many_client, many)
    counts = (_statements_for(few_client, "/assessments"), _statements_for(many_client, "/assessments"))
    print("dashboard statements (10, 300 assignments):", counts)
    assert counts[0] == counts[1]


def test_scorecard_statement_count_does_not_grow_with_other_assessors(app: Any, db_session: Any) -> None:
    setup = make_assessment_round(applications=2, assessors=7)
    urls = []
    for application, others in zip(setup.applications, (1, 6), strict=True):
        mine = AssessmentFactory(application=application, assessor=setup.assessors[0], submitted=True)
        score_assessment(mine, [4, 3, 2])
        for assessor in setup.assessors[1 : 1 + others]:
            score_assessment(AssessmentFactory(application=application, assessor=assessor, submitted=True), [3, 3, 1])
        urls.append(f"/assessments/{mine.id}")
    client = isolated_client(app)
    sign_in_as(client, setup.assessors[0])
    counts = [_statements_for(client, url) for url in urls]
    print("scorecard statements (1, 6 other scorecards):", counts)
    assert counts[0] == counts[1]
