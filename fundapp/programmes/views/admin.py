"""Admin pages for users and their staff roles.

The admin pages live here, not in accounts, because a role's scope is a fund or a call and accounts may not
import programmes (the layer rule).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fundapp.accounts import queries as account_queries
from fundapp.accounts import services as account_services
from fundapp.accounts import two_factor
from fundapp.accounts.forms import AccountAccessForm, ConfirmForm
from fundapp.accounts.permissions import is_admin
from fundapp.accounts.states import STAFF_ROLE_LABELS, StaffRole
from fundapp.core.auth import requires
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.transactions import commits
from fundapp.programmes import bp, queries, services
from fundapp.programmes.forms import FundForm, StaffRoleForm, scope_choices


@bp.get("/admin/users")
@requires(is_admin)
def admin_users():
    search = request.args.get("q", "").strip()[:200]
    return render_template(
        "programmes/admin_users.html",
        users=account_queries.list_users(search=search or None),
        search=search,
        scope_names=dict(scope_choices(queries.list_funds())),
        title="Users and staff roles",
    )


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@requires(is_admin)
@commits
@keeps_input_on_csrf_error
def admin_user(user_id: int):
    user = account_queries.get_user(user_id)
    funds = queries.list_funds()
    form = StaffRoleForm(funds=funds)
    if form.validate_on_submit():
        fund_id, round_id = form.scope_ids()
        try:
            account_services.assign_role(
                actor=current_user, user=user, role=StaffRole(form.role.data), fund_id=fund_id, round_id=round_id
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            label = STAFF_ROLE_LABELS[StaffRole(form.role.data)].lower()
            flash(f"{user.full_name} has been given the {label} role.", "success")
            return redirect(url_for("programmes.admin_user", user_id=user.id))
    return render_template(
        "programmes/admin_user.html",
        user=user,
        form=form,
        organisations=account_queries.list_organisations_for_user(user.id),
        scope_names=dict(scope_choices(funds)),
        title=user.full_name,
    )


@bp.post("/admin/users/<int:user_id>/roles/<int:assignment_id>/remove")
@requires(is_admin)
@commits
def admin_remove_role(user_id: int, assignment_id: int):
    user = account_queries.get_user(user_id)
    assignment = account_queries.get_role_assignment(assignment_id)
    if assignment.user_id != user.id:
        abort(404)
    label = STAFF_ROLE_LABELS[assignment.role]
    if ConfirmForm().validate_on_submit():
        try:
            account_services.remove_role(actor=current_user, assignment=assignment)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(f"The {label.lower()} role has been removed from {user.full_name}.", "success")
    return redirect(url_for("programmes.admin_user", user_id=user.id))


def _account_access(user_id: int, *, disable: bool):  # type: ignore[no-untyped-def]
    """The confirmation page for disabling or re-enabling someone's account, with the reason for the audit log."""
    user = account_queries.get_user(user_id)
    form = AccountAccessForm()
    if form.validate_on_submit():
        change = account_services.disable_user if disable else account_services.enable_user
        try:
            change(actor=current_user, user=user, reason=form.reason.data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            done = "disabled: they have been signed out everywhere" if disable else "enabled: they can sign in again"
            flash(f"{user.full_name}'s account has been {done}.", "success")
            return redirect(url_for("programmes.admin_user", user_id=user.id))
    verb = "Disable" if disable else "Re-enable"
    return render_template(
        "programmes/admin_user_access.html",
        user=user,
        form=form,
        disable=disable,
        title=f"{verb} {user.full_name}'s account",
    )


@bp.route("/admin/users/<int:user_id>/disable", methods=["GET", "POST"])
@requires(is_admin)
@commits
@keeps_input_on_csrf_error
def admin_disable_user(user_id: int):
    return _account_access(user_id, disable=True)


@bp.route("/admin/users/<int:user_id>/enable", methods=["GET", "POST"])
@requires(is_admin)
@commits
@keeps_input_on_csrf_error
def admin_enable_user(user_id: int):
    return _account_access(user_id, disable=False)


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["GET", "POST"])
@requires(is_admin)
@commits
@keeps_input_on_csrf_error
def admin_reset_two_factor(user_id: int):
    user = account_queries.get_user(user_id)
    form = ConfirmForm()
    form.submit.label.text = "Reset two-factor authentication"
    if form.validate_on_submit():
        try:
            two_factor.reset(actor=current_user, user=user)
        except DomainError as exc:
            flash(exc.message)
        else:
            flash(
                f"{user.full_name}'s two-factor authentication has been reset and they have been signed out. "
                "We have emailed them: they set it up again when they next sign in.",
                "success",
            )
        return redirect(url_for("programmes.admin_user", user_id=user.id))
    return render_template(
        "programmes/admin_user_two_factor.html",
        user=user,
        form=form,
        title=f"Reset two-factor authentication: {user.full_name}",
    )


@bp.route("/admin/funds/new", methods=["GET", "POST"])
@requires(is_admin)
@commits
@keeps_input_on_csrf_error
def admin_fund_new():
    form = FundForm()
    if form.validate_on_submit():
        try:
            fund = services.create_fund(
                actor=current_user, code=form.code.data, name=form.name.data, description=form.description.data or ""
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(
                f"{fund.name} ({fund.code}) has been created. Give someone the fund manager role for it, "
                "then they can create its calls.",
                "success",
            )
            return redirect(url_for("programmes.admin_users"))
    return render_template(
        "programmes/admin_fund_new.html", form=form, funds=queries.list_funds(), title="Create a fund"
    )
