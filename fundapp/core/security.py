"""Security headers beyond Talisman's: no caching of personal pages, and the CSP the app's pages need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, request

F = TypeVar("F", bound=Callable[..., Any])


def content_security_policy() -> dict[str, str | list[str]]:
    """Everything from our own origin; inline scripts only with the per-request nonce; no framing."""
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }


def register(app: Flask) -> None:
    @app.after_request
    def no_store_for_pages(response: Response) -> Response:
        # Pages can hold personal data: never let a shared computer's cache keep them. Static assets may cache.
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store, max-age=0"
        return response


def plain_http_allowed(view: F) -> F:
    """Exempt a view from the HTTPS redirect (load-balancer health probes speak plain HTTP).

    Talisman reads this attribute per view; setting it here keeps views free of extension imports.
    """
    view.talisman_view_options = {"force_https": False}  # type: ignore[attr-defined]
    return view
