"""Subject access: everything the service holds about one person, as readable JSON and their files, in one ZIP.

It lives in reporting, the highest layer, because it gathers from every domain (accounts, applications, awards,
monitoring reports). What goes in is what the person could already see, or typed or uploaded themselves:

- their account (never the password hash, the two-factor secret, recovery codes or the session token), staff roles;
- the organisations they belong to, with their role, and invitations sent to them or by them;
- every application of those organisations with its answers; decisions only once published to the applicant (the
  outcome and the feedback, never the panel's reason, the scores, assessors or who decided);
- the awards the applicant has been told about, their payments and monitoring reports (with reviewers' comments,
  which the grantee reads, but never who reviewed);
- the files they uploaded themselves (applications' attachments, reports' evidence), under safe names;
- the audit events where they acted or that are about their account (the IP address only of their own actions).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from fundapp.accounts.models import Invitation, Membership, User
from fundapp.accounts.states import LEGAL_TYPE_LABELS, MEMBER_ROLE_LABELS, STAFF_ROLE_LABELS
from fundapp.applications.models import Application, Attachment
from fundapp.applications.states import applicant_label
from fundapp.awards.models import Award, Decision
from fundapp.awards.states import AWARD_APPLICANT_LABELS, OUTCOME_APPLICANT_LABELS, PAYMENT_LABELS
from fundapp.core import storage
from fundapp.core.audit import AuditEvent, record_read_event
from fundapp.core.clock import london_today
from fundapp.core.money import format_pence
from fundapp.core.uploads import safe_filename
from fundapp.extensions import db
from fundapp.programmes.queries import questions_by_key
from fundapp.reporting.models import Report, ReportEvidence
from fundapp.reporting.states import REPORT_GRANTEE_LABELS

DOWNLOADED_ACTION = "personal_data.downloaded"


@dataclass(frozen=True)
class PersonalDataFile:
    """The ZIP to send: its name and bytes, and how much is in it (for the audit event)."""

    filename: str
    data: bytes
    counts: dict[str, int]


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _money(pence: int | None) -> dict[str, Any] | None:
    return None if pence is None else {"pence": pence, "pounds": format_pence(pence)}


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "account_active": user.is_active,
        "created_at": _when(user.created_at),
        "last_signed_in_at": _when(user.last_signed_in_at),
        "password_changed_at": _when(user.password_changed_at),
        "two_factor_enabled_at": _when(user.totp_enabled_at),
        "staff_roles": [
            {
                "role": STAFF_ROLE_LABELS[a.role],
                "fund_id": a.fund_id,
                "call_id": a.round_id,
                "since": _when(a.granted_at),
            }
            for a in user.role_assignments
        ],
    }


def _organisation(membership: Membership) -> dict[str, Any]:
    org = membership.organisation
    return {
        "id": org.id,
        "name": org.name,
        "legal_type": LEGAL_TYPE_LABELS[org.legal_type],
        "charity_number": org.charity_number,
        "company_number": org.company_number,
        "address_line_1": org.address_line_1,
        "address_line_2": org.address_line_2,
        "town": org.town,
        "postcode": org.postcode,
        "borough_gss": org.borough_gss,
        "website": org.website,
        "annual_income": _money(org.annual_income_pence),
        "your_role": MEMBER_ROLE_LABELS[membership.role],
        "member_since": _when(membership.created_at),
    }


def _invitations(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Invitation)
        .where(sa.or_(Invitation.email == user.email, Invitation.invited_by_id == user.id))
        .order_by(Invitation.created_at, Invitation.id)
    )
    return [
        {
            "organisation": invitation.organisation.name,
            "email": invitation.email,
            "sent_by_you": invitation.invited_by_id == user.id,
            "sent_at": _when(invitation.created_at),
            "expires_at": _when(invitation.expires_at),
            "accepted_at": _when(invitation.accepted_at),
            "revoked_at": _when(invitation.revoked_at),
        }
        for invitation in rows
    ]


def _decision(decision: Decision | None) -> dict[str, Any] | None:
    # Only what the applicant has been told: never the panel's reason or who decided.
    if decision is None or decision.published_at is None:
        return None
    return {
        "outcome": OUTCOME_APPLICANT_LABELS[decision.outcome],
        "feedback": decision.feedback,
        "told_at": _when(decision.published_at),
    }


def _application(
    application: Application, labels: dict[tuple[int, str], str], decision: Decision | None
) -> dict[str, Any]:
    published = decision is not None and decision.published_at is not None
    return {
        "id": application.id,
        "reference": application.reference,
        "call": f"{application.round.name} ({application.round.code})",
        "organisation": application.organisation.name,
        "status": applicant_label(application.status, outcomes_published=published),
        "project_title": application.project_title,
        "amount_requested": _money(application.amount_requested_pence),
        "started_at": _when(application.created_at),
        "submitted_at": _when(application.submitted_at),
        "withdrawn_at": _when(application.withdrawn_at),
        "withdrawal_reason": application.withdrawal_reason,
        "answers": [
            {
                "question": labels.get((application.round_id, answer.question_key), answer.question_key),
                "question_key": answer.question_key,
                "as_typed": answer.raw,
                "checked_value": answer.value,
                "saved_at": _when(answer.updated_at),
            }
            for answer in application.answers
        ],
        "files": [
            {"name": a.filename, "size_bytes": a.size_bytes, "uploaded_at": _when(a.uploaded_at)}
            for a in application.attachments
        ],
        "decision": _decision(decision),
    }


def _report(report: Report, user: User) -> dict[str, Any]:
    return {
        "label": report.label,
        "due_on": _when(report.due_on),
        "status": REPORT_GRANTEE_LABELS[report.status],
        "as_typed": report.raw,
        "submitted_at": _when(report.submitted_at),
        "approved_at": _when(report.approved_at),
        "submissions": [
            {
                "number": s.number,
                "submitted_at": _when(s.submitted_at),
                "submitted_by_you": s.submitted_by_id == user.id,
                "outcome": s.outcome.value if s.outcome else None,
                "comments_from_the_fund": s.comments,
                "reviewed_at": _when(s.reviewed_at),
            }
            for s in report.submissions
        ],
        "evidence": [{"name": e.filename, "uploaded_at": _when(e.uploaded_at)} for e in report.evidence],
    }


def _award(award: Award, reports: list[Report], user: User) -> dict[str, Any]:
    accepted_by_you = award.accepted_by_id == user.id
    return {
        "reference": award.reference,
        "status": AWARD_APPLICANT_LABELS[award.status],
        "amount": _money(award.amount_pence),
        "conditions": award.conditions,
        "project_start": _when(award.project_start),
        "project_end": _when(award.project_end),
        "letter_issued_at": _when(award.letter_issued_at),
        "accepted_at": _when(award.accepted_at),
        "accepted_by_you": accepted_by_you,
        # The signatory's name, position and IP address are theirs: only when this person signed.
        "accepted_name": award.accepted_name if accepted_by_you else None,
        "accepted_position": award.accepted_position if accepted_by_you else None,
        "accepted_from_ip": award.accepted_ip if accepted_by_you else None,
        "declined_at": _when(award.declined_at),
        "decline_reason": award.decline_reason,
        "payments": [
            {
                "label": p.label,
                "amount": _money(p.amount_pence),
                "status": PAYMENT_LABELS[p.status],
                "paid_on": _when(p.paid_on),
            }
            for p in award.payments
        ],
        "monitoring_reports": [_report(r, user) for r in reports],
    }


def _audit_events(user: User) -> list[dict[str, Any]]:
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            sa.or_(
                AuditEvent.actor_id == user.id,
                sa.and_(AuditEvent.subject_type == "User", AuditEvent.subject_id == user.id),
            )
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    return [
        {
            "at": _when(event.occurred_at),
            "action": event.action,
            "by_you": event.actor_id == user.id,
            "about": f"{event.subject_type} {event.subject_id}" if event.subject_type else None,
            "details": event.data,
            # Someone else's IP address is their personal data, not this person's.
            "ip_address": event.ip_address if event.actor_id == user.id else None,
        }
        for event in events
    ]


def _uploaded_files(user: User) -> list[tuple[str, str]]:
    """(path in the ZIP, storage key) of every file this person uploaded."""
    files: list[tuple[str, str]] = []
    for a in db.session.scalars(
        sa.select(Attachment).where(Attachment.uploaded_by_id == user.id).order_by(Attachment.id)
    ):
        folder = a.application.reference or f"draft-{a.application_id}"
        files.append((f"files/applications/{safe_filename(folder)}/{a.id}-{safe_filename(a.filename)}", a.storage_key))
    for e in db.session.scalars(
        sa.select(ReportEvidence).where(ReportEvidence.uploaded_by_id == user.id).order_by(ReportEvidence.id)
    ):
        files.append((f"files/reports/report-{e.report_id}/{e.id}-{safe_filename(e.filename)}", e.storage_key))
    return files


def gather_personal_data(user: User) -> dict[str, Any]:
    """Everything held about the person that they may see, as plain JSON-ready values (no secrets, nothing about
    other people beyond what they already see)."""
    memberships = list(
        db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id).order_by(Membership.id))
    )
    org_ids = [m.organisation_id for m in memberships]
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.organisation_id.in_(org_ids))
            .order_by(Application.organisation_id, Application.id)
        )
    )
    app_ids = [a.id for a in applications]
    decisions = {
        d.application_id: d for d in db.session.scalars(sa.select(Decision).where(Decision.application_id.in_(app_ids)))
    }
    questions = questions_by_key({a.round_id for a in applications})
    labels = {key: question.label for key, question in questions.items()}
    awards = [
        award
        for award in db.session.scalars(
            sa.select(Award).where(Award.organisation_id.in_(org_ids)).order_by(Award.reference)
        )
        # Only awards the applicant has been told about.
        if _decision(decisions.get(award.application_id)) is not None or award.letter_issued_at is not None
    ]
    reports = list(
        db.session.scalars(
            sa.select(Report).where(Report.award_id.in_([a.id for a in awards])).order_by(Report.position)
        )
    )
    return {
        "about_this_file": "Everything the service holds about you, as of the date below. Dates and times are UTC.",
        "made_on": _when(london_today()),
        "account": _account(user),
        "organisations": [_organisation(m) for m in memberships],
        "invitations": _invitations(user),
        "applications": [_application(a, labels, decisions.get(a.id)) for a in applications],
        "awards": [_award(a, [r for r in reports if r.award_id == a.id], user) for a in awards],
        "activity": _audit_events(user),
    }


README = """Your data from {service}

