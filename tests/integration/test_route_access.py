"""Every endpoint declares an access rule, and the rule is the one we expect; GET routes never commit.

A new endpoint without a row in ROUTE_ACCESS fails this test: decide who may reach it, then add the row.
Behavioural, per-object checks live beside each domain's view tests.
"""

from __future__ import annotations

import pytest
from flask import Flask

from fundapp.accounts.states import StaffRole
from tests.factories import UserFactory, staff_user
from tests.helpers import sign_in

ROUTE_ACCESS: dict[str, str] = {
    # core
    "core.help": "public",
    "core.accessibility": "public",
    "core.privacy": "public",
    "core.healthcheck": "public",
    # accounts
    "accounts.register": "public",
    "accounts.sign_in": "public",
    "accounts.sign_out": "public",
    "accounts.forgot_password": "public",
    "accounts.reset_password": "public",
    "accounts.two_factor": "public",
    "accounts.two_factor_setup": "public",
    "accounts.two_factor_settings": "signed_in",
    "accounts.two_factor_turn_on": "signed_in",
    "accounts.two_factor_turn_off": "requires:may_turn_off_two_factor",
    "accounts.recovery_codes_new": "signed_in",
    "accounts.accept_invitation": "public",
    "accounts.profile": "signed_in",
    "accounts.change_password": "signed_in",
    "accounts.organisation_new": "signed_in",
    "accounts.organisation": "signed_in",
    "accounts.organisation_edit": "signed_in",
    "accounts.invite_member": "signed_in",
    "accounts.keep_alive": "signed_in",
    "accounts.change_email": "signed_in",
    # programmes
    "programmes.calls": "public",
    "programmes.call": "public",
    "programmes.round_detail": "signed_in",
    "programmes.funds": "requires:is_any_fund_manager",
    "programmes.round_new": "requires:is_any_fund_manager",
    "programmes.round_edit": "signed_in",
    "programmes.round_open": "signed_in",
    "programmes.round_close": "signed_in",
    "programmes.round_tiers": "signed_in",
    "programmes.round_remove_tier": "signed_in",
    "programmes.round_themes": "signed_in",
    "programmes.round_remove_theme": "signed_in",
    "programmes.round_criteria": "signed_in",
    "programmes.round_edit_criterion": "signed_in",
    "programmes.round_remove_criterion": "signed_in",
    "programmes.round_eligibility": "signed_in",
    "programmes.round_application_form": "signed_in",
    "programmes.round_default_form": "signed_in",
    "programmes.round_copy_setup": "signed_in",
    "programmes.round_assessment_settings": "signed_in",
    "programmes.admin_users": "requires:is_admin",
    "programmes.admin_fund_new": "requires:is_admin",
    "programmes.admin_user": "requires:is_admin",
    "programmes.admin_remove_role": "requires:is_admin",
    "programmes.admin_disable_user": "requires:is_admin",
    "programmes.admin_enable_user": "requires:is_admin",
    "programmes.admin_reset_two_factor": "requires:is_admin",
    # applications: applying (members of the organisation; others get 404 from the object checks)
    "applications.start": "signed_in",
    "applications.dashboard": "signed_in",
    "applications.task_list": "signed_in",
    "applications.section": "signed_in",
    "applications.check_section": "signed_in",
    "applications.check_answers": "signed_in",
    "applications.submitted": "signed_in",
    "applications.copy_pdf": "signed_in",
    "applications.withdraw": "signed_in",
    # applications: staff screening (fund managers of the call; finance and admins may view)
    "applications.screening_queue": "signed_in",
    "applications.staff_view": "signed_in",
    "applications.override_eligibility": "signed_in",
    # applications: files
    "applications.download_file": "signed_in",
    "applications.remove_file": "signed_in",
    # assessment: assessors' own work (object checks give 404 for anything not theirs)
    "assessment.dashboard": "requires:is_any_assessor",
    "assessment.conflict": "signed_in",
    "assessment.scorecard": "signed_in",
    "assessment.reopen": "signed_in",
    "assessment.download_file": "signed_in",
    "assessment.connections": "requires:is_any_assessor",
    "assessment.remove_connection": "requires:is_any_assessor",
    # assessment: running a call's assessment (fund managers of the call; finance and admins may view)
    "assessment.round_assessment": "signed_in",
    "assessment.auto_assign": "signed_in",
    "assessment.send_reminders": "signed_in",
    "assessment.pool": "signed_in",
    "assessment.remove_from_pool": "signed_in",
    "assessment.application_assessors": "signed_in",
    "assessment.unassign": "signed_in",
    # assessment: moderation and ranking
    "assessment.moderation_queue": "signed_in",
    "assessment.start_moderation": "signed_in",
    "assessment.confirm_unflagged": "signed_in",
    "assessment.moderate": "signed_in",
    "assessment.ranking": "signed_in",
    "assessment.ranking_csv": "signed_in",
    # awards: a call's awards, one award (due diligence, letters), public letter verification
    "awards.round_awards": "signed_in",
    "awards.award_detail": "signed_in",
    "awards.complete_check": "signed_in",
    "awards.undo_check": "signed_in",
    "awards.issue_letter": "signed_in",
    "awards.staff_letter": "signed_in",
    "awards.verify": "public",
    "awards.verify_lookup": "public",
    # awards: the applicant's offer (members of the organisation, 404 to others) and finance's payments
    "awards.applicant_award": "signed_in",
    "awards.applicant_decline": "signed_in",
    "awards.applicant_letter": "signed_in",
    "awards.payments": "signed_in",
    "awards.approve_payment": "signed_in",
    "awards.record_payment": "signed_in",
    # programmes: a call's payment schedule (the call's fund managers)
    "programmes.round_payment_schedule": "signed_in",
    # awards: bulk letters (the call's staff see progress and the ZIP; only its fund managers start a batch)
    "awards.letter_batches": "signed_in",
    "awards.letter_batch": "signed_in",
    "awards.letter_batch_status": "signed_in",
    "awards.letter_batch_zip": "signed_in",
    # awards: deciding a call (its fund managers; finance officers and admins may view) and the applicant's outcome
    "awards.decisions": "signed_in",
    "awards.decide": "signed_in",
    "awards.withdraw_award": "signed_in",
    "awards.withdraw_decision": "signed_in",
    "awards.approve_above_line": "signed_in",
    "awards.publish_outcomes": "signed_in",
    "awards.applicant_outcome": "signed_in",
    # reporting
    "reporting.home": "public",
    # reporting: a grantee's monitoring reports (members of the organisation; 404 to anyone else)
    "reporting.grantee_reports": "signed_in",
    "reporting.grantee_report": "signed_in",
    "reporting.grantee_report_section": "signed_in",
    "reporting.grantee_report_evidence": "signed_in",
    "reporting.grantee_remove_evidence": "signed_in",
    "reporting.grantee_report_submit": "signed_in",
    "reporting.report_evidence_file": "signed_in",
    # reporting: staff review, portfolio and monitoring settings (the call's staff; only fund managers change)
    "reporting.round_reports": "signed_in",
    "reporting.review_report": "signed_in",
    "reporting.approve_report": "signed_in",
    "reporting.request_report_changes": "signed_in",
    "reporting.round_portfolio": "signed_in",
    "reporting.fund_portfolio": "signed_in",
    "reporting.round_monitoring": "signed_in",
    # reporting: exports (finance officers, fund managers, admins) and dashboards (the call's or fund's staff)
    "reporting.exports": "signed_in",
    "reporting.export_status": "signed_in",
    "reporting.export_download": "signed_in",
    "reporting.round_dashboard": "signed_in",
    "reporting.fund_dashboard": "signed_in",
    "reporting.round_boroughs": "signed_in",
    "reporting.fund_boroughs": "signed_in",
    # personal data: your own download (signed in, always yourself); removing an organisation's (admins)
    "reporting.your_data": "signed_in",
    "reporting.your_data_download": "signed_in",
    "reporting.admin_personal_data": "requires:is_admin",
    "reporting.admin_anonymise": "requires:is_admin",
    # the audit trail: everything and a person's events (admins); an application's history (its staff)
    "reporting.audit_log_page": "requires:is_admin",
    "reporting.user_audit": "requires:is_admin",
    "reporting.application_history": "signed_in",
}

