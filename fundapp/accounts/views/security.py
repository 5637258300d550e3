"""Keeping a session safe: the timeout warning's "Stay signed in", and changing the email a person signs in with."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from fundapp.accounts import bp, services, sessions, two_factor
from fundapp.accounts.forms import ChangeEmailForm
from fundapp.accounts.views.signing_in import start_session
from fundapp.core.auth import signed_in
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.limits import by_user, limited
from fundapp.core.transactions import commits


@bp.post("/session/keep-alive")
@signed_in
@commits
def keep_alive():
    """The timeout warning's "Stay signed in" (sent by fetch with the CSRF token): the idle clock restarts."""
    sessions.touch()
    return "", 204


@bp.route("/account/email", methods=["GET", "POST"])
@signed_in
@limited("RATELIMIT_REAUTHENTICATION_PER_ACCOUNT", by_user, audit=True)
@commits
@keeps_input_on_csrf_error
def change_email():
    form = ChangeEmailForm()
    if not two_factor.is_enabled(current_user):
        del form.code
    if form.validate_on_submit():
        try:
            services.change_email(
                user=current_user,
                new_email=form.email.data,
                current_password=form.current_password.data,
                code=form.code.data if "code" in form else None,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            start_session(current_user._get_current_object())  # the token rotated: keep this session, end all others
            flash(
                f"Your email address has been changed to {current_user.email}. Any other devices have been signed out.",
                "success",
            )
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_email.html", form=form, title="Change your email address")
