"""Field-level rules across every page a role can reach in the shared world: assessors never see bank details, and
applicants never see scores or who assessed them. Each rule also checks the values do appear where they belong (so
a page that simply failed to show them would not pass unnoticed)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.integration.security.conftest import Matrix, browser_as
from tests.integration.security.test_access_matrix import MATRIX, OK, url_for_row
from tests.integration.security.world import (
    ACCOUNT_NUMBER,
    ASSESSOR_COMMENT,
    ASSESSOR_EMAIL,
    ASSESSOR_NAME,
    SORT_CODE,
    Role,
)

ASSESSORS = [Role.ASSESSOR_UNASSIGNED, Role.ASSESSOR_CONFLICTED, Role.ASSESSOR]
SCORE_JUSTIFICATION = "Scored 4 because of the evidence."  # what score_assessment wrote on the assessor's scorecard


def _reachable_pages(app: Flask, matrix: Matrix, role: Role) -> dict[str, str]:
    """The body of every GET endpoint the role is allowed, by URL."""
    browser = browser_as(app, matrix, role)
    bodies = {}
    for endpoint, row in MATRIX.items():
        if row.outcomes[list(Role).index(role)] != OK or "GET" not in _methods_of(app, endpoint):
            continue
        url = url_for_row(app, endpoint, matrix.world, row.values)
        response = browser.get(url)
        assert response.status_code == 200, f"{url} as {role.value}: {response.status_code}"
        bodies[url] = response.get_data().decode("utf-8", errors="replace")
        response.close()
    return bodies


def _methods_of(app: Flask, endpoint: str) -> set[str]:
    return {m for rule in app.url_map.iter_rules() if rule.endpoint == endpoint for m in rule.methods or ()}


@pytest.mark.parametrize("role", ASSESSORS, ids=lambda r: r.value)
def test_no_page_an_assessor_can_reach_shows_bank_details(app: Flask, matrix: Matrix, role: Role) -> None:
    pages = _reachable_pages(app, matrix, role)
    assert pages  # the dashboard at least
    leaks = [url for url, body in pages.items() if SORT_CODE in body or ACCOUNT_NUMBER in body]
    assert leaks == []


def test_the_bank_details_finance_recorded_are_on_the_award_page_for_its_staff(app: Flask, matrix: Matrix) -> None:
    for role in (Role.FINANCE, Role.FUND_MANAGER):
        body = browser_as(app, matrix, role).get(f"/staff/awards/{matrix.world.award.id}").get_data(as_text=True)
        assert SORT_CODE in body and ACCOUNT_NUMBER in body


def test_no_page_an_applicant_can_reach_shows_scores_or_assessors(app: Flask, matrix: Matrix) -> None:
    pages = _reachable_pages(app, matrix, Role.MEMBER)
    award = matrix.world.award
    assert f"/awards/{award.id}" in pages and f"/applications/{matrix.world.application.id}/outcome" in pages
    secrets = (ASSESSOR_NAME, ASSESSOR_EMAIL, ASSESSOR_COMMENT, SCORE_JUSTIFICATION)
    leaks = [(url, secret) for url, body in pages.items() for secret in secrets if secret in body]
    assert leaks == []


def test_the_assessor_and_scores_are_shown_to_the_call_staff(app: Flask, matrix: Matrix) -> None:
    world = matrix.world
    manager = browser_as(app, matrix, Role.FUND_MANAGER)
    assessors = manager.get(f"/staff/applications/{world.application.id}/assessors").get_data(as_text=True)
    assert ASSESSOR_NAME in assessors
    scorecard = browser_as(app, matrix, Role.ASSESSOR).get(f"/assessments/{world.assessment.id}").get_data(as_text=True)
    assert SCORE_JUSTIFICATION in scorecard and ASSESSOR_COMMENT in scorecard
