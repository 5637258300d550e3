"""Fund managers' pages for running a call's assessment: progress, the assessor pool, auto-assign, assignment by
hand and reminders.

Access follows the screening pages: a call's pages answer 404 to people who are not staff (they may not know the
page exists) and 403 to staff without a role on the call; an application's page answers 404 to anyone who may
not see the application. Finance officers and admins see everything here; only the call's fund managers (and
admins) change anything (403 on a POST otherwise).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts.forms import ConfirmForm
from fundapp.accounts.models import User
from fundapp.accounts.permissions import is_staff
from fundapp.applications import permissions as application_permissions
from fundapp.applications import queries as application_queries
from fundapp.applications.models import Application
from fundapp.assessment import bp, permissions, progress, queries, scoring, services
from fundapp.assessment.forms.manage import AddAssessorForm, AssignAssessorForm
from fundapp.assessment.models import Assessment, Moderation
from fundapp.assessment.states import (
    ACTIVE,
    ASSESSMENT_LABELS,
    ASSESSMENT_TAG_CLASSES,
    CONNECTION_SHORT_LABELS,
    RECOMMENDATION_LABELS,
    AssessmentStatus,
)
from fundapp.assessment.views.loading import managed_round, viewed_round
from fundapp.core.auth import authorize, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError, InvalidTransition
from fundapp.core.forms import CSRF_MESSAGE, add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.core.wording import plural
from fundapp.programmes.models import Round

# What the pages show for an assessment's status, recommendation and declared conflict.
LABELS = {
    "status": ASSESSMENT_LABELS,
    "tag": ASSESSMENT_TAG_CLASSES,
    "recommendation": RECOMMENDATION_LABELS,
    "connection": CONNECTION_SHORT_LABELS,
}


def _viewed_application(application: Application) -> Application:
    """404 for anyone who may not know the application exists (as on its other staff pages), 403 for people who
    may see it but not its assessment (a member of the organisation who is staff elsewhere)."""
    authorize(
        is_staff(current_user) and application_permissions.can_view_application(current_user, application), hide=True
    )
    authorize(permissions.can_view_assessment(current_user, application.round))
    return application


def _confirmed() -> bool:
    """A one-button form (only its CSRF token) was sent; if the token failed, say that nothing was done."""
    if ConfirmForm().validate_on_submit():
        return True
    flash(CSRF_MESSAGE)
    return False


@bp.app_template_global()
def can_view_call_assessment(round_: Round) -> bool:
    """Whether the signed-in person sees this call's assessment (for links from other domains' pages)."""
    return permissions.can_view_assessment(current_user, round_)


# --- the call's assessment dashboard ------------------------------------------------------------------------


@bp.get("/staff/calls/<int:round_id>/assessment")
@signed_in
def round_assessment(round_id: int):
    round_ = viewed_round(round_id)
    summary = progress.round_progress(
        applications=queries.list_ranking_applications(round_.id),
        assessments=queries.list_round_assessments(round_.id),
        pool=[user for user, _role in queries.list_pool(round_)],
        assessors_per_application=round_.assessors_per_application,
        deadline=round_.assessment_deadline,
        now=utcnow(),
    )
    return render_template(
        "assessment/manage_round.html",
        round_=round_,
        progress=summary,
        can_manage=permissions.can_manage_assessment(current_user, round_),
        title=f"Assessment: {round_.name}",
    )


def _flash_auto_assign(result: services.AutoAssignResult) -> None:
    if result.total:
        flash(
            f"Assigned {plural(result.total, 'scorecard')} to {plural(len(result.assigned), 'assessor')}. "
            "Each has been emailed.",
            "success",
        )
    elif not result.short:
        flash("Every application already has its assessors, so nothing was assigned.", "success")
    if result.short:
        references = ", ".join(a.reference or "" for a in result.short)
        flash(
            f"{plural(len(result.short), 'application')} still short of assessors: {references}. Nobody else in "
            "the pool can take them (conflicts, connections, or already assessing them): add assessors to the "
            "pool, then auto-assign again."
        )


@bp.post("/staff/calls/<int:round_id>/assessment/auto-assign")
@signed_in
@commits
def auto_assign(round_id: int):
    round_ = managed_round(round_id)
    if _confirmed():
        try:
            result = services.auto_assign(actor=current_user, round_=round_)
        except DomainError as exc:
            flash(exc.message)
        else:
            _flash_auto_assign(result)
    return redirect(url_for("assessment.round_assessment", round_id=round_.id))


@bp.post("/staff/calls/<int:round_id>/assessment/reminders")
@signed_in
@commits
def send_reminders(round_id: int):
    round_ = managed_round(round_id)
    if _confirmed():
        emailed = services.send_overdue_reminders(now=utcnow(), round_id=round_.id, actor=current_user)
        if emailed:
            flash(
                f"Emailed a reminder to {plural(emailed, 'assessor')} with overdue scorecards. Assessors already "
                "reminded in the last day were not emailed again.",
                "success",
            )
        else:
            flash(
                "No reminders were sent: every assessor with overdue scorecards has been reminded in the last day, "
                "or none are overdue."
            )
    return redirect(url_for("assessment.round_assessment", round_id=round_.id))


# --- the call's pool of assessors ------------------------------------------------------------------------


@bp.route("/staff/calls/<int:round_id>/assessors", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def pool(round_id: int):
    round_ = viewed_round(round_id)
    can_manage = permissions.can_manage_assessment(current_user, round_)
    form = AddAssessorForm()
    if request.method == "POST":
        authorize(can_manage)
        if form.validate_on_submit():
            try:
                user = services.add_to_pool(actor=current_user, round_=round_, email=form.email.data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                flash(f"{user.full_name} can now assess applications in {round_.name}.", "success")
                return redirect(url_for("assessment.pool", round_id=round_.id))
    workload: dict[int, dict[str, int]] = {}
    for assessment in queries.list_round_assessments(round_.id):
        mine = workload.setdefault(assessment.assessor_id, {"active": 0, "to_do": 0})
        mine["active"] += assessment.status in ACTIVE
        mine["to_do"] += assessment.status in (AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS)
    return render_template(
        "assessment/manage_pool.html",
        round_=round_,
        members=queries.list_pool(round_),
        workload=workload,
        form=form,
        can_manage=can_manage,
        title=f"Assessors: {round_.name}",
    )


@bp.post("/staff/calls/<int:round_id>/assessors/<int:user_id>/remove")
@signed_in
@commits
def remove_from_pool(round_id: int, user_id: int):
    round_ = managed_round(round_id)
    member = next((user for user, _role in queries.list_pool(round_) if user.id == user_id), None)
    if member is None:
        abort(404)
    if _confirmed():
        try:
            services.remove_from_pool(actor=current_user, round_=round_, user=member)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"{member.full_name} is no longer an assessor for {round_.name}.", "success")
    return redirect(url_for("assessment.pool", round_id=round_.id))


# --- one application's assessors ------------------------------------------------------------------------


def _assignment_options(
    application: Application, pool: list[User], assessments: list[Assessment]
) -> tuple[list[tuple[int, str, str]], list[tuple[User, str]]]:
    """Who in the pool can take the application, as (id, name, their workload in the call), and who cannot, with
    the reason."""
    mine = {a.assessor_id: a for a in assessments if a.application_id == application.id}
    connected = queries.connected_organisations(user.id for user in pool)
    load = {user.id: 0 for user in pool}
    for assessment in assessments:
        if assessment.status in ACTIVE and assessment.assessor_id in load:
            load[assessment.assessor_id] += 1
    can: list[tuple[int, str, str]] = []
    cannot: list[tuple[User, str]] = []
    for user in pool:
        reason = services.why_not_assignable(
            application, user, existing=mine.get(user.id), connected_organisation_ids=connected[user.id]
        )
        if reason is None:
            can.append((user.id, user.full_name, f"{plural(load[user.id], 'scorecard')} in this call"))
        else:
            cannot.append((user, reason))
    return can, cannot


def _scorecards(
    application: Application, assessments: list[Assessment], moderation: Moderation | None
) -> tuple[list[tuple[Assessment, str]], str | None]:
    """Each assessment with its score % (submitted ones only), and the application's score so far: the mean of
    the submitted scorecards, or the moderated score (None before any scorecard is submitted)."""
    criteria = application.round.criteria
    rows = [
        (
            a,
            scoring.format_percent(scoring.assessment_percent(criteria, services.scores_of(a)))
            if a.status == AssessmentStatus.SUBMITTED
            else "",
        )
        for a in assessments
    ]
    submitted = [a for a in assessments if a.status == AssessmentStatus.SUBMITTED]
    if not submitted:
        return rows, None
    return rows, scoring.format_percent(services.final_percent(application, submitted, moderation))


@bp.route("/staff/applications/<int:application_id>/assessors", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def application_assessors(application_id: int):
    application = _viewed_application(application_queries.get_application(application_id))
    round_ = application.round
    can_manage = permissions.can_manage_assessment(current_user, round_)
    pool_members = [user for user, _role in queries.list_pool(round_)]
    round_assessments = queries.list_round_assessments(round_.id)
    can, cannot = _assignment_options(application, pool_members, round_assessments)
    form = AssignAssessorForm()
    form.set_choices(can, pool_ids=[user.id for user in pool_members])
    if request.method == "POST":
        authorize(can_manage)
        if form.validate_on_submit():
            assessor = next(user for user in pool_members if user.id == form.chosen_id())
            try:
                services.assign_assessor(actor=current_user, application=application, assessor=assessor)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                flash(f"{assessor.full_name} has been given {application.reference} and emailed.", "success")
                return redirect(url_for("assessment.application_assessors", application_id=application.id))
    assessments = queries.list_application_assessments(application.id)
    moderation = queries.find_moderation(application.id)
    rows, final = _scorecards(application, assessments, moderation)
    return render_template(
        "assessment/manage_application.html",
        application=application,
        round_=round_,
        rows=rows,
        active=sum(1 for a in assessments if a.status in ACTIVE),
        final=final,
        moderation=moderation,
        cannot=cannot,
        form=form,
        assignable=application.status in queries.ASSIGNABLE,
        can_manage=can_manage,
        labels=LABELS,
        title=f"Assessors and scores: {application.reference}",
    )


@bp.post("/staff/assessments/<int:assessment_id>/unassign")
@signed_in
@commits
def unassign(assessment_id: int):
    assessment = queries.get_assessment(assessment_id)
    application = _viewed_application(assessment.application)
    authorize(permissions.can_manage_assessment(current_user, application.round))
    if _confirmed():
        try:
            services.unassign_assessor(actor=current_user, assessment=assessment)
        except InvalidTransition:
            flash(
                f"{assessment.assessor.full_name}'s scorecard is {ASSESSMENT_LABELS[assessment.status].lower()}: "
                "only scorecards not yet submitted can be unassigned."
            )
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(
                f"{assessment.assessor.full_name} no longer has {application.reference}. Their draft is kept in "
                "case they are given it again.",
                "success",
            )
    return redirect(url_for("assessment.application_assessors", application_id=application.id))
