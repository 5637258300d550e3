"""The applicant's pages run a fixed number of SQL statements, however many applications or answers there are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from fundapp.applications.states import SectionStatus
from fundapp.extensions import db
from tests.factories import AnswerFactory, ApplicationFactory, MembershipFactory, applicant_with_organisation
from tests.helpers import sign_in
from tests.integration.applications.conftest import make_sef_round


@contextmanager
def count_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _application_with_answers(round_, organisation, answers: int):  # type: ignore[no-untyped-def]
    application = ApplicationFactory(round=round_, organisation=organisation)
    for section in round_.question_set.sections:
        application.sections.append(
            __import__("fundapp.applications.models", fromlist=["ApplicationSection"]).ApplicationSection(
                section_key=section.key, status=SectionStatus.IN_PROGRESS, version=1
            )
        )
    questions = [q for s in round_.question_set.sections for q in s.questions if q.type.value == "long_text"]
    for number in range(answers):
        question = questions[number % len(questions)]
        AnswerFactory(application=application, question_key=f"{question.key}_{number}", raw="words", value="words")
    db.session.flush()
    return application


def _statements_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm up caches (templates, compiled queries)
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_task_list_statement_count_does_not_grow_with_answers(client, db_session) -> None:
    round_ = make_sef_round(code="SEF-Q1")
    user, organisation = applicant_with_organisation()
    one = _application_with_answers(round_, organisation, answers=1)
    many = _application_with_answers(make_sef_round(code="SEF-Q2"), organisation, answers=50)
    sign_in(client, user)
    counts = (_statements_for(client, f"/applications/{one.id}"), _statements_for(client, f"/applications/{many.id}"))
    print("task list statements (1 answer, 50 answers):", counts)
    assert counts[0] == counts[1]


def test_check_answers_statement_count_does_not_grow_with_answers(client, db_session) -> None:
    user, organisation = applicant_with_organisation()
    one = _application_with_answers(make_sef_round(code="SEF-Q3"), organisation, answers=1)
    many = _application_with_answers(make_sef_round(code="SEF-Q4"), organisation, answers=50)
    sign_in(client, user)
    assert _statements_for(client, f"/applications/{one.id}/check-answers") == _statements_for(
        client, f"/applications/{many.id}/check-answers"
    )


def test_dashboard_statement_count_does_not_grow_with_applications(client, db_session) -> None:
    few_user, few_org = applicant_with_organisation()
    ApplicationFactory(organisation=few_org)
    many_user, many_org = applicant_with_organisation()
    for _ in range(25):
        ApplicationFactory(organisation=many_org)
    other_org = MembershipFactory(user=many_user).organisation
    for _ in range(25):
        ApplicationFactory(organisation=other_org)
    db.session.flush()
    sign_in(client, few_user)
    few = _statements_for(client, "/applications")
    client.post("/sign-out")
    many_client = type(client)(client.application, client.response_wrapper, use_cookies=True)
    sign_in(many_client, many_user)
    assert _statements_for(many_client, "/applications") == few
