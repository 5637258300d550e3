"""Assessors' pages: their dashboard, the conflict-of-interest check, the scorecard beside the application (with
blind review), reopening a submitted scorecard, the application's files, and standing connections.

Everything about one assignment is a 404 for anyone but its assessor (another assessor, a conflicted one, a fund
manager, a member of the applying organisation): the scorecard is the assessor's own page, and fund managers see
scores on theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.forms import ConfirmForm
from fundapp.accounts.permissions import holds_role_anywhere
from fundapp.accounts.states import StaffRole
from fundapp.applications import attachments as application_attachments
from fundapp.applications import progress
from fundapp.applications import queries as application_queries
from fundapp.applications.models import Application
from fundapp.applications.views.apply import summary_groups
from fundapp.applications.views.files import send_attachment
from fundapp.assessment import blind, bp, permissions, queries, scoring, services
from fundapp.assessment.fields import NOT_APPLICABLE, justification_field, score_field
from fundapp.assessment.forms.assessor import ConflictForm, ConnectionForm, ScorecardForm, scorecard_form
from fundapp.assessment.models import Assessment
from fundapp.assessment.states import (
    ASSESSMENT_LABELS,
    ASSESSMENT_TAG_CLASSES,
    CONNECTION_SHORT_LABELS,
    RECOMMENDATION_LABELS,
    AssessmentStatus,
)
from fundapp.core.auth import authorize, requires, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits

TO_DO = frozenset({AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS})


def is_any_assessor(user: object) -> bool:
    """Holds the assessor role for at least one call, fund, or system-wide."""
    return holds_role_anywhere(user, StaffRole.ASSESSOR)


def _heading(application: Application) -> str:
    """How the assessor's pages name an application: never by its organisation (blind review)."""
    return f"{application.reference}: {application.project_title or 'Untitled project'}"


def _whose(assessment: Assessment) -> str:
    """Whose check or scorecard a page is. Each assessor of an application has their own (at its own address), so
    the titles name the assessor: no two pages share a title."""
    return assessment.assessor.full_name


# --- dashboard -------------------------------------------------------------------------------------------


def is_overdue(assessment: Assessment, now: datetime) -> bool:
    """Not submitted and the call's assessment deadline has passed."""
    deadline = assessment.round.assessment_deadline
    return assessment.status in TO_DO and deadline is not None and deadline < now


def _by_call(assessments: Sequence[Assessment], now: datetime) -> list[dict[str, Any]]:
    """The assignments grouped by call, in the order the query gives (deadline, call, reference)."""
    calls: dict[int, dict[str, Any]] = {}
    for assessment in assessments:
        call = calls.setdefault(assessment.round_id, {"round": assessment.round, "rows": []})
        call["rows"].append({"assessment": assessment, "overdue": is_overdue(assessment, now)})
    return list(calls.values())


@bp.get("/assessments")
@requires(is_any_assessor)
def dashboard():
    assessments = queries.list_assessments_for_assessor(current_user.id)
    now = utcnow()
    return render_template(
        "assessment/dashboard.html",
        calls=_by_call(assessments, now),
        counts={
            "to_do": sum(1 for a in assessments if a.status in TO_DO),
            "submitted": sum(1 for a in assessments if a.status == AssessmentStatus.SUBMITTED),
            "overdue": sum(1 for a in assessments if is_overdue(a, now)),
        },
        labels=ASSESSMENT_LABELS,
        tag_classes=ASSESSMENT_TAG_CLASSES,
        title="Your assessments",
    )


# --- conflict of interest --------------------------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/conflict", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def conflict(assessment_id: int):
    assessment = queries.get_assessment(assessment_id)
    authorize(permissions.can_open_assignment(current_user, assessment), hide=True)
    # A conflict can be declared until the scorecard is submitted (an assessor may only notice it while reading).
    if assessment.status not in (AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS):
        return redirect(url_for("assessment.scorecard", assessment_id=assessment.id))
    application = assessment.application
    form = ConflictForm()
    if _chose_conflict_on_the_first_step(form):
        return redirect(url_for("assessment.conflict", assessment_id=assessment.id, step=DESCRIBE))
    if form.validate_on_submit():
        try:
            if form.has_conflict:
                services.declare_conflict(
                    actor=current_user,
                    assessment=assessment,
                    kind=form.kind.data,
                    reason=form.reason.data,
                    standing=bool(form.standing.data),
                )
            elif assessment.status == AssessmentStatus.ASSIGNED:
                services.confirm_no_conflict(actor=current_user, assessment=assessment)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if not form.has_conflict:
                return redirect(url_for("assessment.scorecard", assessment_id=assessment.id))
            flash(
                f"You have been removed from {_heading(application)}. The application will be given to another "
                "assessor.",
                "success",
            )
            return redirect(url_for("assessment.dashboard"))
    describing = form.has_conflict if request.method == "POST" else request.args.get("step") == DESCRIBE
    heading = "Your conflict of interest" if describing else "Check for conflicts of interest"
    return render_template(
        "assessment/assessor_conflict.html",
        assessment=assessment,
        application=application,
        organisation=application.organisation,
        form=form,
        describing=describing,
        heading=heading,
        started=assessment.status == AssessmentStatus.IN_PROGRESS,
        reason_max=services.REASON_MAX_CHARS,
        title=f"{heading}: {application.reference} ({_whose(assessment)})",
    )


