"""Who may fill, review and see monitoring reports, export the award register and open the dashboards.

The grantee's members fill and submit their award's reports; the call's fund managers review them; fund managers,
finance officers and admins see reports, dashboards and exports (export rights follow view rights on each call)."""

from __future__ import annotations

from typing import Any

from fundapp.accounts.permissions import has_role, holds_role_anywhere, is_admin, is_member
from fundapp.accounts.states import StaffRole
from fundapp.awards.models import Award
from fundapp.awards.permissions import can_view_award_as_applicant
from fundapp.awards.states import AwardStatus
from fundapp.programmes.models import Fund, Round
from fundapp.programmes.permissions import can_manage_round, can_view_round
from fundapp.reporting.models import Report, ReportEvidence

# Awards whose reports the grantee works on: accepted and not withdrawn.
REPORTING_AWARD_STATUSES = frozenset({AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED})


def can_see_reports_as_grantee(user: Any, award: Award) -> bool:
    """Members of the organisation see its reports once the award is accepted."""
    return can_view_award_as_applicant(user, award) and award.status in REPORTING_AWARD_STATUSES


def can_edit_report(user: Any, report: Report) -> bool:
    """Members of the grantee organisation fill in, upload evidence to and submit its award's reports."""
    return can_see_reports_as_grantee(user, report.award) and is_member(user, report.award.organisation)


def can_review_reports(user: Any, round_: Round) -> bool:
    """The call's fund managers (and admins) approve reports or ask for changes."""
    return can_manage_round(user, round_)


def can_view_reports(user: Any, round_: Round) -> bool:
    """Staff who run or pay for the call read its reports and portfolio: fund managers, finance, admins."""
    return can_view_round(user, round_)


def can_download_submitted_evidence(user: Any, report: Report, evidence: ReportEvidence) -> bool:
    """Staff who see the call's reports download the evidence the grantee sent them (a file in one of the report's
    submissions), never a file added to a draft they have not submitted."""
    submitted = {item.get("id") for s in report.submissions for item in s.content.get("evidence", [])}
    return can_view_reports(user, report.round) and evidence.id in submitted


def can_change_monitoring(user: Any, round_: Round) -> bool:
    """The call's fund managers set its metrics and report schedule."""
    return can_manage_round(user, round_)


def can_export_round(user: Any, round_: Round) -> bool:
    """Finance officers, fund managers and admins of the call export its award register."""
    return can_view_round(user, round_)


def can_view_fund(user: Any, fund: Fund) -> bool:
    """Fund managers and finance officers of the whole fund (or system-wide) and admins see fund-wide dashboards
    and exports; someone who holds a role on one call only sees that call."""
    return (
        is_admin(user)
        or has_role(user, StaffRole.FUND_MANAGER, fund_id=fund.id)
        or has_role(user, StaffRole.FINANCE_OFFICER, fund_id=fund.id)
    )


def can_export(user: Any) -> bool:
    """Opens the exports page: a finance officer or fund manager anywhere, or an admin."""
    return (
        is_admin(user)
        or holds_role_anywhere(user, StaffRole.FINANCE_OFFICER)
        or holds_role_anywhere(user, StaffRole.FUND_MANAGER)
    )
