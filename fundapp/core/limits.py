"""Rate limits on what can be guessed or abused: signing in, codes, reset links, public lookups, heavy jobs.

Views declare them with @limited(setting, key): the setting names a config value holding the limits ("20 per
minute; 100 per hour"), read on each request so tests and deployments can change it; the key says whose bucket an
attempt goes in:

- by_ip: the client's address (ProxyFix sets it from X-Forwarded-For when PROXY_FIX_HOPS says there is a proxy);
  an IPv6 address counts by its /64, which one household or server usually holds whole.
- by_form_field(name, normalise): an account named in the form, normalised ("  Person@Example.org " is
  "person@example.org") and hashed. With the field empty or missing it falls back to the IP: never one bucket
  that everybody shares, so nobody can lock everybody out (the trap of Hypha's bug #4943).
- by_user: the signed-in user (the IP for anyone not signed in); by_user_id(get) the user get() names, like the
  one half-way through signing in, in the same bucket as once they are signed in (else the IP).

Only POSTs count unless a view says otherwise; a GET of the page never does. Each setting is its own bucket, shared
by the views that declare it.

When a limit is hit, a form page that keeps what was typed (@keeps_input_on_csrf_error) is shown again with it,
and "Too many attempts. Wait 15 minutes and try again" at its first field (the wait is the real one, to when the
oldest counted attempt expires), with status 429 and Retry-After. Any other page is the friendly 429 error page.
A breach of a limit declared with audit=True is recorded as a security event (auth.rate_limited), at most once a
minute per bucket, with the kind of key and the setting, never what was typed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, make_response, render_template, request
from flask_limiter import RateLimitExceeded, RequestLimit
from flask_login import current_user
from limits import parse
from werkzeug.exceptions import HTTPException

from fundapp.core.audit import record_event
from fundapp.core.errors import ERROR_TITLES
from fundapp.core.transactions import commit_unit_of_work, rollback_unit_of_work
from fundapp.core.wording import plural
from fundapp.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

# A bucket's breach is audited at most this often, so a flood of blocked attempts is one event, not thousands.
AUDIT_AT_MOST = parse("1 per minute")


# --- keys ---------------------------------------------------------------------------------------------------


def by_ip() -> str:
    """The client's address; an IPv6 one by its /64 (one holder usually has the whole network)."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address}"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return f"ip:{parsed.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network(f'{parsed}/64', strict=False)}"
    return f"ip:{parsed}"


def _hashed(value: str) -> str:
    # Buckets name accounts by a hash, so the limiter's storage holds no email addresses.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def by_form_field(name: str, normalise: Callable[[str], str]) -> Callable[[], str]:
    """The account named in the form's `name` field, normalised; the IP when it is empty or missing."""

    def key() -> str:
        value = normalise(str(request.form.get(name) or ""))
        return f"account:{_hashed(value)}" if value else by_ip()

    return key


def by_user_id(user_id: Callable[[], object | None]) -> Callable[[], str]:
    """The user that user_id() names (e.g. the one half-way through signing in); the IP when it names none."""

    def key() -> str:
        value = user_id()
        return f"user:{value}" if value not in (None, "") else by_ip()

    return key


def _signed_in_user_id() -> object | None:
    return current_user.id if current_user.is_authenticated else None


# The signed-in user; the IP for anyone else.
by_user = by_user_id(_signed_in_user_id)


# --- declaring limits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    """A limit this request went over: which setting, the kind of key, and when a try will count again."""

    setting: str
    key_kind: str
    limit: str
    reset_at: float
    audit: bool


