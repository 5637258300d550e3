"""The pages that run a call's assessment issue a fixed number of SQL statements, however many applications,
assessments and assessors the call has."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from fundapp.applications.states import ApplicationStatus
from fundapp.assessment.states import AssessmentStatus
from fundapp.core.clock import utcnow
from fundapp.extensions import db
from tests.factories import AssessmentFactory, ConnectionFactory, ModerationFactory
from tests.helpers import IsolatedClient, sign_in_as
from tests.integration.applications.test_query_counts import count_statements
from tests.integration.assessment.conftest import AssessmentSetup, make_assessment_round

CYCLE = [
    AssessmentStatus.ASSIGNED,
    AssessmentStatus.IN_PROGRESS,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.CONFLICTED,
]


def _busy_call(applications: int, assessors: int) -> AssessmentSetup:
    """A call past its assessment deadline where every application has two assessments in a mix of statuses, some
    applications assessed and moderated, and some assessors with declared connections."""
    setup = make_assessment_round(applications=applications, assessors=assessors)
    setup.round.assessment_deadline = utcnow() - timedelta(days=1)
    for number, application in enumerate(setup.applications):
        application.status = ApplicationStatus.IN_ASSESSMENT
        for offset in (0, 1):
            status = CYCLE[(number + offset) % len(CYCLE)]
            traits: dict[str, Any] = {
                AssessmentStatus.IN_PROGRESS: {"in_progress": True},
                AssessmentStatus.SUBMITTED: {"submitted": True},
                AssessmentStatus.CONFLICTED: {"status": status, "conflict_reason": "I know them."},
            }.get(status, {})
            AssessmentFactory(
                application=application, assessor=setup.assessors[(number + offset) % assessors], **traits
            )
        if number % 5 == 4:
            application.status = ApplicationStatus.MODERATED
            ModerationFactory(application=application)
    for assessor in setup.assessors[:2]:
        ConnectionFactory(assessor=assessor, organisation=setup.applications[0].organisation)
    db.session.flush()
    return setup


def _statements(client: IsolatedClient, url: str) -> int:
    client.get(url)  # warm up (templates, compiled queries)
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_the_assessment_dashboard_statement_count_does_not_grow_with_applications(
    client: IsolatedClient, db_session: Any
) -> None:
    few, many = _busy_call(10, 3), _busy_call(300, 12)
    counts = []
    for setup in (few, many):
        sign_in_as(client, setup.manager)
        counts.append(_statements(client, f"/staff/calls/{setup.round.id}/assessment"))
    page = client.get(f"/staff/calls/{many.round.id}/assessment").get_data(as_text=True)
    assert "Overdue" in page and many.assessors[-1].full_name in html.unescape(page)
    print("assessment dashboard statements (10, 300 applications):", counts)
    assert counts[0] == counts[1]


def test_the_pool_and_an_applications_assessors_statement_counts_do_not_grow_with_the_call(
    client: IsolatedClient, db_session: Any
) -> None:
    few, many = _busy_call(10, 3), _busy_call(300, 12)
    pools, pages = [], []
    for setup in (few, many):
        sign_in_as(client, setup.manager)
        pools.append(_statements(client, f"/staff/calls/{setup.round.id}/assessors"))
        pages.append(_statements(client, f"/staff/applications/{setup.applications[0].id}/assessors"))
    print("pool, application assessors statements (10, 300 applications):", pools, pages)
    assert pools[0] == pools[1]
    assert pages[0] == pages[1]
