"""Access decorators. Every view declares exactly one access rule; the route-access test reads it.

- @public: anyone, signed in or not.
- @signed_in: any signed-in user; object rules are then checked in the view with permission predicates.
- @requires(predicate): signed in and predicate(user) is true (e.g. accounts.permissions.is_admin), else 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def _declare(view: Callable[..., Any], rule: str) -> None:
    if getattr(view, "access_rule", None):
        raise RuntimeError(f"{view.__name__} declares two access rules")
    view.access_rule = rule  # type: ignore[attr-defined]


def public(view: F) -> F:
    """Open to everyone."""
    _declare(view, "public")
    return view


def _sign_in_redirect() -> Any:
    return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))


def signed_in(view: F) -> F:
    """Anyone signed in; anonymous visitors are sent to sign in and brought back afterwards."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _sign_in_redirect()
        return view(*args, **kwargs)

    _declare(wrapper, "signed_in")
    return wrapper  # type: ignore[return-value]


def requires(predicate: Callable[[Any], bool]) -> Callable[[F], F]:
    """Signed in and the predicate holds for the user; otherwise 403 (the page exists, they may not see it)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _sign_in_redirect()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        _declare(wrapper, f"requires:{predicate.__name__}")
        return wrapper  # type: ignore[return-value]

    return decorator


def authorize(allowed: bool, *, hide: bool = False) -> None:
    """Object-level check inside a view: 403 when refused, or 404 when the user may not know it exists."""
    if not allowed:
        abort(404 if hide else 403)


def safe_next_url(target: str | None, default: str) -> str:
    """Only redirect to a local path on this site (no scheme, no host, no '//' tricks)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