# The check is two steps at one address: whether there is a conflict, then (if there is) what it is. GOV.UK asks a
# follow-up with several parts on a page of its own rather than revealing it under the radio.
DESCRIBE = "describe"


def _chose_conflict_on_the_first_step(form: ConflictForm) -> bool:
    """'I have a conflict of interest' was sent from the first step (which has no description): ask what it is next."""
    return form.is_submitted() and form.has_conflict and "reason" not in request.form


# --- the scorecard ---------------------------------------------------------------------------------------


def _saved_values(assessment: Assessment) -> dict[str, Any]:
    """The saved scorecard as form data (a GET shows it; a POST shows what was posted)."""
    data: dict[str, Any] = {
        "version": str(assessment.version),
        "recommendation": assessment.recommendation.value if assessment.recommendation else None,
        "comment": assessment.comment,
    }
    for score in assessment.scores:
        choice = NOT_APPLICABLE if score.not_applicable else score.score
        data[score_field(score.criterion_id)] = None if choice is None else str(choice)
        data[justification_field(score.criterion_id)] = score.justification
    return data


def _error_list(form: ScorecardForm, changed: str | None) -> list[dict[str, str]]:
    """The error summary's links, in page order; the envelope's problems point at the scorecard's heading."""
    items = [{"text": changed, "href": "#scorecard"}] if changed else []
    for name, messages in form.errors.items():
        if name in ("csrf_token", "version"):
            items.insert(0, {"text": messages[0], "href": "#scorecard"})
        else:
            items.append({"text": messages[0], "href": f"#{form[name].id}"})
    return items


def application_groups(application: Application, *, blind_review: bool) -> list[dict[str, Any]]:
    """The application as submitted, section by section; in blind review without what identifies the applicant."""
    groups = summary_groups(application, progress.form_sections(application.round))
    if not blind_review:
        return groups
    kept = []
    for group in groups:
        rows = [row for row in group["rows"] if not blind.is_hidden_in_blind_review(row["question"])]
        if rows:
            kept.append({**group, "rows": rows})
    return kept


def other_scorecards(assessment: Assessment) -> list[dict[str, Any]]:
    """The other submitted scorecards of the application, as 'Assessor 2', 'Assessor 3' … (never by name)."""
    criteria = assessment.round.criteria
    others = [
        a
        for a in queries.list_application_assessments(assessment.application_id)
        if a.status == AssessmentStatus.SUBMITTED and a.id != assessment.id
    ]
    return [
        {
            "label": f"Assessor {number}",
            "scores": {s.criterion_id: s for s in other.scores},
            "recommendation": RECOMMENDATION_LABELS.get(other.recommendation) if other.recommendation else None,
            "percent": scoring.format_percent(scoring.assessment_percent(criteria, services.scores_of(other))),
        }
        for number, other in enumerate(others, start=2)
    ]


def _render_scorecard(
    assessment: Assessment, form: ScorecardForm, *, changed: str | None = None, partly_saved: bool = False
) -> str:
    round_ = assessment.round
    application = assessment.application
    error_list = _error_list(form, changed)
    can_see_others = permissions.can_see_other_scores(current_user, assessment)
    return render_template(
        "assessment/assessor_scorecard.html",
        assessment=assessment,
        application=application,
        round_=round_,
        scorecard=form,
        error_list=error_list,
        changed=changed,
        partly_saved=partly_saved,
        groups=application_groups(application, blind_review=round_.blind_review),
        documents=blind.document_numbers(application.attachments),
        saved_scores={s.criterion_id: s for s in assessment.scores},
        percent=scoring.format_percent(scoring.assessment_percent(round_.criteria, services.scores_of(assessment))),
        editable=permissions.can_edit_scorecard(current_user, assessment),
        can_reopen=permissions.can_reopen_scorecard(current_user, assessment),
        others=other_scorecards(assessment) if can_see_others else [],
        can_see_others=can_see_others,
        reopen_form=ConfirmForm(),
        labels=ASSESSMENT_LABELS,
        tag_classes=ASSESSMENT_TAG_CLASSES,
        recommendation_labels=RECOMMENDATION_LABELS,
        justification_max=services.JUSTIFICATION_MAX_CHARS,
        comment_max=services.COMMENT_MAX_CHARS,
        title=("Error: " if error_list else "") + f"{_heading(application)}: {_whose(assessment)}'s scorecard",
    )


