"""Staff pages: a submitted application as staff see it, the call's eligibility screening queue, overrides."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from fundapp.accounts.permissions import is_staff
from fundapp.applications import bp, permissions, progress, queries, services
from fundapp.applications.forms import OverrideEligibilityForm
from fundapp.applications.models import Application
from fundapp.applications.views.apply import summary_groups
from fundapp.core.auth import authorize, signed_in
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes import permissions as programme_permissions
from fundapp.programmes import queries as programme_queries


@bp.get("/staff/calls/<int:round_id>/screening")
@signed_in
def screening_queue(round_id: int):
    round_ = programme_queries.get_round(round_id)
    authorize(programme_permissions.can_view_round(current_user, round_), hide=not is_staff(current_user))
    applications = queries.list_screening_queue(round_id=round_.id)
    return render_template(
        "applications/staff/screening.html",
        round_=round_,
        applications=applications,
        # Only those who may change an eligibility decision see the links to do it (finance officers see the queue).
        screenable={a.id for a in applications if permissions.can_screen_applications(current_user, a)},
        ineligible=sum(1 for a in applications if a.status.value == "ineligible"),
        title=f"Eligibility screening: {round_.name}",
    )


def _load_for_staff(application_id: int) -> Application:
    """The application for staff who may see it; 404 for everyone else, staff of other calls included (an
    application's existence is the organisation's business, as on its applicant pages and files)."""
    application = queries.get_application(application_id)
    authorize(permissions.can_view_as_staff(current_user, application), hide=True)
    return application


@bp.get("/staff/applications/<int:application_id>")
@signed_in
def staff_view(application_id: int):
    application = _load_for_staff(application_id)
    return render_template(
        "applications/staff/application.html",
        application=application,
        groups=summary_groups(application, progress.form_sections(application.round)),
        can_screen=permissions.can_screen_applications(current_user, application),
        title=f"{application.reference or 'Draft'}: {application.project_title or application.organisation.name}",
    )


@bp.route("/staff/applications/<int:application_id>/eligibility", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def override_eligibility(application_id: int):
    application = _load_for_staff(application_id)
    authorize(permissions.can_screen_applications(current_user, application))
    form = OverrideEligibilityForm(current=application.status.value)
    if form.validate_on_submit():
        try:
            services.override_eligibility(
                actor=current_user,
                application=application,
                eligible=form.decision.data == "eligible",
                reason=form.reason.data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"{application.reference} is now {form.decision.data}. The applicant has been told.", "success")
            return redirect(url_for("applications.screening_queue", round_id=application.round_id))
    return render_template(
        "applications/staff/override.html",
        application=application,
        form=form,
        title=f"Change the eligibility decision for {application.reference}",
    )
