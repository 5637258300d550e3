"""Retention and anonymisation: once an organisation's retention period has passed, an admin removes its personal
data while the figures finance and 360Giving need stay exactly as they were.

The retention period (config PERSONAL_DATA_RETENTION_YEARS, 7 by default) counts from the latest of: the end of
each of the organisation's awards (declined, withdrawn, its last payment recorded or its last report approved, the
project's end), each decision on its applications, and its last activity (its details or an application saved).
While any award is still running (offered, letter issued, accepted, active) the clock has not started.

What goes (REMOVED in the docs and on the confirmation page): the organisation's address lines, postcode and
website; invitations; every answer except the figures (money, numbers, dates, choices, themes, boroughs, the budget)
and the project summary that 360Giving publishes; withdrawal and decline reasons; uploaded files and application
copies (deleted from storage and their rows removed); monitoring report narratives, evidence and reviewers'
comments; the signatory's name, position and IP address; due-diligence notes; and the member accounts that belong
to no other organisation and hold no staff role (their email, name, phone, password, two-factor set-up, recovery
codes, reset links and queued email).

What stays: the organisation's name, legal type, charity and company numbers, town and borough; application
references, titles, amounts and statuses; decisions; award references, amounts, dates, conditions, acceptance date
and the hash and version of the letter accepted; award letters; payments; report figures; and the audit trail
(append-only).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fundapp.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    PasswordResetToken,
    RecoveryCode,
    User,
    new_session_token,
)
from fundapp.accounts.permissions import is_admin
from fundapp.applications.models import Application
from fundapp.applications.services import COPY_KIND
from fundapp.awards.models import Award, Decision, Payment
from fundapp.awards.states import AwardStatus
from fundapp.core import storage
from fundapp.core.audit import record_event
from fundapp.core.clock import london_to_utc, utcnow
from fundapp.core.documents import StoredDocument
from fundapp.core.errors import DomainError, NotAllowed
from fundapp.core.mail.models import OutboxMessage
from fundapp.core.transactions import after_commit
from fundapp.extensions import db
from fundapp.programmes.queries import questions_by_key
from fundapp.programmes.states import QuestionType
from fundapp.reporting.models import Report, ReportEvidence
from fundapp.reporting.register import SUMMARY_KEY

ANONYMISED_ACTION = "organisation.anonymised"
DEFAULT_RETENTION_YEARS = 7
REASON_MAX_CHARS = 1000
# Awards whose story has ended: the retention clock starts only when every award of the organisation has.
ENDED_AWARDS = frozenset({AwardStatus.COMPLETED, AwardStatus.WITHDRAWN, AwardStatus.DECLINED})
# Answers kept: the figures finance, the register and 360Giving read. Everything else a person typed goes.
KEPT_ANSWER_TYPES = frozenset(
    {
        QuestionType.MONEY,
        QuestionType.NUMBER,
        QuestionType.DATE,
        QuestionType.YES_NO,
        QuestionType.SINGLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.THEMES,
        QuestionType.BOROUGHS,
        QuestionType.BUDGET_TABLE,
    }
)
KEPT_ANSWER_KEYS = frozenset({SUMMARY_KEY})  # published to 360Giving as the grant's description
REPORT_NARRATIVE_KEYS = ("delivered", "changes")
REMOVED_FILENAME = "removed"


def retention_years() -> int:
    """The configured retention period in whole years."""
    return int(current_app.config.get("PERSONAL_DATA_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))


def add_years(moment: datetime, years: int) -> datetime:
    """The same moment `years` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """When an organisation's retention clock started (None while an award is running) and when it ends."""

    organisation_id: int
    started_at: datetime | None
    ends_at: datetime | None
    running_awards: int

    def has_passed(self, now: datetime) -> bool:
        return self.ends_at is not None and self.ends_at <= now


# What moves an organisation's retention clock: (the organisation column, what to join, the moments), each read as
# its latest per organisation in one grouped statement.
_MOMENTS: tuple[tuple[Any, Any, tuple[Any, ...]], ...] = (
    (Application.organisation_id, None, (Application.updated_at,)),
    (Application.organisation_id, (Decision, Decision.application_id == Application.id), (Decision.decided_at,)),
    (
        Award.organisation_id,
        None,
        (
            Award.created_at,
            Award.letter_issued_at,
            Award.accepted_at,
            Award.declined_at,
            Award.activated_at,
            Award.withdrawn_at,
            Award.project_end,
        ),
    ),
    (Award.organisation_id, (Payment, Payment.award_id == Award.id), (Payment.recorded_at,)),
    (Award.organisation_id, (Report, Report.award_id == Award.id), (Report.approved_at, Report.submitted_at)),
)


