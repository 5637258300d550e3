"""Session rules: when a signed-in session ends by itself (idle and absolute timeouts) and what the page is told.

Invariants:
- a session records when its person signed in and when they last did something (in the signed session cookie);
- a request after SESSION_IDLE_TIMEOUT_SECONDS without activity, or SESSION_ABSOLUTE_TIMEOUT_SECONDS after
  signing in, signs the person out and sends them to sign in again, then back to the page;
- static files never count as activity; the warning's "Stay signed in" counts for the idle timeout only, and
  nothing extends the absolute timeout.

Revocation is the other half: Flask-Login's id is users.session_token, which sign-out, a password or email change
and an admin disabling the account all rotate, so every other session holding the old token ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, flash, has_request_context, redirect, request, session, url_for
from flask_login import logout_user

from fundapp.core.clock import utcnow

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE_AT = "last_active_at"
# Requests that are not the person doing something: assets, and the probes of load balancers.
_NOT_ACTIVITY = frozenset({"static", "core.healthcheck"})


def _now() -> int:
    return int(utcnow().timestamp())


def start() -> None:
    """Stamp a new session (just after signing in): both clocks start now."""
    now = _now()
    session[SIGNED_IN_AT] = now
    session[LAST_ACTIVE_AT] = now


def touch() -> None:
    """Count this moment as activity (the idle clock restarts; the absolute one never does)."""
    session[LAST_ACTIVE_AT] = _now()


@dataclass(frozen=True)
class Timeouts:
    """The session limits in seconds, from configuration."""

    idle: int
    absolute: int
    warning: int

    @classmethod
    def from_config(cls) -> Timeouts:
        config = current_app.config
        return cls(
            idle=int(config["SESSION_IDLE_TIMEOUT_SECONDS"]),
            absolute=int(config["SESSION_ABSOLUTE_TIMEOUT_SECONDS"]),
            warning=int(config["SESSION_TIMEOUT_WARNING_SECONDS"]),
        )


def expiry_reason(*, signed_in_at: int, last_active_at: int, now: int, timeouts: Timeouts) -> str | None:
    """'absolute' or 'idle' when a session with these stamps has ended by now, else None."""
    if now - signed_in_at >= timeouts.absolute:
        return "absolute"
    if now - last_active_at >= timeouts.idle:
        return "idle"
    return None


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"


def signed_out_message(reason: str, timeouts: Timeouts) -> str:
    """What the sign-in page says after a timeout."""
    if reason == "idle":
        return (
            f"You were signed out because you had not done anything for {_duration(timeouts.idle)}. "
            "Sign in again to carry on."
        )
    return (
        f"You were signed out because you had been signed in for {_duration(timeouts.absolute)}. "
        "Sign in again to carry on."
    )


def seconds_left() -> dict[str, int]:
    """For the page's timeout warning: seconds until the idle and absolute ends, and when to warn."""
    timeouts = Timeouts.from_config()
    now = _now()
    return {
        "idle": max(0, int(session.get(LAST_ACTIVE_AT, now)) + timeouts.idle - now),
        "absolute": max(0, int(session.get(SIGNED_IN_AT, now)) + timeouts.absolute - now),
        "warning": timeouts.warning,
    }


def _signed_in() -> bool:
    return has_request_context() and "_user_id" in session


def _end_expired_session() -> Any:
    if request.endpoint in _NOT_ACTIVITY or not _signed_in():
        return None
    now = _now()
    if SIGNED_IN_AT not in session or LAST_ACTIVE_AT not in session:
        start()  # a session from before these rules: its clocks start now
        return None
    timeouts = Timeouts.from_config()
    reason = expiry_reason(
        signed_in_at=int(session[SIGNED_IN_AT]),
        last_active_at=int(session[LAST_ACTIVE_AT]),
        now=now,
        timeouts=timeouts,
    )
    if reason is None:
        touch()
        return None
    logout_user()
    session.clear()
    flash(signed_out_message(reason, timeouts), "info")
    if request.method != "GET":
        # A background "stay signed in" or a form sent too late: say so, the page decides where to go.
        if request.endpoint == "accounts.keep_alive":
            return ("", 401)
        back = request.path
    else:
        back = request.full_path.rstrip("?")
    return redirect(url_for("accounts.sign_in", next=back))


def register(app: Flask) -> None:
    """End timed-out sessions before any view runs; count everything but assets as activity."""
    app.before_request(_end_expired_session)

    @app.context_processor
    def session_timeout() -> dict[str, Any]:
        return {"session_seconds_left": seconds_left if _signed_in() else None}
