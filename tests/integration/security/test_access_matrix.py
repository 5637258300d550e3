"""The behavioural access matrix: every endpoint, tried by every role against real objects owned by someone else,
gives the outcome declared for it in MATRIX (allowed, the sign-in page, 403 or 404).

One world (tests/integration/security/world.py) is built and every role signed in (through the real form) once for
the module, inside a transaction rolled back at the end; each role's attempt runs in a savepoint rolled back after
it, so a POST that succeeds (a payment approved, a call closed) changes nothing for the next role.

An endpoint is tried with every method it accepts: GET must give 200 where allowed; a POST (a valid CSRF token and
an empty form) is allowed when the access check passes: a 200 re-render, a redirect (not to sign-in) or a 400.

A new endpoint without a row fails test_every_endpoint_has_a_row: decide who may reach it, add its row (the URL
values come from DEFAULT_VALUES by argument name unless the row gives its own), and run this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from fundapp.extensions import db, limiter
from tests.helpers import IsolatedClient
from tests.integration.security.conftest import Matrix, browser_as
from tests.integration.security.world import Role, World

ROLES = list(Role)
OK, SIGN_IN = "ok", "in"
_TOKENS = {"ok": OK, "in": SIGN_IN, "302": 302, "403": 403, "404": 404, "410": 410}

Values = Callable[[World], dict[str, Any]]

# The URL values of each argument, unless a row says otherwise: the awarded application and everything around it.
DEFAULT_VALUES: dict[str, Callable[[World], Any]] = {
    "organisation_id": lambda w: w.organisation.id,
    "application_id": lambda w: w.application.id,
    "round_id": lambda w: w.round.id,
    "fund_id": lambda w: w.fund.id,
    "attachment_id": lambda w: w.file.id,
    "assessment_id": lambda w: w.assessment.id,
    "connection_id": lambda w: w.connection.id,
    "award_id": lambda w: w.award.id,
    "version": lambda w: 1,
    "item": lambda w: "bank_details",
    "payment_id": lambda w: w.payment.id,
    "batch_id": lambda w: w.batch.id,
    "export_id": lambda w: w.export.id,
    "report_id": lambda w: w.report.id,
    "evidence_id": lambda w: w.evidence.id,
    "section": lambda w: "delivery",
    "section_key": lambda w: w.section_key,
    "code": lambda w: w.award.verification_code,
    "token": lambda w: "not-a-real-token",
    "user_id": lambda w: w.pool_member.id,
    "assignment_id": lambda w: w.role_assignment.id,
    "criterion_id": lambda w: w.criterion.id,
    "tier_id": lambda w: w.tier.id,
    "theme_id": lambda w: w.theme.id,
}

# Applying happens on the member's draft in the fund's open call.
_VALUES: dict[str, Values] = {
    "draft": lambda w: {"application_id": w.draft.id},
    "draft file": lambda w: {"application_id": w.draft.id, "attachment_id": w.draft_file.id},
    "open call": lambda w: {"round_id": w.open_round.id},
    "open call code": lambda w: {"code": w.open_round.code},
    "submitted report": lambda w: {"report_id": w.submitted_report.id},
    "spare evidence": lambda w: {"evidence_id": w.spare_evidence.id},
}


@dataclass(frozen=True)
class Row:
    outcomes: tuple[Any, ...]  # per Role, in ROLES order
    post: tuple[Any, ...] | None = None  # for a POST, when it differs from the GET
    values: str | None = None  # a key of _VALUES when the defaults are not the objects to try

    def expected(self, role: Role, method: str) -> Any:
        outcomes = self.post if method == "POST" and self.post is not None else self.outcomes
        return outcomes[ROLES.index(role)]


def _parse(outcomes: str) -> tuple[Any, ...]:
    tokens = outcomes.split()
    assert len(tokens) == len(ROLES), outcomes
    return tuple(_TOKENS[t] for t in tokens)


def row(outcomes: str, *, post: str | None = None, values: str | None = None) -> Row:
    return Row(_parse(outcomes), _parse(post) if post else None, values)


# Columns: anonymous, other applicant, member, assessor not assigned, assessor conflicted, assessor assigned,
#          fund manager of another fund, finance officer, admin, fund manager (of this fund).
EVERYONE = "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"
SIGNED_IN = "in  ok  ok  ok  ok  ok  ok  ok  ok  ok"

MATRIX: dict[str, Row] = {
    # Staff may view any applicant organisation (accounts.permissions.can_view_organisation); only members change it.
    # A bad invitation or reset token is 410 Gone for everyone. Two-factor pages send people without a pending
    # sign-in to sign in; turning it off is refused to staff (it is mandatory for them).
    "accounts.accept_invitation": row("410 410 410 410 410 410 410 410 410 410"),
    "accounts.change_email": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.change_password": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.forgot_password": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.invite_member": row("in  404 ok  403 403 403 403 403 403 403"),
    "accounts.keep_alive": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.organisation": row("in  404 ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.organisation_edit": row("in  404 ok  403 403 403 403 403 403 403"),
    "accounts.organisation_new": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.profile": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.recovery_codes_new": row(
        "in  302 302 ok  ok  ok  ok  ok  ok  ok", post="in  ok  ok  ok  ok  ok  ok  ok  ok  ok"
    ),
    "accounts.register": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.reset_password": row("410 410 410 410 410 410 410 410 410 410"),
    "accounts.sign_in": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.sign_out": row("in  in  in  in  in  in  in  in  in  in"),
    "accounts.two_factor": row("in  in  in  in  in  in  in  in  in  in"),
    "accounts.two_factor_settings": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "accounts.two_factor_setup": row("in  in  in  in  in  in  in  in  in  in"),
    "accounts.two_factor_turn_off": row(
        "in  302 302 403 403 403 403 403 403 403", post="in  ok  ok  403 403 403 403 403 403 403"
    ),
    "accounts.two_factor_turn_on": row(
        "in  ok  ok  302 302 302 302 302 302 302", post="in  ok  ok  ok  ok  ok  ok  ok  ok  ok"
    ),
    "applications.check_answers": row("in  404 ok  404 404 404 404 404 404 404", values="draft"),
    "applications.check_section": row("in  404 ok  404 404 404 404 404 404 404", values="draft"),
    "applications.copy_pdf": row("in  404 ok  404 404 404 404 ok  ok  ok"),
    "applications.dashboard": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "applications.download_file": row("in  404 ok  404 404 404 404 ok  ok  ok"),
    "applications.override_eligibility": row("in  404 404 404 404 404 404 403 ok  ok"),
    "applications.remove_file": row("in  404 ok  404 404 404 404 404 404 404", values="draft file"),
    "applications.screening_queue": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "applications.section": row("in  404 ok  404 404 404 404 404 404 404", values="draft"),
    "applications.staff_view": row("in  404 404 404 404 404 404 ok  ok  ok"),
    "applications.start": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok", values="open call code"),
    "applications.submitted": row("in  404 ok  404 404 404 404 403 403 403"),
    "applications.task_list": row("in  404 ok  404 404 404 404 302 302 302"),
    "applications.withdraw": row("in  404 ok  404 404 404 404 404 404 404", values="draft"),
    "assessment.application_assessors": row(
        "in  404 404 404 404 404 404 ok  ok  ok", post="in  404 404 404 404 404 404 403 ok  ok"
    ),
    "assessment.auto_assign": row("in  404 404 403 403 403 403 403 ok  ok"),
    "assessment.confirm_unflagged": row("in  404 404 403 403 403 403 403 ok  ok"),
    "assessment.conflict": row(
        "in  404 404 404 404 302 404 404 404 404", post="in  404 404 404 404 ok  404 404 404 404"
    ),
    "assessment.connections": row("in  403 403 ok  ok  ok  403 403 403 403"),
    "assessment.dashboard": row("in  403 403 ok  ok  ok  403 403 403 403"),
    "assessment.download_file": row("in  404 404 404 404 ok  404 404 404 404"),
    "assessment.moderate": row("in  404 404 404 404 404 404 ok  ok  ok", post="in  404 404 404 404 404 404 403 ok  ok"),
    "assessment.moderation_queue": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "assessment.pool": row("in  404 404 403 403 403 403 ok  ok  ok", post="in  404 404 403 403 403 403 403 ok  ok"),
    "assessment.ranking": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "assessment.ranking_csv": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "assessment.remove_connection": row("in  403 403 404 404 ok  403 403 403 403"),
    "assessment.remove_from_pool": row("in  404 404 403 403 403 403 403 ok  ok"),
    "assessment.reopen": row("in  404 404 404 404 ok  404 404 404 404"),
    "assessment.round_assessment": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "assessment.scorecard": row("in  404 404 404 404 ok  404 404 404 404"),
    "assessment.send_reminders": row("in  404 404 403 403 403 403 403 ok  ok"),
    "assessment.start_moderation": row("in  404 404 403 403 403 403 403 ok  ok"),
    "assessment.unassign": row("in  404 404 404 404 404 404 403 ok  ok"),
    "awards.applicant_award": row("in  404 ok  404 404 404 404 404 404 404"),
    "awards.applicant_decline": row(
        "in  404 302 404 404 404 404 404 404 404", post="in  404 ok  404 404 404 404 404 404 404"
    ),
    "awards.applicant_letter": row("in  404 ok  404 404 404 404 404 404 404"),
    "awards.applicant_outcome": row("in  404 ok  404 404 404 404 404 404 404"),
    "awards.approve_above_line": row("in  404 404 403 403 403 403 403 ok  ok"),
    "awards.approve_payment": row("in  404 404 403 403 403 403 ok  ok  403"),
    "awards.award_detail": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.complete_check": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.decide": row("in  404 404 404 404 404 404 ok  ok  ok", post="in  404 404 404 404 404 404 403 ok  ok"),
    "awards.decisions": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.issue_letter": row("in  404 404 403 403 403 403 403 ok  ok"),
    "awards.letter_batch": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.letter_batch_status": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.letter_batch_zip": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.letter_batches": row(
        "in  404 404 403 403 403 403 ok  ok  ok", post="in  404 404 403 403 403 403 403 ok  ok"
    ),
    "awards.payments": row("in  404 404 403 403 403 403 ok  ok  403"),
    "awards.publish_outcomes": row("in  404 404 403 403 403 403 403 ok  ok"),
    "awards.record_payment": row("in  404 404 403 403 403 403 ok  ok  403"),
    "awards.round_awards": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.staff_letter": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.undo_check": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "awards.verify": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "awards.verify_lookup": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "awards.withdraw_award": row("in  404 404 403 403 403 403 403 ok  ok"),
    "awards.withdraw_decision": row("in  404 404 404 404 404 404 403 ok  ok"),
    "core.accessibility": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "core.healthcheck": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "core.help": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "core.privacy": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "programmes.admin_disable_user": row("in  403 403 403 403 403 403 403 ok  403"),
    "programmes.admin_enable_user": row("in  403 403 403 403 403 403 403 ok  403"),
    "programmes.admin_fund_new": row("in  403 403 403 403 403 403 403 ok  403"),
    "programmes.admin_remove_role": row("in  403 403 403 403 403 403 403 ok  403"),
    "programmes.admin_reset_two_factor": row("in  403 403 403 403 403 403 403 ok  403"),
    "programmes.admin_user": row("in  403 403 403 403 403 403 403 ok  403"),
    "programmes.admin_users": row("in  403 403 403 403 403 403 403 ok  403"),
    "programmes.call": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok", values="open call code"),
    "programmes.calls": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "programmes.funds": row("in  403 403 403 403 403 ok  403 ok  ok"),
    "programmes.round_application_form": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_assessment_settings": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_close": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_copy_setup": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_criteria": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_default_form": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_detail": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "programmes.round_edit": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_edit_criterion": row("in  404 404 403 403 403 403 403 ok  ok", values="open call"),
    "programmes.round_eligibility": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_new": row("in  403 403 403 403 403 ok  403 ok  ok"),
    "programmes.round_open": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_payment_schedule": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_remove_criterion": row("in  404 404 403 403 403 403 403 ok  ok", values="open call"),
    "programmes.round_remove_theme": row("in  404 404 403 403 403 403 403 ok  ok", values="open call"),
    "programmes.round_remove_tier": row("in  404 404 403 403 403 403 403 ok  ok", values="open call"),
    "programmes.round_themes": row("in  404 404 403 403 403 403 403 ok  ok"),
    "programmes.round_tiers": row("in  404 404 403 403 403 403 403 ok  ok"),
    "reporting.admin_anonymise": row("in  403 403 403 403 403 403 403 ok  403"),
    "reporting.admin_personal_data": row("in  403 403 403 403 403 403 403 ok  403"),
    "reporting.application_history": row("in  404 404 404 404 404 404 ok  ok  ok"),
    "reporting.audit_log_page": row("in  403 403 403 403 403 403 403 ok  403"),
    "reporting.approve_report": row("in  404 404 403 403 403 403 403 ok  ok", values="submitted report"),
    "reporting.export_download": row("in  404 404 404 404 404 404 ok  ok  404"),
    "reporting.export_status": row("in  404 404 404 404 404 404 ok  ok  404"),
    "reporting.exports": row("in  404 404 403 403 403 ok  ok  ok  ok"),
    "reporting.fund_boroughs": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "reporting.fund_dashboard": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "reporting.fund_portfolio": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "reporting.grantee_remove_evidence": row("in  404 ok  404 404 404 404 404 404 404", values="spare evidence"),
    "reporting.grantee_report": row("in  404 ok  404 404 404 404 404 404 404"),
    "reporting.grantee_report_evidence": row("in  404 ok  404 404 404 404 404 404 404"),
    "reporting.grantee_report_section": row("in  404 ok  404 404 404 404 404 404 404"),
    "reporting.grantee_report_submit": row("in  404 ok  404 404 404 404 404 404 404"),
    "reporting.grantee_reports": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "reporting.home": row("ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "reporting.report_evidence_file": row("in  404 ok  403 403 403 403 404 404 404"),
    "reporting.request_report_changes": row("in  404 404 403 403 403 403 403 ok  ok", values="submitted report"),
    "reporting.review_report": row("in  404 404 403 403 403 403 ok  ok  ok", values="submitted report"),
    "reporting.round_boroughs": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "reporting.round_dashboard": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "reporting.round_monitoring": row("in  404 404 403 403 403 403 403 ok  ok"),
    "reporting.round_portfolio": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "reporting.round_reports": row("in  404 404 403 403 403 403 ok  ok  ok"),
    "reporting.user_audit": row("in  403 403 403 403 403 403 403 ok  403"),
    "reporting.your_data": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
    "reporting.your_data_download": row("in  ok  ok  ok  ok  ok  ok  ok  ok  ok"),
}


def _csrf(browser: IsolatedClient) -> str:
    with browser.session_transaction() as session:
        raw = session.get("csrf_token")
    if raw is None:
        return ""
    from itsdangerous import URLSafeTimedSerializer

    app = browser.application
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(raw)


def _methods(app: Flask) -> dict[str, tuple[str, set[str]]]:
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            rules[rule.endpoint] = (rule.rule, (rule.methods or set()) & {"GET", "POST"})
    return rules


def _outcome(method: str, response: Any) -> Any:
    status = response.status_code
    if status == 302 and response.headers["Location"].split("?")[0].endswith("/sign-in"):
        return SIGN_IN
    if status in (403, 404):
        return status
    if method == "GET":
        return OK if status == 200 else status
    return OK if status in (200, 204, 302, 303, 400, 422) else status


def url_for_row(app: Flask, endpoint: str, world: World, values: str | None) -> str:
    """The endpoint's URL for the world's objects (the row's own values, else DEFAULT_VALUES by argument name)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    given = _VALUES[values](world) if values else {}
    arguments = {name: given[name] if name in given else DEFAULT_VALUES[name](world) for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **arguments)


def try_every_role(app: Flask, matrix: Matrix, endpoint: str, values: str | None) -> dict[tuple[Role, str], Any]:
    """What each role gets from each method of the endpoint, each attempt in a savepoint rolled back after it."""
    url = url_for_row(app, endpoint, matrix.world, values)
    _, methods = _methods(app)[endpoint]
    got = {}
    for method in sorted(methods):
        for role in ROLES:
            savepoint = db.session.begin_nested()
            db.session.connection()  # emits the SAVEPOINT now: the requests below use sessions of their own
            limiter.reset()  # twenty people posting an empty form from one address is not an attack
            try:
                browser = browser_as(app, matrix, role)
                if method == "GET":
                    response = browser.get(url)
                else:
                    response = browser.post(url, data={"csrf_token": _csrf(browser)})
                got[(role, method)] = _outcome(method, response)
                response.close()
            finally:
                savepoint.rollback()
    return got


def test_every_endpoint_has_a_row(app: Flask) -> None:
    missing = sorted(set(_methods(app)) - set(MATRIX))
    assert not missing, "add a row to MATRIX in tests/integration/security/test_access_matrix.py for: " + ", ".join(
        missing
    )


def test_the_matrix_has_no_stale_rows(app: Flask) -> None:
    assert set(MATRIX) - set(_methods(app)) == set()


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_every_role_gets_the_declared_outcome(app: Flask, matrix: Matrix, endpoint: str) -> None:
    expected = MATRIX[endpoint]
    got = try_every_role(app, matrix, endpoint, expected.values)
    wrong = [
        f"{role.value} {method}: got {outcome}, expected {expected.expected(role, method)}"
        for (role, method), outcome in got.items()
        if outcome != expected.expected(role, method)
    ]
    assert not wrong, f"{endpoint}:\n" + "\n".join(wrong)
