"""Pages every visitor may see: help, accessibility statement, privacy notice; and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from fundapp.core.auth import public
from fundapp.core.health import database_is_reachable
from fundapp.core.security import plain_http_allowed

bp = Blueprint("core", __name__)


@bp.get("/help")
@public
def help():  # noqa: A001
    return render_template("core/pages/help.html", title="Help and contact")


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("core/pages/accessibility.html", title="Accessibility statement")


@bp.get("/privacy")
@public
def privacy():
    return render_template("core/pages/privacy.html", title="Privacy notice")


@bp.get("/healthcheck")
@public
@plain_http_allowed
def healthcheck() -> Response:
    """'OK' when the app can reach its database; 503 otherwise (for load balancers, reveals nothing else)."""
    if database_is_reachable():
        return Response("OK", mimetype="text/plain")
    return Response("Database unavailable", status=503, mimetype="text/plain")