def _as_moment(stamp: datetime | date) -> datetime:
    return stamp if isinstance(stamp, datetime) else london_to_utc(stamp, time(0))


def list_retention(organisation_ids: list[int] | None = None, *, years: int) -> dict[int, Retention]:
    """Each organisation's retention (every organisation not yet anonymised, or those given), in a fixed number of
    grouped statements whatever the number of organisations."""
    orgs = sa.select(Organisation.id, Organisation.updated_at, Organisation.created_at)
    if organisation_ids is not None:
        orgs = orgs.where(Organisation.id.in_(organisation_ids))
    else:
        orgs = orgs.where(Organisation.anonymised_at.is_(None))
    rows: list[Any] = list(db.session.execute(orgs))
    ids = [row[0] for row in rows]
    for org_column, join, columns in _MOMENTS:
        query = sa.select(org_column, *(sa.func.max(column) for column in columns))
        if join is not None:
            query = query.join(*join)
        rows.extend(db.session.execute(query.where(org_column.in_(ids)).group_by(org_column)))
    stamps: dict[int, list[datetime]] = defaultdict(list)
    for org_id, *moments in rows:
        stamps[org_id].extend(_as_moment(moment) for moment in moments if moment is not None)
    running: dict[int, int] = {
        org_id: count
        for org_id, count in db.session.execute(
            sa.select(Award.organisation_id, sa.func.count())
            .where(Award.organisation_id.in_(ids), Award.status.not_in(sorted(ENDED_AWARDS)))
            .group_by(Award.organisation_id)
        )
    }
    result = {}
    for org_id in ids:
        started = None if running.get(org_id) else max(stamps[org_id])
        result[org_id] = Retention(
            organisation_id=org_id,
            started_at=started,
            ends_at=add_years(started, years) if started is not None else None,
            running_awards=running.get(org_id, 0),
        )
    return result


def get_retention(organisation: Organisation, *, years: int) -> Retention:
    """One organisation's retention."""
    return list_retention([organisation.id], years=years)[organisation.id]


@dataclass(frozen=True)
class DueOrganisation:
    organisation: Organisation
    retention: Retention


def list_due_for_anonymisation(*, now: datetime, years: int) -> list[DueOrganisation]:
    """Organisations not yet anonymised whose retention period has passed, longest-passed first."""
    due = [r for r in list_retention(years=years).values() if r.has_passed(now)]
    orgs = {
        o.id: o
        for o in db.session.scalars(
            sa.select(Organisation).where(Organisation.id.in_([r.organisation_id for r in due]))
        )
    }
    return [
        DueOrganisation(organisation=orgs[r.organisation_id], retention=r)
        for r in sorted(due, key=lambda r: (r.ends_at, r.organisation_id))
    ]


def find_organisations(search: str, *, limit: int = 50) -> list[Organisation]:
    """Organisations whose name, charity or company number contains the text, by name."""
    pattern = f"%{search.lower()}%"
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                sa.or_(
                    sa.func.lower(Organisation.name).like(pattern),
                    Organisation.charity_number.like(pattern),
                    sa.func.lower(Organisation.company_number).like(pattern),
                )
            )
            .order_by(Organisation.name, Organisation.id)
            .limit(limit)
        )
    )


# --- removing -----------------------------------------------------------------------------------------------


def _delete_stored(rows: Iterable[Any]) -> int:
    """Delete the rows now and their files once the removal has committed (a rollback keeps both)."""
    count = 0
    for row in rows:
        after_commit(partial(storage.delete, row.storage_key))
        db.session.delete(row)
        count += 1
    return count


def _without(mapping: dict[str, Any] | None, keys: Iterable[str]) -> dict[str, Any]:
    return {k: v for k, v in (mapping or {}).items() if k not in set(keys)}


def _clean_applications(applications: list[Application], counts: dict[str, int]) -> None:
    questions = questions_by_key({a.round_id for a in applications})
    for application in applications:
        for answer in application.answers:
            question = questions.get((application.round_id, answer.question_key))
            kept = answer.question_key in KEPT_ANSWER_KEYS or (
                question is not None and question.type in KEPT_ANSWER_TYPES
            )
            if not kept and (answer.raw is not None or answer.value is not None):
                answer.raw, answer.value = None, None
                counts["answers"] += 1
        if application.withdrawal_reason:
            application.withdrawal_reason = None
        counts["files"] += _delete_stored(list(application.attachments))
    ids = [a.id for a in applications]
    copies = db.session.scalars(
        sa.select(StoredDocument).where(
            StoredDocument.kind == COPY_KIND,
            StoredDocument.subject_type == "Application",
            StoredDocument.subject_id.in_(ids),
        )
    )
    counts["application_copies"] += _delete_stored(list(copies))


