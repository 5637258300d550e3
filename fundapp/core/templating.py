"""Template globals and filters: money, London dates, file sizes, CSP nonce, service identity."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request

from fundapp.core.clock import format_date, format_datetime
from fundapp.core.forms import error_summary
from fundapp.core.money import format_pence
from fundapp.core.reference import borough_name
from fundapp.core.uploads import format_file_size


def register(app: Flask) -> None:
    app.jinja_env.filters["pounds"] = format_pence
    app.jinja_env.filters["london_datetime"] = format_datetime
    app.jinja_env.filters["london_date"] = format_date
    app.jinja_env.filters["borough_name"] = borough_name
    app.jinja_env.filters["filesize"] = format_file_size
    # In place of govuk-frontend-wtf's own: a date's error links to its day box, which can take focus.
    app.jinja_env.globals["wtforms_errors"] = error_summary

    @app.context_processor
    def service_identity() -> dict[str, Any]:
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "support_email": current_app.config["SUPPORT_EMAIL"],
            # Talisman puts a fresh nonce on each request; the GOV.UK page template reads it as cspNonce.
            "cspNonce": getattr(request, "csp_nonce", "") if has_request_context() else "",
        }