def limited(
    setting: str,
    key: Callable[[], str] = by_ip,
    *,
    methods: tuple[str, ...] = ("POST",),
    exempt_when: Callable[[], bool] | None = None,
    audit: bool = False,
) -> Callable[[F], F]:
    """Limit a view by the limits in config[setting], counted per key; only `methods` count (POST by default)."""

    def on_breach(request_limit: RequestLimit) -> None:
        breach = Breach(
            setting=setting,
            key_kind=key().split(":", 1)[0],
            limit=str(request_limit.limit),
            reset_at=request_limit.window[0],  # when the oldest counted attempt stops counting
            audit=audit,
        )
        g.rate_limit_breaches = [*g.get("rate_limit_breaches", []), breach]

    def limits_now() -> str:
        return str(current_app.config[setting])

    # Shared by setting: every view declaring the same setting counts in the same bucket (the two verify pages).
    return limiter.shared_limit(  # type: ignore[return-value]
        limits_now,
        scope=setting,
        key_func=key,
        methods=list(methods),
        exempt_when=exempt_when,
        on_breach=on_breach,
    )


# --- what happens when a limit is hit -----------------------------------------------------------------------


def wait_words(seconds: int) -> str:
    """How long to wait, in words a person reads: '45 seconds', '15 minutes', '2 hours'."""
    seconds = max(seconds, 1)
    if seconds < 60:
        return plural(seconds, "second")
    if seconds <= 90 * 60:
        return plural(math.ceil(seconds / 60), "minute")
    return plural(math.ceil(seconds / 3600), "hour")


def breach_message() -> str | None:
    """The message a form shows while this request is over a limit, or None when it is not."""
    seconds = g.get("rate_limit_retry_after")
    if seconds is None:
        return None
    return f"Too many attempts. Wait {wait_words(seconds)} and try again"


def _retry_after(breaches: list[Breach]) -> int:
    latest = max((b.reset_at for b in breaches), default=time.time() + 60)
    return max(math.ceil(latest - time.time()), 1)


def _audit(breaches: list[Breach]) -> None:
    """Record the breach as a security event, at most once a minute per bucket; never on a GET."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    recorded = False
    for breach in breaches:
        if breach.audit and limiter.limiter.hit(AUDIT_AT_MOST, "audit", breach.setting, breach.key_kind, _bucket()):
            record_event(
                "auth.rate_limited",
                actor=None,
                subject=None,
                data={
                    "endpoint": request.endpoint,
                    "key": breach.key_kind,
                    "limit": breach.limit,
                    "setting": breach.setting,
                },
            )
            recorded = True
    if recorded:
        commit_unit_of_work()


def _bucket() -> str:
    # Audit throttling is per client address (one attacker, one event a minute per setting and kind of key).
    return by_ip()


def too_many_attempts(exc: RateLimitExceeded) -> Any:
    """A 429 that is still a page for people: the same form with what was typed, or the friendly error page."""
    breaches: list[Breach] = g.get("rate_limit_breaches", [])
    seconds = _retry_after(breaches)
    g.rate_limit_retry_after = seconds
    view = current_app.view_functions.get(request.endpoint or "")
    response = None
    if view is not None and getattr(view, "rerender_on_csrf_error", False):
        # The view runs again, uncounted (see register); its form fails with breach_message at the first field.
        try:
            response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
        except HTTPException as refused:  # its own guard (404 or 403) still answers as it would
            return current_app.handle_http_exception(refused)
        if response.status_code in (200, 422):
            response.status_code = 429
        else:  # not the form (an expired link's page, say): every limited request answers 429 alike
            response = None
    rollback_unit_of_work()
    if response is None:
        response = make_response(
            render_template(
                "core/error.html",
                code=429,
                title=ERROR_TITLES[429],
                detail=f"Wait {wait_words(seconds)} and try again.",
            ),
            429,
        )
    _audit(breaches)
    response.headers["Retry-After"] = str(seconds)
    return response


@limiter.request_filter
def _showing_breach() -> bool:
    """While a form page is shown again after a breach, nothing counts (the attempt already has)."""
    return g.get("rate_limit_retry_after") is not None


def register(app: Flask) -> None:
    """Bind the limiter to the app (storage from RATELIMIT_STORAGE_URI) and answer a breach with a page."""
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_attempts)