def _clean_awards(awards: list[Award], counts: dict[str, int]) -> None:
    for award in awards:
        award.accepted_name = award.accepted_position = award.accepted_ip = None
        award.decline_reason = None
        for check in award.checks:
            check.note = ""
        reports = db.session.scalars(sa.select(Report).where(Report.award_id == award.id)).all()
        for report in reports:
            report.raw = _without(report.raw, REPORT_NARRATIVE_KEYS)
            report.values = _without(report.values, REPORT_NARRATIVE_KEYS)
            for submission in report.submissions:
                content = dict(submission.content or {})
                content["values"] = _without(content.get("values"), REPORT_NARRATIVE_KEYS)
                content["evidence"] = [{**item, "filename": REMOVED_FILENAME} for item in content.get("evidence", [])]
                submission.content = content
                submission.comments = ""
            counts["reports"] += 1
            counts["files"] += _delete_stored(
                list(db.session.scalars(sa.select(ReportEvidence).where(ReportEvidence.report_id == report.id)))
            )


def _anonymise_user(user: User, now: datetime) -> None:
    old_email = user.email
    user.email = f"removed-{user.id}@anonymised.invalid"
    user.full_name = "Removed"
    user.phone = None
    # Not an Argon2 hash, so no password can ever match it.
    user.password_hash = f"!{secrets.token_hex(16)}"
    user.is_active = False
    user.session_token = new_session_token()
    user.totp_secret = user.totp_enabled_at = user.totp_last_counter = None
    user.anonymised_at = now
    for model in (RecoveryCode, PasswordResetToken):
        for row in db.session.scalars(sa.select(model).where(model.user_id == user.id)):
            db.session.delete(row)
    for message in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == old_email)):
        db.session.delete(message)


def _members_to_anonymise(organisation: Organisation) -> list[User]:
    """Members who belong to no other organisation and hold no staff role (anyone else still needs an account)."""
    users = []
    for membership in organisation.memberships:
        user = membership.user
        elsewhere = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.user_id == user.id, Membership.organisation_id != organisation.id)
        )
        if not elsewhere and not user.role_assignments and user.anonymised_at is None:
            users.append(user)
    return users


def anonymise_organisation(
    *,
    actor: User,
    organisation: Organisation,
    reason: str,
    now: datetime | None = None,
    years: int | None = None,
) -> dict[str, int]:
    """Remove the organisation's personal data (see the module docstring for what goes and what stays), set its
    anonymised_at and record organisation.anonymised with the counts of what went; returns those counts.

    Raises NotAllowed unless the actor is an admin; DomainError at "reason" without a reason, when the organisation
    was already anonymised, or before its retention period has passed (invariant: nothing is removed early).
    """
    if not is_admin(actor):
        raise NotAllowed("Only admins can remove an organisation's personal data")
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the personal data is being removed", field="reason")
    if len(reason) > REASON_MAX_CHARS:
        raise DomainError(f"The reason must be {REASON_MAX_CHARS:,} characters or fewer", field="reason")
    if organisation.anonymised_at is not None:
        raise DomainError("This organisation's personal data has already been removed", field="reason")
    retention = get_retention(organisation, years=years if years is not None else retention_years())
    if not retention.has_passed(now):
        when = "an award is still running" if retention.ends_at is None else "its retention period has not ended"
        raise DomainError(f"You cannot remove this organisation's personal data yet: {when}", field="reason")

    counts: dict[str, int] = defaultdict(int)
    applications = list(
        db.session.scalars(sa.select(Application).where(Application.organisation_id == organisation.id))
    )
    _clean_applications(applications, counts)
    _clean_awards(list(db.session.scalars(sa.select(Award).where(Award.organisation_id == organisation.id))), counts)
    invitations = list(db.session.scalars(sa.select(Invitation).where(Invitation.organisation_id == organisation.id)))
    for invitation in invitations:
        db.session.delete(invitation)
    counts["invitations"] = len(invitations)
    members = _members_to_anonymise(organisation)
    for user in members:
        _anonymise_user(user, now)
    counts["people"] = len(members)

    organisation.address_line_1 = ""
    organisation.address_line_2 = None
    organisation.postcode = ""
    organisation.website = None
    organisation.anonymised_at = now
    summary = {
        key: counts[key] for key in ("answers", "files", "application_copies", "reports", "invitations", "people")
    }
    record_event(
        ANONYMISED_ACTION,
        actor=actor,
        subject=organisation,
        data={"reason": reason, "removed": summary, "retention_ended_at": (retention.ends_at or now).isoformat()},
    )
    db.session.flush()
    return summary