@bp.route("/assessments/<int:assessment_id>", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def scorecard(assessment_id: int):
    assessment = queries.get_assessment(assessment_id)
    if assessment.status == AssessmentStatus.ASSIGNED and permissions.can_open_assignment(current_user, assessment):
        return redirect(url_for("assessment.conflict", assessment_id=assessment.id))
    authorize(permissions.can_view_for_scoring(current_user, assessment), hide=True)
    round_ = assessment.round
    posted = request.method == "POST"
    form = scorecard_form(
        round_.criteria,
        allow_not_applicable=round_.allow_not_applicable,
        data=None if posted else _saved_values(assessment),
    )
    if posted and not permissions.can_edit_scorecard(current_user, assessment):
        flash("This scorecard can no longer be changed, so nothing was saved.")
        return redirect(url_for("assessment.scorecard", assessment_id=assessment.id))
    if not form.validate_on_submit():
        return _render_scorecard(assessment, form)
    try:
        result = services.save_scorecard(
            actor=current_user,
            assessment=assessment,
            entries={cid: services.ScoreEntry(choice, text) for cid, (choice, text) in form.entries().items()},
            recommendation=form["recommendation"].data or "",
            comment=form["comment"].data or "",
            version=int(form.version.data),
            submit=request.form.get("action") == "submit",
        )
    except services.ScorecardChanged as exc:
        form.version.data = str(exc.assessment.version)  # the next save works, with what was typed
        return _render_scorecard(assessment, form, changed=exc.message)
    except DomainError as exc:
        flash(exc.message)
        return redirect(url_for("assessment.scorecard", assessment_id=assessment.id))
    if result.errors:
        form.show_errors(result.errors)
        form.version.data = str(result.version)
        return _render_scorecard(assessment, form, partly_saved=True)
    flash("Scorecard submitted" if result.submitted else "Draft saved", "success")
    return redirect(url_for("assessment.scorecard", assessment_id=assessment.id))


@bp.post("/assessments/<int:assessment_id>/reopen")
@signed_in
@commits
def reopen(assessment_id: int):
    assessment = queries.get_assessment(assessment_id)
    authorize(permissions.can_view_for_scoring(current_user, assessment), hide=True)
    if not ConfirmForm().validate_on_submit():
        flash("This page had expired, so your scorecard was not reopened. Try again.")
    else:
        try:
            services.reopen_scorecard(actor=current_user, assessment=assessment)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash("Your scorecard has been reopened. Submit it again when you have finished.", "success")
    return redirect(url_for("assessment.scorecard", assessment_id=assessment.id))


@bp.get("/assessments/<int:assessment_id>/files/<int:attachment_id>")
@signed_in
def download_file(assessment_id: int, attachment_id: int):
    assessment = queries.get_assessment(assessment_id)
    authorize(permissions.can_view_for_scoring(current_user, assessment), hide=True)
    application = assessment.application
    attachment = application_queries.get_attachment(application_id=application.id, attachment_id=attachment_id)
    filename = None
    if assessment.round.blind_review:
        number = blind.document_numbers(application.attachments)[attachment.id]
        filename = blind.document_download_name(application.reference, number, attachment.file_type)
    return send_attachment(
        application,
        attachment,
        audit={**application_attachments.describe(attachment), "assessment_id": assessment.id},
        download_name=filename,
    )


# --- standing connections --------------------------------------------------------------------------------


@bp.route("/assessments/connections", methods=["GET", "POST"])
@requires(is_any_assessor)
@commits
@keeps_input_on_csrf_error
def connections():
    form = ConnectionForm(organisations=queries.list_organisations_for_declaring(current_user))
    if form.validate_on_submit():
        organisation = form.chosen_organisation
        try:
            released = services.declare_connection(
                actor=current_user, organisation=organisation, kind=form.kind.data, details=form.details.data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(_declared_message(organisation.name, released), "success")
            return redirect(url_for("assessment.connections"))
    return render_template(
        "assessment/assessor_connections.html",
        connections=queries.list_connections(current_user.id),
        form=form,
        kind_labels=CONNECTION_SHORT_LABELS,
        reason_max=services.REASON_MAX_CHARS,
        title="Your declared connections",
    )


def _declared_message(name: str, released: int) -> str:
    if not released:
        return f"Your connection with {name} has been recorded. You will not be given its applications."
    plural = "s" if released != 1 else ""
    return (
        f"Your connection with {name} has been recorded. You have been removed from {released} of its "
        f"application{plural} that you had not submitted yet: {'they' if released != 1 else 'it'} will be given "
        "to another assessor."
    )


@bp.post("/assessments/connections/<int:connection_id>/remove")
@requires(is_any_assessor)
@commits
def remove_connection(connection_id: int):
    connection = queries.get_connection(assessor_id=current_user.id, connection_id=connection_id)
    if not ConfirmForm().validate_on_submit():
        flash("This page had expired, so nothing was removed. Try again.")
    else:
        name = connection.organisation.name
        try:
            services.remove_connection(actor=current_user, connection=connection)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"Your connection with {name} has been removed.", "success")
    return redirect(url_for("assessment.connections"))