personal-data.json holds everything the service keeps about you: your account, your organisations, applications
and their answers, decisions you have been told about, awards, payments, monitoring reports and a record of what
you did in the service (sign-ins, changes).
The files folder holds the files you uploaded yourself.
It does not hold your password or two-factor secret: the service keeps only a one-way scramble of them.
"""


def build_personal_data_zip(user: User, *, service_name: str) -> PersonalDataFile:
    """The person's data as a ZIP (personal-data.json, README.txt and the files they uploaded). A file missing from
    the store is listed in missing_files instead of failing the whole download."""
    content = gather_personal_data(user)
    missing: list[str] = []
    out = io.BytesIO()
    files = _uploaded_files(user)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(service=service_name))
        for path, key in files:
            try:
                archive.writestr(path, storage.read(key))
            except storage.UnknownFile:
                missing.append(path)
        content["missing_files"] = missing
        archive.writestr("personal-data.json", json.dumps(content, indent=2, ensure_ascii=False, default=str))
    counts = {
        "organisations": len(content["organisations"]),
        "applications": len(content["applications"]),
        "awards": len(content["awards"]),
        "files": len(files) - len(missing),
        "activity": len(content["activity"]),
    }
    return PersonalDataFile(filename=f"your-data-{london_today().isoformat()}.zip", data=out.getvalue(), counts=counts)


def download_personal_data(*, actor: User, service_name: str) -> PersonalDataFile:
    """Build the person's own data file and record (and commit) that they downloaded it (personal_data.downloaded).
    Only ever for the signed-in person themselves: there is no way to ask for someone else's."""
    result = build_personal_data_zip(actor, service_name=service_name)
    record_read_event(DOWNLOADED_ACTION, actor=actor, subject=actor, data={"counts": result.counts})
    return result