SAFE = {"GET", "HEAD", "OPTIONS"}


def _endpoints(app: Flask) -> dict[str, set[str]]:
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods.setdefault(rule.endpoint, set()).update(rule.methods or set())
    return methods


def test_every_endpoint_declares_the_expected_access_rule(app: Flask) -> None:
    problems = []
    for endpoint in sorted(_endpoints(app)):
        view = app.view_functions[endpoint]
        declared = getattr(view, "access_rule", None)
        expected = ROUTE_ACCESS.get(endpoint)
        if expected is None:
            problems.append(f"{endpoint}: no row in ROUTE_ACCESS (declared {declared!r})")
        elif declared != expected:
            problems.append(f"{endpoint}: declares {declared!r}, expected {expected!r}")
    assert not problems, "\n".join(problems)


def test_route_access_table_has_no_stale_rows(app: Flask) -> None:
    assert set(ROUTE_ACCESS) - set(_endpoints(app)) == set()


def test_get_only_routes_are_never_wrapped_to_commit(app: Flask) -> None:
    offenders = [
        endpoint
        for endpoint, methods in _endpoints(app).items()
        if methods <= SAFE and getattr(app.view_functions[endpoint], "commits", False)
    ]
    assert offenders == []


def test_routes_that_accept_posts_commit_their_work(app: Flask) -> None:
    missing = [
        endpoint
        for endpoint, methods in _endpoints(app).items()
        if "POST" in methods and not getattr(app.view_functions[endpoint], "commits", False)
    ]
    assert missing == []


def _parameterless_get_urls(app: Flask) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static" and "GET" in (rule.methods or set()) and not rule.arguments:
            urls.append(rule.rule)
    return sorted(urls)


@pytest.mark.parametrize("role", [None, "applicant", *StaffRole])
def test_every_page_without_parameters_renders_for_every_role_without_committing(app: Flask, client, role) -> None:  # type: ignore[no-untyped-def]
    """The GET-commit guard is on in tests: a GET that commits would raise and show up here as a 500."""
    if role == "applicant":
        sign_in(client, UserFactory())
    elif role is not None:
        sign_in(client, staff_user(StaffRole(role)))
    # Staff pages that applicants may not learn exist (the payments page) are 404 to them.
    allowed = {200, 302, 403, 404} if role == "applicant" else {200, 302, 403}
    for url in _parameterless_get_urls(app):
        response = client.get(url)
        assert response.status_code in allowed, f"{url} as {role}: {response.status_code}"
