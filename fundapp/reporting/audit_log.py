"""Reading the audit trail: every event, one person's, or one application's history (the application and its
children: sections, attachments, assessments, moderation, decision, award, due diligence, payments, reports), newest
first, 50 a page, with a plain-English label for each action.

Reporting may import every domain, so the application's children are found here: one query whose conditions are
"subject is <type> and its id is among <subquery of that type's rows for the application>", with no round trips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import sqlalchemy as sa

from fundapp.accounts.models import User
from fundapp.applications.models import Application, ApplicationSection, Attachment
from fundapp.assessment.models import Assessment, Moderation
from fundapp.awards.models import Award, Decision, DueDiligenceCheck, Payment
from fundapp.core.audit import AuditEvent
from fundapp.core.clock import london_to_utc
from fundapp.extensions import db
from fundapp.reporting.models import Report, ReportEvidence, ReportSubmission

PAGE_SIZE = 50

# A plain-English label for each action (the code is shown beside it, small). Unknown codes read as their words.
ACTION_LABELS: dict[str, str] = {
    "application.assessed": "Application assessed",
    "application.assessment_begun": "Assessment of the application begun",
    "application.assessment_reopened": "Assessment of the application reopened",
    "application.decision_withdrawn": "Decision on the application withdrawn",
    "application.eligibility_overridden": "Eligibility decision overridden",
    "application.moderated": "Application moderated",
    "application.screened": "Application screened for eligibility",
    "application.section_completed": "Application section completed",
    "application.section_left_in_progress": "Application section saved as in progress",
    "application.section_saved": "Application section saved",
    "application.started": "Application started",
    "application.submitted": "Application submitted",
    "application.withdrawn": "Application withdrawn",
    "application_copy.downloaded": "Submitted application downloaded",
    "assessment.assigned": "Assessor assigned",
    "assessment.conflict_declared": "Conflict of interest declared",
    "assessment.no_conflict_confirmed": "No conflict of interest confirmed",
    "assessment.reminder_sent": "Assessor reminded",
    "assessment.reopened": "Scorecard reopened",
    "assessment.saved": "Scorecard saved",
    "assessment.submitted": "Scorecard submitted",
    "assessment.unassigned": "Assessor unassigned",
    "assessor.connection_declared": "Assessor's connection declared",
    "assessor.connection_removed": "Assessor's connection removed",
    "attachment.added": "Attachment added",
    "attachment.downloaded": "Attachment downloaded",
    "attachment.removed": "Attachment removed",
    "attachment.replaced": "Attachment replaced",
    "auth.access_denied": "Refused a page",
    "auth.password_reset": "Password reset",
    "auth.password_reset_requested": "Password reset requested",
    "auth.password_reset_requested_unknown": "Password reset requested for an unknown email",
    "auth.reauthentication_failed": "Re-authentication failed",
    "auth.recovery_code_used": "Recovery code used",
    "auth.recovery_codes_regenerated": "Recovery codes replaced",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.signed_in": "Signed in",
    "auth.signed_out": "Signed out",
    "auth.two_factor_disabled": "Two-factor authentication turned off",
    "auth.two_factor_enabled": "Two-factor authentication set up",
    "auth.two_factor_failed": "Two-factor code refused",
    "auth.two_factor_reset": "Two-factor authentication reset by an admin",
    "award.accepted": "Offer accepted",
    "award.activated": "Award active",
    "award.completed": "Award completed",
    "award.declined": "Offer declined",
    "award.due_diligence_checked": "Due diligence check done",
    "award.due_diligence_undone": "Due diligence check undone",
    "award.letter_reissued": "Award letter reissued",
    "award.offered": "Offer made",
    "award.payments_due": "Payments scheduled",
    "award.removed": "Award removed",
    "award.withdrawn": "Award withdrawn",
    "award_letter.downloaded": "Award letter downloaded",
    "criterion.added": "Criterion added",
    "criterion.removed": "Criterion removed",
    "criterion.updated": "Criterion changed",
    "decision.bulk_approved": "Applications approved together",
    "decision.withdrawn": "Decision withdrawn",
    "export.downloaded": "Export downloaded",
    "export.finished": "Export finished",
    "export.requested": "Export requested",
    "export.started": "Export started",
    "fund.created": "Fund created",
    "letters.batch_downloaded": "Letters downloaded",
    "letters.batch_finished": "Letters finished",
    "letters.batch_letter_failed": "A letter could not be made",
    "letters.batch_letter_issued": "Letter issued",
    "letters.batch_started": "Letters started",
    "moderation.awaiting_confirmation": "Scores awaiting confirmation",
    "moderation.flagged": "Scores flagged for moderation",
    "moderation.resolved": "Moderation resolved",
    "organisation.anonymised": "Organisation's personal data removed",
    "organisation.created": "Organisation created",
    "organisation.member_invited": "Member invited",
    "organisation.member_joined": "Member joined",
    "organisation.updated": "Organisation changed",
    "payment.approved": "Payment approved",
    "payment.failed": "Payment failed",
    "payment.paid": "Payment recorded as paid",
    "personal_data.downloaded": "Personal data downloaded",
    "ranking.exported": "Ranking downloaded",
    "report.approved": "Report approved",
    "report.changes_requested": "Report changes requested",
    "report.evidence_added": "Report evidence added",
    "report.evidence_removed": "Report evidence removed",
    "report.reminded": "Grantee reminded of a report",
    "report.section_saved": "Report section saved",
    "report.started": "Report started",
    "report.submitted": "Report submitted",
    "report_evidence.downloaded": "Report evidence downloaded",
    "reports.scheduled": "Reports scheduled",
    "role.assigned": "Staff role given",
    "role.removed": "Staff role removed",
    "round.assessing": "Call moved to assessment",
    "round.assessment_settings_updated": "Call's assessment settings changed",
    "round.auto_assigned": "Assessors assigned automatically",
    "round.budget_committed": "Call budget committed",
    "round.budget_released": "Call budget released",
    "round.closed": "Call closed",
    "round.created": "Call created",
    "round.moderation_started": "Moderation started",
    "round.monitoring_updated": "Call's monitoring settings changed",
    "round.outcomes_emailed": "Outcomes emailed",
    "round.outcomes_published": "Outcomes published",
    "round.payment_template_updated": "Call's payment schedule changed",
    "round.question_set_copied": "Questions copied",
    "round.question_set_loaded": "Questions loaded",
    "round.setup_copied": "Call set-up copied",
    "round.themes_changed": "Call's themes changed",
    "round.tiers_changed": "Call's tiers changed",
    "round.updated": "Call changed",
    "user.disabled": "Account disabled",
    "user.email_changed": "Email address changed",
    "user.enabled": "Account enabled",
    "user.password_changed": "Password changed",
    "user.profile_updated": "Profile changed",
    "user.registered": "Account created",
}


def action_label(code: str) -> str:
    """The plain-English label for an action code (its words, capitalised, when there is no label)."""
    return ACTION_LABELS.get(code) or code.replace(".", ": ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    person_email: str | None = None
    date_from: date | None = None  # Europe/London days, inclusive
    date_to: date | None = None


@dataclass
class AuditPage:
    events: list[AuditEvent]
    actors: dict[int, User]
    page: int
    has_next: bool
    changes: dict[int, list[tuple[str, Any, Any]]] = field(default_factory=dict)


def _page(query: sa.Select[tuple[AuditEvent]], page: int) -> AuditPage:
    page = max(page, 1)
    rows = list(
        db.session.scalars(
            query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    events = rows[:PAGE_SIZE]
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    actors = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    return AuditPage(
        events=events,
        actors=actors,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        changes={e.id: list_changes(e) for e in events},
    )


def list_changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """The (field, before, after) triples an event recorded in data["changes"] (and a status move's from/to)."""
    data = event.data or {}
    found: list[tuple[str, Any, Any]] = []
    if "from" in data and "to" in data:
        found.append(("status", data["from"], data["to"]))
    changes = data.get("changes")
    if isinstance(changes, dict):
        for name, pair in changes.items():
            if isinstance(pair, list | tuple) and len(pair) == 2:
                found.append((str(name), pair[0], pair[1]))
    return found


def list_events(*, filters: AuditFilters, page: int = 1) -> AuditPage:
    """Every audit event matching the filters (action, the actor's email, London days from/to), newest first."""
    query = sa.select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.person_email:
        person = sa.select(User.id).where(User.email == filters.person_email.strip().lower()).scalar_subquery()
        query = query.where(AuditEvent.actor_id == person)
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= london_to_utc(filters.date_from, time(0)))
    if filters.date_to:
        query = query.where(AuditEvent.occurred_at < london_to_utc(filters.date_to + timedelta(days=1), time(0)))
    return _page(query, page)


