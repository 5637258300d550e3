"""A person's own account and their organisations: profile, password, organisation details, members, invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts import bp, permissions, queries, services
from fundapp.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    InviteMemberForm,
    OrganisationForm,
    ProfileForm,
)
from fundapp.accounts.states import (
    LEGAL_TYPE_LABELS,
    MEMBER_ROLE_LABELS,
    STAFF_ROLE_LABELS,
    LegalType,
    MemberRole,
    StaffRole,
)
from fundapp.accounts.views.signing_in import start_session
from fundapp.core.auth import authorize, public, safe_next_url, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.limits import by_user, limited
from fundapp.core.money import pence_to_input
from fundapp.core.transactions import commits


@bp.route("/account", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            user=current_user,
            full_name=form.full_name.data,
            phone=form.phone.data or None,
        )
        flash("Your details have been saved.", "success")
        return redirect(url_for("accounts.profile"))
    organisations = queries.list_organisations_for_user(current_user.id)
    return render_template(
        "accounts/profile.html",
        form=form,
        organisations=organisations,
        title="Your account",
    )


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
@limited("RATELIMIT_REAUTHENTICATION_PER_ACCOUNT", by_user, audit=True)
@commits
@keeps_input_on_csrf_error
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                user=current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            start_session(current_user._get_current_object())  # the token rotated: keep this session, end all others
            flash(
                "Your password has been changed. Any other devices have been signed out.",
                "success",
            )
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form, title="Change your password")


@bp.route("/organisations/new", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                actor=current_user, details=services.OrganisationDetails(**form.service_values())
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"{organisation.name} has been added.", "success")
            # Coming from "Apply": go back there, now that there is an organisation to apply for.
            return redirect(
                safe_next_url(
                    request.args.get("next"), url_for("accounts.organisation", organisation_id=organisation.id)
                )
            )
    return render_template(
        "accounts/organisation_form.html",
        form=form,
        title="Tell us about your organisation",
    )


@bp.get("/organisations/<int:organisation_id>")
@signed_in
def organisation(organisation_id: int):
    org = queries.get_organisation(organisation_id)
    authorize(permissions.can_view_organisation(current_user, org), hide=True)
    invitations = queries.list_pending_invitations(org.id, now=utcnow())
    return render_template(
        "accounts/organisation.html",
        organisation=org,
        invitations=invitations,
        can_edit=permissions.can_edit_organisation(current_user, org),
        title=org.name,
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def organisation_edit(organisation_id: int):
    org = queries.get_organisation(organisation_id)
    authorize(
        permissions.can_edit_organisation(current_user, org),
        hide=not permissions.is_staff(current_user),
    )
    form = OrganisationForm(obj=org)
    if request.method == "GET" and org.annual_income_pence is not None:
        form.annual_income.data = pence_to_input(org.annual_income_pence)
    if form.validate_on_submit():
        try:
            services.update_organisation(
                actor=current_user, organisation=org, details=services.OrganisationDetails(**form.service_values())
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash("Your organisation's details have been saved.", "success")
            # From an application's "Your organisation" section: back to it, with the new details.
            return redirect(
                safe_next_url(request.args.get("next"), url_for("accounts.organisation", organisation_id=org.id))
            )
    return render_template(
        "accounts/organisation_form.html",
        form=form,
        organisation=org,
        title=f"Change details of {org.name}",
    )


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@signed_in
@commits
@keeps_input_on_csrf_error
def invite_member(organisation_id: int):
    org = queries.get_organisation(organisation_id)
    authorize(
        permissions.can_invite_members(current_user, org),
        hide=not permissions.is_staff(current_user),
    )
    form = InviteMemberForm()
    if form.validate_on_submit():
        try:
            invitation = services.invite_member(actor=current_user, organisation=org, email=form.email.data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"We have emailed an invitation to {invitation.email}.", "success")
            return redirect(url_for("accounts.organisation", organisation_id=org.id))
    return render_template(
        "accounts/invite.html",
        form=form,
        organisation=org,
        title=f"Invite someone to {org.name}",
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
@limited("RATELIMIT_INVITATION", audit=True)
@commits
def accept_invitation(token: str):
    try:
        invitation = services.find_open_invitation(token)
    except services.InvalidToken as exc:
        return render_template(
            "accounts/link_expired.html",
            message=exc.message,
            title="Invitation expired",
        ), 410
    form = AcceptInvitationForm()
    if current_user.is_authenticated and form.validate_on_submit():
        org = services.accept_invitation(user=current_user, token=token)
        flash(f"You are now a member of {org.name}.", "success")
        return redirect(url_for("accounts.organisation", organisation_id=org.id))
    return render_template(
        "accounts/accept_invitation.html",
        form=form,
        invitation=invitation,
        token=token,
        title=f"Join {invitation.organisation.name}",
    )


@bp.app_template_global()
def legal_type_label(value: str) -> str:
    return LEGAL_TYPE_LABELS[LegalType(value)]


@bp.app_template_global()
def member_role_label(value: str) -> str:
    return MEMBER_ROLE_LABELS[MemberRole(value)]


@bp.app_template_global()
def staff_role_label(value: str) -> str:
    return STAFF_ROLE_LABELS[StaffRole(value)]
