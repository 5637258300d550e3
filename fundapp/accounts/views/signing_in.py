"""Signing in: register, sign in and out, reset a forgotten password."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from fundapp.accounts import bp, services, sessions, two_factor
from fundapp.accounts.forms import (
    ConfirmForm,
    ForgotPasswordForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
)
from fundapp.accounts.models import User
from fundapp.accounts.queries import normalise_email
from fundapp.core.auth import public, safe_next_url
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.limits import by_form_field, limited
from fundapp.core.transactions import commits


def start_session(user: User) -> None:
    """A fresh session on every sign-in: nothing from before survives (no session fixation)."""
    session.clear()
    login_user(user)
    session.permanent = True
    sessions.start()


@bp.route("/register", methods=["GET", "POST"])
@public
@limited("RATELIMIT_REGISTER", audit=True)
@commits
@keeps_input_on_csrf_error
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            start_session(user)
            next_url = request.args.get("next")
            message = "Your account has been created."
            if not next_url:
                message += " Next, tell us about your organisation."
            flash(message, "success")
            return redirect(safe_next_url(next_url, url_for("accounts.organisation_new")))
    return render_template("accounts/register.html", form=form, title="Create an account")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limited("RATELIMIT_SIGN_IN", audit=True)
@limited("RATELIMIT_SIGN_IN_PER_ACCOUNT", by_form_field("email", normalise_email), audit=True)
@commits
@keeps_input_on_csrf_error
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(email=form.email.data, password=form.password.data)
        if user is None:
            # Same message whatever was wrong, so nobody can learn who has an account; once, at the first field, so
            # the error summary does not say it twice.
            form.email.errors = ["Enter a correct email address and password"]
            form.password.data = ""
            return render_template("accounts/sign_in.html", form=form, title="Sign in"), 200
        if two_factor.required(user):
            from fundapp.accounts.views.two_factor import begin_second_factor

            return begin_second_factor(user, request.args.get("next"))
        services.record_signed_in(user=user)
        start_session(user)
        return redirect(safe_next_url(request.args.get("next"), url_for("reporting.home")))
    return render_template("accounts/sign_in.html", form=form, title="Sign in")


@bp.post("/sign-out")
@public
@commits
def sign_out():
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        services.record_sign_out(user=current_user)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limited("RATELIMIT_PASSWORD_RESET_REQUEST", audit=True)
@limited("RATELIMIT_PASSWORD_RESET_REQUEST_PER_ACCOUNT", by_form_field("email", normalise_email), audit=True)
@commits
@keeps_input_on_csrf_error
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(email=form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data, title="Check your email")
    return render_template("accounts/forgot_password.html", form=form, title="Reset your password")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@limited("RATELIMIT_PASSWORD_RESET", audit=True)
@commits
@keeps_input_on_csrf_error
def reset_password(token: str):
    try:
        services.check_reset_token(token)
    except services.InvalidToken as exc:
        return render_template("accounts/link_expired.html", message=exc.message, title="Link expired"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token=token, new_password=form.password.data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if two_factor.required(user):  # a reset link proves the email, not the second factor (ASVS 6.4.3)
                from fundapp.accounts.views.two_factor import begin_second_factor

                response = begin_second_factor(user, None)
                flash("Your password has been changed. To finish signing in, give your second factor.", "success")
                return response
            services.record_signed_in(user=user)
            start_session(user)
            flash("Your password has been changed.", "success")
            return redirect(url_for("reporting.home"))
    return render_template("accounts/reset_password.html", form=form, title="Choose a new password")
