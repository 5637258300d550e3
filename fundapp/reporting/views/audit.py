"""Reading the audit trail: an admin's audit log of everything (filtered by action, person and days), a person's
events from the admin user page, and an application's history from the staff application page (the staff who may
see that page)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user

from fundapp.accounts import queries as account_queries
from fundapp.accounts.permissions import is_admin
from fundapp.applications import permissions as application_permissions
from fundapp.applications import queries as application_queries
from fundapp.core.audit import AuditEvent
from fundapp.core.auth import authorize, requires, signed_in
from fundapp.reporting import audit_log, bp
from fundapp.reporting.forms.audit import AuditFilterForm

# What the subject of an event is called on screen.
SUBJECT_NAMES = {
    "ApplicationSection": "Application section",
    "DueDiligenceCheck": "Due diligence check",
    "ReportSubmission": "Report submission",
    "ReportEvidence": "Report evidence",
    "RoleAssignment": "Staff role",
    "LetterBatch": "Letter run",
    "StoredDocument": "Document",
    "User": "Person",
}
# Events without an actor that someone outside did (a failed sign-in, a reset asked for an unknown email).
ANONYMOUS_ACTIONS = ("auth.",)


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _subject_link(event: AuditEvent) -> str | None:
    if event.subject_id is None:
        return None
    if event.subject_type == "Application":
        return url_for("applications.staff_view", application_id=event.subject_id)
    if event.subject_type == "User" and is_admin(current_user):
        return url_for("programmes.admin_user", user_id=event.subject_id)
    return None


def _rows(page: audit_log.AuditPage) -> list[dict[str, Any]]:
    """What the events table shows for each event."""
    rows = []
    for event in page.events:
        actor = page.actors.get(event.actor_id) if event.actor_id is not None else None
        if actor is not None:
            who = {"name": actor.full_name, "email": actor.email}
        elif event.action.startswith(ANONYMOUS_ACTIONS):
            who = {"name": "Someone not signed in", "email": None}
        else:
            who = {"name": "System", "email": None}
        subject = None
        if event.subject_type:
            name = SUBJECT_NAMES.get(event.subject_type, event.subject_type)
            subject = {"text": f"{name} {event.subject_id}", "href": _subject_link(event)}
        rows.append(
            {
                "event": event,
                "who": who,
                "label": audit_log.action_label(event.action),
                "subject": subject,
                "changes": page.changes.get(event.id, []),
            }
        )
    return rows


def _pages(page: audit_log.AuditPage, endpoint: str, **values: Any) -> dict[str, Any]:
    """The GOV.UK pagination's previous and next links, keeping the page's filters."""
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"}
    links: dict[str, Any] = {}
    if page.page > 1:
        links["previous"] = {"href": url_for(endpoint, **values, **args, page=page.page - 1)}
    if page.has_next:
        links["next"] = {"href": url_for(endpoint, **values, **args, page=page.page + 1)}
    return links


@bp.get("/admin/audit")
@requires(is_admin)
def audit_log_page():
    form = AuditFilterForm(formdata=request.args if request.args.get("submit") else None)
    filtered = bool(request.args.get("submit")) and form.validate()
    page = audit_log.list_events(filters=form.filters() if filtered else audit_log.AuditFilters(), page=_page_number())
    return render_template(
        "reporting/audit/log.html",
        form=form,
        rows=_rows(page) if not form.errors else [],
        pagination=_pages(page, "reporting.audit_log_page"),
        page=page,
        title="Audit log",
    )


@bp.get("/admin/users/<int:user_id>/audit")
@requires(is_admin)
def user_audit(user_id: int):
    user = account_queries.get_user(user_id)
    page = audit_log.list_user_events(user_id=user.id, page=_page_number())
    return render_template(
        "reporting/audit/user.html",
        user=user,
        rows=_rows(page),
        pagination=_pages(page, "reporting.user_audit", user_id=user.id),
        page=page,
        title=f"Audit events: {user.full_name}",
    )


@bp.get("/staff/applications/<int:application_id>/history")
@signed_in
def application_history(application_id: int):
    application = application_queries.get_application(application_id)
    # The staff application page's rule: the call's staff, finance and admins; 404 for everyone else.
    authorize(application_permissions.can_view_as_staff(current_user, application), hide=True)
    page = audit_log.list_application_history(application_id=application.id, page=_page_number())
    return render_template(
        "reporting/audit/application.html",
        application=application,
        rows=_rows(page),
        pagination=_pages(page, "reporting.application_history", application_id=application.id),
        page=page,
        title=f"History: {application.reference or 'Draft'} {application.project_title or ''}".strip(),
    )