def list_user_events(*, user_id: int, page: int = 1) -> AuditPage:
    """A person's events: what they did (as actor) and what was done to their account (as subject)."""
    query = sa.select(AuditEvent).where(
        sa.or_(
            AuditEvent.actor_id == user_id,
            sa.and_(AuditEvent.subject_type == "User", AuditEvent.subject_id == user_id),
        )
    )
    return _page(query, page)


def _children(application_id: int) -> list[tuple[str, sa.Select[Any]]]:
    """(subject type, ids of that type belonging to the application) for each child that events are about."""
    award_ids = sa.select(Award.id).where(Award.application_id == application_id)
    report_ids = sa.select(Report.id).where(Report.award_id.in_(award_ids))
    return [
        ("Application", sa.select(Application.id).where(Application.id == application_id)),
        (
            "ApplicationSection",
            sa.select(ApplicationSection.id).where(ApplicationSection.application_id == application_id),
        ),
        ("Attachment", sa.select(Attachment.id).where(Attachment.application_id == application_id)),
        ("Assessment", sa.select(Assessment.id).where(Assessment.application_id == application_id)),
        ("Moderation", sa.select(Moderation.id).where(Moderation.application_id == application_id)),
        ("Decision", sa.select(Decision.id).where(Decision.application_id == application_id)),
        ("Award", award_ids),
        ("DueDiligenceCheck", sa.select(DueDiligenceCheck.id).where(DueDiligenceCheck.award_id.in_(award_ids))),
        ("Payment", sa.select(Payment.id).where(Payment.award_id.in_(award_ids))),
        ("Report", report_ids),
        ("ReportSubmission", sa.select(ReportSubmission.id).where(ReportSubmission.report_id.in_(report_ids))),
        ("ReportEvidence", sa.select(ReportEvidence.id).where(ReportEvidence.report_id.in_(report_ids))),
    ]


def list_application_history(*, application_id: int, page: int = 1) -> AuditPage:
    """The events about an application and its children (sections to reports), newest first, in one query."""
    conditions = [
        sa.and_(AuditEvent.subject_type == kind, AuditEvent.subject_id.in_(ids))
        for kind, ids in _children(application_id)
    ]
    return _page(sa.select(AuditEvent).where(sa.or_(*conditions)), page)
