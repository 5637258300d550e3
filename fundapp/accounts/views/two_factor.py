"""Two-factor authentication pages: the code step of signing in, the forced set-up for staff, and "Your account"'s
turn on, turn off and new recovery codes.

Between the password and the code a person is NOT signed in: the session holds only a pending marker (who, their
session token and when), valid for PENDING_SECONDS. Only a right code (or, for someone setting up, a confirmed new
app) calls start_session, so `current_user.is_authenticated` always means every factor was given.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from fundapp.accounts import bp, permissions, queries, services, two_factor
from fundapp.accounts.forms import (
    ReauthenticateForm,
    RecoveryCodeForm,
    TwoFactorCodeForm,
    TwoFactorSetupForm,
    TwoFactorTurnOnForm,
)
from fundapp.accounts.models import User
from fundapp.accounts.views.signing_in import start_session
from fundapp.core.auth import public, requires, safe_next_url, signed_in
from fundapp.core.clock import utcnow
from fundapp.core.errors import DomainError
from fundapp.core.forms import add_domain_error, keeps_input_on_csrf_error
from fundapp.core.limits import by_user, by_user_id, limited
from fundapp.core.pdf import qr_svg
from fundapp.core.transactions import commits

PENDING = "two_factor_pending"
SETTING_UP = "two_factor_setting_up"  # the new key, until a code confirms it
PENDING_SECONDS = 600
TIMED_OUT = "Your sign-in timed out. Enter your email address and password again."


def begin_second_factor(user: User, next_url: str | None) -> Response:
    """After a right password: a fresh session holding only the pending marker, then the code (or set-up) page."""
    session.clear()
    session[PENDING] = {
        "user_id": user.id,
        "token": user.session_token,
        "at": int(utcnow().timestamp()),
        "next": safe_next_url(next_url, url_for("reporting.home")),
    }
    if two_factor.must_set_up(user):
        return redirect(url_for("accounts.two_factor_setup"))
    return redirect(url_for("accounts.two_factor"))


def _pending_user() -> User | None:
    """The person half-way through signing in, if the marker is fresh and their sessions were not ended since."""
    marker: Any = session.get(PENDING)
    if not isinstance(marker, dict):
        return None
    if int(utcnow().timestamp()) - int(marker.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = queries.find_user_by_session_token(str(marker.get("token", "")))
    if user is None or user.id != marker.get("user_id") or not user.is_active:
        return None
    return user


def _finish(user: User, *, message: str | None = None) -> Response:
    next_url = str(session.get(PENDING, {}).get("next") or url_for("reporting.home"))
    _sign_in_fully(user)
    if message:
        flash(message, "success")
    return redirect(safe_next_url(next_url, url_for("reporting.home")))


def _sign_in_fully(user: User) -> None:
    services.record_signed_in(user=user)
    start_session(user)


def _pending_user_id() -> object | None:
    """Who is half-way through signing in, for rate limits (the same bucket as once they are signed in)."""
    marker: Any = session.get(PENDING)
    return marker.get("user_id") if isinstance(marker, dict) else None


def _timed_out() -> Response:
    session.pop(PENDING, None)
    flash(TIMED_OUT)
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"], endpoint="two_factor")
@public
@limited("RATELIMIT_TWO_FACTOR", audit=True)
@limited("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", by_user_id(_pending_user_id), audit=True)
@commits
@keeps_input_on_csrf_error
def code_step():
    user = _pending_user()
    if user is None:
        return _timed_out()
    if two_factor.must_set_up(user):
        return redirect(url_for("accounts.two_factor_setup"))
    use_recovery = request.args.get("use") == "recovery"
    form = RecoveryCodeForm() if use_recovery else TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify_second_factor(user=user, code=form.code.data):
            message = None
            if use_recovery:
                left = two_factor.recovery_codes_left(user)
                message = (
                    f"You used a recovery code. You have {left} left. "
                    "You can get new ones from “Your account”, under two-factor authentication."
                )
            return _finish(user, message=message)
        form.code.errors = [
            "Enter a recovery code you have not used before"
            if use_recovery
            else "Enter the 6-digit code your authenticator app shows now (a code works only once)"
        ]
        form.code.data = ""
    return render_template(
        "accounts/two_factor_code.html",
        form=form,
        use_recovery=use_recovery,
        title="Enter a recovery code" if use_recovery else "Enter the code from your authenticator app",
    )


def _new_secret() -> str:
    secret = session.get(SETTING_UP)
    if not isinstance(secret, str) or not secret:
        secret = two_factor.new_secret()
        session[SETTING_UP] = secret
    return secret


def _setup_context(user: User, secret: str) -> dict[str, Any]:
    uri = two_factor.provisioning_uri(user=user, secret=secret)
    return {
        "qr": qr_svg(uri, title="QR code to add this service to your authenticator app"),
        "grouped_secret": two_factor.grouped_secret(secret),
    }


def _show_recovery_codes(codes: list[str], continue_url: str, *, first_time: bool) -> str:
    return render_template(
        "accounts/recovery_codes.html",
        codes=codes,
        continue_url=continue_url,
        first_time=first_time,
        title="Save your recovery codes",
    )


@bp.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
@limited("RATELIMIT_TWO_FACTOR", audit=True)
@limited("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", by_user_id(_pending_user_id), audit=True)
@commits
@keeps_input_on_csrf_error
def two_factor_setup():
    user = _pending_user()
    if user is None:
        return _timed_out()
    if two_factor.is_enabled(user):
        return redirect(url_for("accounts.two_factor"))
    secret = _new_secret()
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(user=user, secret=secret, code=form.code.data)
        except DomainError as exc:
            add_domain_error(form, exc)
            form.code.data = ""
        else:
            next_url = safe_next_url(str(session.get(PENDING, {}).get("next") or ""), url_for("reporting.home"))
            _sign_in_fully(user)
            return _show_recovery_codes(codes, next_url, first_time=True)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        user=user,
        staff=permissions.is_staff(user),
        title="Set up two-factor authentication",
        **_setup_context(user, secret),
    )


# --- "Your account" ----------------------------------------------------------------------------------------------


@bp.get("/account/two-factor")
@signed_in
def two_factor_settings():
    user = current_user._get_current_object()
    return render_template(
        "accounts/two_factor_settings.html",
        enabled=two_factor.is_enabled(user),
        codes_left=two_factor.recovery_codes_left(user) if two_factor.is_enabled(user) else 0,
        staff=permissions.is_staff(user),
        title="Two-factor authentication",
    )


@bp.route("/account/two-factor/turn-on", methods=["GET", "POST"])
@signed_in
@limited("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", by_user, audit=True)
@commits
@keeps_input_on_csrf_error
def two_factor_turn_on():
    user = current_user._get_current_object()
    if two_factor.is_enabled(user):
        return redirect(url_for("accounts.two_factor_settings"))
    secret = _new_secret()
    form = TwoFactorTurnOnForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.turn_on(user=user, password=form.password.data, secret=secret, code=form.code.data)
        except DomainError as exc:
            add_domain_error(form, exc)
            form.password.data = ""
            form.code.data = ""
        else:
            start_session(user)  # the token rotated: keep this session, end all others (clears SETTING_UP too)
            return _show_recovery_codes(codes, url_for("accounts.two_factor_settings"), first_time=True)
    return render_template(
        "accounts/two_factor_turn_on.html",
        form=form,
        user=user,
        title="Turn on two-factor authentication",
        **_setup_context(user, secret),
    )


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@requires(permissions.may_turn_off_two_factor)
@limited("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", by_user, audit=True)
@commits
@keeps_input_on_csrf_error
def two_factor_turn_off():
    user = current_user._get_current_object()
    if not two_factor.is_enabled(user):
        return redirect(url_for("accounts.two_factor_settings"))
    form = ReauthenticateForm()
    form.submit.label.text = "Turn off two-factor authentication"
    if form.validate_on_submit():
        try:
            two_factor.disable(user=user, password=form.password.data, code=form.code.data)
        except DomainError as exc:
            add_domain_error(form, exc)
            form.password.data = ""
            form.code.data = ""
        else:
            start_session(user)  # the token rotated: keep this session, end all others
            flash("Two-factor authentication is off. Signing in now needs only your password.", "success")
            return redirect(url_for("accounts.two_factor_settings"))
    return render_template("accounts/two_factor_turn_off.html", form=form, title="Turn off two-factor authentication")


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@signed_in
@limited("RATELIMIT_TWO_FACTOR_PER_ACCOUNT", by_user, audit=True)
@commits
@keeps_input_on_csrf_error
def recovery_codes_new():
    user = current_user._get_current_object()
    if not two_factor.is_enabled(user):
        return redirect(url_for("accounts.two_factor_settings"))
    form = ReauthenticateForm()
    form.submit.label.text = "Get new recovery codes"
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(user=user, password=form.password.data, code=form.code.data)
        except DomainError as exc:
            add_domain_error(form, exc)
            form.password.data = ""
            form.code.data = ""
        else:
            return _show_recovery_codes(codes, url_for("accounts.two_factor_settings"), first_time=False)
    return render_template("accounts/recovery_codes_new.html", form=form, title="Get new recovery codes")
